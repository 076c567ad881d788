"""Reading a post's YAML front matter safely, with every problem at its line.

Flask-FlatPages splits a file into front matter and body; the YAML itself is
read here, not by ``Page.meta``, so that hostile or odd front matter gives a
``path:line`` problem instead of a traceback or unbounded work:

* YAML aliases (``*name``) are refused: a 600-byte alias bomb would otherwise
  expand to gigabytes in anything that walks the value;
* front matter longer than :data:`MAX_FRONT_MATTER_BYTES` is refused unread;
* control bytes, bad indentation and impossible dates (``2024-02-30``) name
  their line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from .problems import Problem

MAX_FRONT_MATTER_BYTES = 64 * 1024
_TOP_LEVEL_KEY = re.compile(r"^([^\s#:'\"-][^:]*?)\s*:(?:\s|$)")


# libyaml's loader where PyYAML has it (ten times faster: a thousand posts load on every start).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _refuse_aliases(meta_text: str) -> None:
    """Raise at the first alias: parsing events is cheap and expands nothing."""
    for event in yaml.parse(meta_text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, f"found the alias *{event.anchor}; write the value out instead of reusing an anchor",
                event.start_mark)


def key_lines(meta_text: str) -> dict[str, int]:
    """Top-level key -> its line number in the file (``meta_text`` starts at the file's first line)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(meta_text.split("\n"), start=1):
        found = _TOP_LEVEL_KEY.match(line)
        if found:
            lines.setdefault(found.group(1), number)
    return lines


def _impossible_dates(meta_text: str, path: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(meta_text.split("\n"), start=1):
        found = re.match(r"^(\w+)\s*:\s*['\"]?(\d{4}-\d{2}-\d{2})", line)
        if found:
            try:
                dt.date.fromisoformat(found.group(2))
            except ValueError:
                problems.append(Problem(path, number, f"'{found.group(1)}' must be a real date written YYYY-MM-DD, got '{found.group(2)}'"))
    return problems or [Problem(path, 1, "front matter holds a value YAML cannot read: check dates and numbers")]


def control_character_problem(error: yaml.reader.ReaderError, text: str, path: str) -> Problem:
    """A NUL, ESC or form feed that YAML's reader refuses, at its line in ``text``."""
    position, character = getattr(error, "position", None), getattr(error, "character", None)
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
    shown = f"U+{character:04X}" if isinstance(character, int) else "a control character"
    return Problem(path, line, f"the file holds the control character {shown}, which YAML refuses: delete it")


def _yaml_problem(error: yaml.YAMLError, path: str, meta_text: str) -> Problem:
    # The construct's start (e.g. an unclosed list) beats where the parser gave up.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    if isinstance(error, yaml.reader.ReaderError):
        return control_character_problem(error, meta_text, path)
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    return Problem(path, line, f"front matter is not valid YAML ({reason}): check quoting and indentation")


def read_front_matter(meta_text: str, path: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The front matter as a mapping, or the problems that stop it being one."""
    if len(meta_text.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES:
        return None, [Problem(path, 1, f"front matter is over {MAX_FRONT_MATTER_BYTES // 1024} KB: "
                                       "keep it to the post's fields and move the rest into the body")]
    if not meta_text.strip():
        return None, [Problem(path, 1, "no front matter: start the file with a `---` block holding title, date, summary and category")]
    meta: dict[str, Any] = {}
    try:
        _refuse_aliases(meta_text)
        for document in yaml.load_all(meta_text, Loader=_Loader):
            if document is None:
                continue
            if not isinstance(document, dict):
                return None, [Problem(path, 1, "front matter must be a mapping of `key: value` lines")]
            meta.update(document)
    except yaml.YAMLError as error:
        return None, [_yaml_problem(error, path, meta_text)]
    except ValueError:
        # PyYAML turns 2024-02-30 into a date and fails: find the impossible one.
        return None, _impossible_dates(meta_text, path)
    if not meta:
        return None, [Problem(path, 1, "front matter must be a mapping of `key: value` lines")]
    return meta, []
