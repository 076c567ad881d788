"""The engine as a stranger installs it: built into a wheel, installed into a fresh
virtual environment outside the checkout, embedded by the README's own code.

The host app is the Python block of the README's "Embedding" section, word for word,
with posts of its own (math, code, a figure) in ``pages/`` beside it. A crawl run by
the venv's Python then follows every link from ``/blog/``: pages, stylesheets, fonts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

HERE = Path(__file__).parent
POST = """---
title: "A host's own post"
date: 2024-06-01
summary: "Math, code and a figure, served from an installed wheel."
category: Notes
tags: [Flow Matching]
---

The loss $\\mathcal{L}(\\theta)$ is

$$
\\mathcal{L} = \\mathbb{E}\\,\\lVert v_\\theta(x_t, t) - (x_1 - x_0) \\rVert^2 \\tag{1}
$$

```python
def loss(v, x0, x1):
    return ((v - (x1 - x0)) ** 2).mean()
```

![A small square standing in for a plot](figures/square.svg)

/// figure-caption
A square.
///
"""

CRAWL = """
import sys
from pathlib import Path

import research_blog
from crawl import client_fetcher, crawl
from research_blog.web.assets import version
from mysite import app

assert Path(research_blog.__file__).resolve().is_relative_to(Path(sys.prefix).resolve()), research_blog.__file__
visited, broken = crawl(client_fetcher(app.test_client()), ["/", "/blog/", "/blog/search/"])
assert not broken, broken
assets = f"/blog/assets/{version()}"
for needed in ["/blog/a-hosts-post/", "/blog/a-hosts-post/figures/square.svg", f"{assets}/css/site.css",
               f"{assets}/katex/katex.min.css", f"{assets}/katex/fonts/KaTeX_Main-Regular.woff2",
               f"{assets}/favicon.svg", f"{assets}/highlight.css", "/blog/tags/flow-matching/", "/blog/feed.xml",
               "/blog/search/", f"{assets}/js/search.js"]:
    assert needed in visited, (needed, sorted(visited))
page = app.test_client().get("/blog/a-hosts-post/").get_data(as_text=True)
assert 'class="katex"' in page and '<span class="k">def</span>' in page
print(f"crawled {len(visited)} URLs")
"""


def readme_embedding_code() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Embedding in your Flask site"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # python -m build makes the sdist, then the wheel from the sdist: both must carry everything.
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(PROJECT_ROOT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    log = result.stdout + result.stderr
    assert not re.search(r"(?i)deprecat|SetuptoolsWarning|as data is", log), "packaging warnings:\n" + log
    return dist


def test_the_wheel_carries_templates_static_files_katex_and_posts(built):
    names = set(zipfile.ZipFile(next(built.glob("*.whl"))).namelist())
    for needed in ["research_blog/templates/research_blog/post.html", "research_blog/static/research_blog/css/site.css",
                   "research_blog/static/research_blog/katex/katex.min.css",
                   "research_blog/static/research_blog/katex/fonts/KaTeX_Main-Regular.woff2",
                   "research_blog/static/research_blog/favicon.svg", "research_blog/vendor/katex.min.js",
                   "research_blog/static/research_blog/js/search.js",
                   "research_blog/templates/research_blog/search.html",
                   "research_blog/pages/ppo.md", "research_blog/pages/figures/ppo-clip.svg",
                   "research_blog/pages/references.bib", "research_blog/static/research_blog/js/copy.js",
                   "research_blog/pages/_outputs/dpo.json", "research_blog/pages/figures/_outputs/dpo/block3-1.svg",
                   "research_blog/commands/runblocks.py"]:
        assert needed in names, needed


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed (shared by the tests below: installing takes a while)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    wheel = next(built.glob("*.whl"))
    # Without PYTHONPATH: a checkout on it (with its research_blog.egg-info from the build)
    # would make pip think the package is installed already and skip the wheel.
    clean = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                             capture_output=True, text=True, timeout=900, env=clean)
    assert install.returncode == 0, install.stdout + install.stderr
    return env_dir


def test_the_readme_embedding_runs_against_the_installed_wheel(installed, tmp_path):
    env_dir = installed
    python = env_dir / "bin" / "python"

    host = tmp_path / "host"
    (host / "pages" / "figures").mkdir(parents=True)
    (host / "mysite.py").write_text(readme_embedding_code(), encoding="utf-8")
    (host / "pages" / "a-hosts-post.md").write_text(POST, encoding="utf-8")
    (host / "pages" / "figures" / "square.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')
    shutil.copy(HERE / "crawl.py", host / "crawl.py")
    (host / "check_install.py").write_text(CRAWL, encoding="utf-8")

    env = {"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    crawled = subprocess.run([str(python), "check_install.py"], cwd=host, env=env, capture_output=True, text=True, timeout=300)
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    assert "crawled" in crawled.stdout

    flask = [str(env_dir / "bin" / "flask"), "--app", "mysite"]
    check = subprocess.run([*flask, "check"], cwd=host, env=env, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0 and "OK: 1 post in" in check.stdout, check.stdout + check.stderr
    frozen = subprocess.run([*flask, "freeze", "--out", "public"], cwd=host, env=env, capture_output=True, text=True, timeout=300)
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    assert (host / "public" / "blog" / "a-hosts-post" / "index.html").is_file()
    # The assets' version folder hashes the venv's own Pygments CSS too, so it is found, not computed here.
    assert list((host / "public" / "blog" / "assets").glob("*/katex/fonts/KaTeX_Main-Regular.woff2"))

    (host / "pages").rename(host / "posts-elsewhere")
    missing = subprocess.run([str(python), "-c", "import mysite"], cwd=host, env=env, capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "which is not a folder: create it" in missing.stderr


INIT_CRAWL = """
import sys
from crawl import crawl, file_fetcher
from pathlib import Path
visited, broken = crawl(file_fetcher(Path(sys.argv[1]), "/blog/"), ["/blog/"], origin="https://me.example")
assert not broken, broken
assert "/blog/welcome/" in visited and "/blog/about/" in visited, sorted(visited)
print(f"crawled {len(visited)} URLs")
"""


def test_research_blog_init_from_the_installed_wheel_checks_freezes_and_crawls(installed, tmp_path):
    env = {"PATH": f"{installed / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    made = subprocess.run([str(installed / "bin" / "research-blog"), "init", "myblog"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    blog = tmp_path / "myblog"
    flask = [str(installed / "bin" / "flask"), "--app", "app"]
    check = subprocess.run([*flask, "check"], cwd=blog, env=env, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0 and "OK: 1 post and 1 page" in check.stdout, check.stdout + check.stderr
    frozen = subprocess.run([*flask, "freeze", "--base-url", "https://me.example/blog/"], cwd=blog, env=env,
                            capture_output=True, text=True, timeout=300)
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    shutil.copy(HERE / "crawl.py", tmp_path / "crawl.py")
    (tmp_path / "check_init.py").write_text(INIT_CRAWL, encoding="utf-8")
    crawled = subprocess.run([str(installed / "bin" / "python"), "check_init.py", str(blog / "build")], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=300)
    assert crawled.returncode == 0 and "crawled" in crawled.stdout, crawled.stdout + crawled.stderr
    # python -m research_blog is the same command.
    again = subprocess.run([str(installed / "bin" / "python"), "-m", "research_blog", "init", "second"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and (tmp_path / "second" / "blog.toml").is_file(), again.stderr
