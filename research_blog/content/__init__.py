"""Files -> posts: the content folder read, validated and grouped.

In: the Markdown files and ``.bib`` files of the content folder. Out: a
``collection.Loaded`` (every valid post, every problem as path:line: message)
and ``published.Published`` (what readers see, grouped by tag, category and
series). Start at ``collection.py``, which reads the folder (``sources.py``)
into ``post.Post`` objects, re-reading only when the files change
(``watcher.py``, ``loadcache.py``). ``checks.py`` adds what only a render can
find. Rendering itself is the stage below (``render/``).
"""
