"""Copy lunr.js (served to readers) and axe-core (used by the tests) from their npm packages.

Usage::

    npm pack lunr@2.3.9 axe-core@4.14.1
    mkdir lunr axe && tar xzf lunr-2.3.9.tgz -C lunr && tar xzf axe-core-4.14.1.tgz -C axe
    python scripts/vendor_js.py lunr/package axe/package

* ``lunr.min.js`` and its LICENSE go to ``static/research_blog/js/``: the search
  page loads it from the blog itself (no CDN) and builds its index with it
  (search.js uses lunr 2's builder and query API).
* ``axe.min.js`` and its LICENSE go to ``tests/vendor/``: the accessibility test
  injects it into pages; it is never shipped with the engine.

Nothing is fetched at test or view time; run this again to update either file.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _version(package: Path) -> str:
    return json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]


def vendor(lunr_package: Path, axe_package: Path) -> None:
    js_dir = ROOT / "static" / "research_blog" / "js"
    js_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(lunr_package / "lunr.min.js", js_dir / "lunr.min.js")
    shutil.copy(lunr_package / "LICENSE", js_dir / "LUNR_LICENSE")
    tests_dir = ROOT / "tests" / "vendor"
    tests_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(axe_package / "axe.min.js", tests_dir / "axe.min.js")
    shutil.copy(axe_package / "LICENSE", tests_dir / "AXE_LICENSE")
    (tests_dir / "VERSIONS").write_text(
        f"axe-core {_version(axe_package)} (MPL-2.0, see AXE_LICENSE), from its npm package\n", encoding="utf-8")
    print(f"lunr {_version(lunr_package)} -> {js_dir}; axe-core {_version(axe_package)} -> {tests_dir}")


if __name__ == "__main__":
    vendor(Path(sys.argv[1]), Path(sys.argv[2]))
