"""The ``flask`` verbs a blog adds: ``check``, ``freeze`` and ``new``, one module each.

In: the command line and the app. Out: what each verb prints and writes.
``batch.py`` holds what ``check`` and ``freeze`` share: the posts read once,
the warm worker, and the set-up undone when the command ends.
"""
