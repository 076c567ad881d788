"""The ``flask`` verbs a blog adds: ``check``, ``freeze`` and ``new``, one module each;
and ``init`` (``research-blog init DIR``, run before there is a blog), which writes
the starter blog of ``starter.py`` and ``publish_workflow.py``.

In: the command line and the app. Out: what each verb prints and writes.
``batch.py`` holds what ``check`` and ``freeze`` share: the posts read once,
the warm worker, and the set-up undone when the command ends.
"""
