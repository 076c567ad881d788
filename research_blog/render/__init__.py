"""Markdown -> HTML: the one pipeline every page, feed and check renders through.

In: a post's body text, the math output wanted, and its ``references.Library``.
Out: ``pipeline.Rendered`` (HTML, contents, math and reference errors) and its
small ``RenderFacts``. Start at ``pipeline.py``: one configured Markdown with
our extensions (math through ``katex.py``, citations, cross-references,
headings, sidenotes), cached in memory and on disk (``cache.py``), and spread
over worker processes (``warmworker.py``). This stage imports no other.
"""
