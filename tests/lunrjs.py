"""Search /search-index.json the way readers do, without a browser: the vendored lunr.js in V8.

The index is built by search.js's own ``build`` function, cut out of the file, so these
tests check the code readers run, not a copy of it. mini-racer is the V8 that KaTeX
already runs in (research_blog/render/katex.py).
"""

from __future__ import annotations

import re

from conftest import PROJECT_ROOT

JS = PROJECT_ROOT / "static" / "research_blog" / "js"
_BUILD = re.compile(r"^  function build\(payload\) \{\n.*?^  \}$", re.M | re.S)


def search(payload: dict, *queries: str) -> list[list[str]]:
    """For each query (lunr's query syntax), the slugs of the posts it finds, best first."""
    from py_mini_racer import MiniRacer

    from research_blog.render import katex

    katex.init_v8()  # V8's flags are the engine's, whichever of the two comes first

    build = _BUILD.search((JS / "search.js").read_text(encoding="utf-8"))
    assert build, "search.js has no `function build(payload)` at two spaces' indent"
    with MiniRacer() as v8:  # closed explicitly: an open context keeps the interpreter from exiting
        v8.eval((JS / "lunr.min.js").read_text(encoding="utf-8"))
        v8.eval(build.group(0))
        v8.eval("function slugs(payload, query) {"
                " return build(payload).search(query).map(function (r) { return payload.docs[+r.ref][0]; }); }")
        return [list(v8.call("slugs", payload, query)) for query in queries]
