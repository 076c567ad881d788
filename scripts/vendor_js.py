"""Copy axe-core (used by the tests) from its npm package.

Usage::

    npm pack axe-core@4.14.1
    mkdir axe && tar xzf axe-core-4.14.1.tgz -C axe
    python scripts/vendor_js.py axe/package

(The search's JavaScript is not vendored: Pagefind's indexer writes it with the index.)

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


def vendor(axe_package: Path) -> None:
    tests_dir = ROOT / "tests" / "vendor"
    tests_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(axe_package / "axe.min.js", tests_dir / "axe.min.js")
    shutil.copy(axe_package / "LICENSE", tests_dir / "AXE_LICENSE")
    (tests_dir / "VERSIONS").write_text(
        f"axe-core {_version(axe_package)} (MPL-2.0, see AXE_LICENSE), from its npm package\n", encoding="utf-8")
    print(f"axe-core {_version(axe_package)} -> {tests_dir}")


if __name__ == "__main__":
    vendor(Path(sys.argv[1]))
