"""Copy KaTeX from its npm package into the places the engine serves it from.

Usage: ``npm pack katex@0.16 && tar xzf katex-*.tgz && python scripts/vendor_katex.py package``

* ``katex.min.js`` goes to ``research_blog/vendor/``: it runs on the server only
  (in mini-racer), never in a page.
* ``katex.min.css`` and the woff2 fonts go to ``static/research_blog/katex/``.
  The CSS is rewritten to list woff2 alone: every browser we serve reads woff2,
  and dropping the woff/ttf fallbacks means every URL in the CSS exists in the
  frozen site.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_FALLBACK_FONTS = re.compile(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)')


def vendor(package: Path) -> None:
    dist = package / "dist"
    vendor_dir = ROOT / "research_blog" / "vendor"
    static_dir = ROOT / "static" / "research_blog" / "katex"
    (static_dir / "fonts").mkdir(parents=True, exist_ok=True)
    vendor_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(dist / "katex.min.js", vendor_dir / "katex.min.js")
    shutil.copy(package / "LICENSE", vendor_dir / "KATEX_LICENSE")
    shutil.copy(package / "LICENSE", static_dir / "LICENSE")
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    (static_dir / "katex.min.css").write_text(_FALLBACK_FONTS.sub("", css), encoding="utf-8")
    for font in (dist / "fonts").glob("*.woff2"):
        shutil.copy(font, static_dir / "fonts" / font.name)


if __name__ == "__main__":
    vendor(Path(sys.argv[1]))
