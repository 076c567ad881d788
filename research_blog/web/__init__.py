"""HTML -> responses: the blueprint that serves the blog (and that a freeze requests).

In: the posts of the moment, asked of ``state.py``, and their renders. Out:
pages, feeds, the sitemap, search data, share cards and assets, each cached
(``pagecache.py``) with the security headers (``security.py``). Start at
``views.py``, the blueprint with one view per kind of page; ``reader_views.py``
adds search, series feeds and cards to it. ``livereload.py`` (the dev server's
reload events) is mounted on a debug app only.
"""
