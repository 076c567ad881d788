"""Responses -> a static site: Frozen-Flask drives the blueprint and writes every page.

In: an app with a blog mounted, and the checked snapshot of its posts. Out: a
folder of static files, swapped in whole or not at all. Start at ``freeze.py``;
``prepare.py`` renders everything on every core first, ``reuse.py`` links what
the last build already has, and ``outfolder.py`` keeps the old build and the
user's own files safe. Frozen-Flask is imported here only.
"""
