"""Every `flask` and `research-blog` command the README shows runs, in order, in a blog `init` wrote.

The shell blocks that start with one of them are read out of README.md, so a command
renamed in the code and not in the README (or the other way round) fails here.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT_ROOT
from test_clean_exit import free_port, like_a_terminal, stop, wait_until_serving

PROGRAMS = {"flask": [sys.executable, "-m", "flask"], "research-blog": [sys.executable, "-m", "research_blog"]}


def readme_commands() -> list[list[str]]:
    """Each command line of the README's shell blocks that start with ``flask`` or ``research-blog``."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```(?:bash|sh|shell)\n(.*?)```", readme, re.S):
        if not block.lstrip().startswith(tuple(PROGRAMS)):
            continue
        commands += [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]
    return commands


def test_the_readme_shows_the_path_from_init_to_freeze():
    programs = [" ".join(words[:2] if words[0] != "flask" else words[:4]) for words in readme_commands()]
    for expected in ["research-blog init", "cd myblog", "flask --app app run", "flask --app app check",
                     "flask --app app freeze", "flask --app app new"]:
        assert expected in programs, (expected, programs)


def run_server(words: list[str], cwd: Path) -> None:
    port = free_port()
    server = subprocess.Popen([*words, "--port", str(port)], cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, preexec_fn=lambda: (os.setpgrp(), like_a_terminal()))
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", server)
    finally:
        output = stop(server, signal.SIGINT)
    assert server.returncode == 0, output[-2000:]


def test_every_readme_command_runs_in_a_new_blog(tmp_path):
    where = tmp_path
    for words in readme_commands():
        if words[0] == "cd":
            where = where / words[1]
            continue
        command = [*PROGRAMS[words[0]], *words[1:]]
        if words[1:4] == ["--app", "app", "run"]:
            run_server(command, where)
            continue
        result = subprocess.run(command, cwd=where, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, f"{shlex.join(words)} in {where}:\n{result.stdout}{result.stderr}"
    assert (where / "app.py").is_file() and (where / "build" / "index.html").is_file()
