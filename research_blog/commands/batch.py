"""What `flask check` and `flask freeze` share: one run over every post, set up and undone."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from ..build import prepare
from ..content.checks import all_problems
from ..render import pipeline, warmworker
from ..state import state


@contextmanager
def as_a_batch_job() -> Iterator[None]:
    """This process set up for one run over every post (check, freeze), and set back after it."""
    # Forked before the posts are read, it loads the pipeline on the other core meanwhile.
    pipeline.start_warm_worker()
    # A run makes hundreds of thousands of small objects that live to its end (posts,
    # renders, URL tables) and few cycles: collecting every 700 allocations would cost
    # about 70 ms of a 1,000-post freeze and find next to nothing.
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        prepare.stop()  # share cards still being drawn when a freeze failed or was stopped
        warmworker.stop()  # the worker serves one command: a host's process may run more


def problems(for_freeze: bool = False) -> list:
    blog = state()
    loaded = blog.collection.loaded(max_age=0, patient=False)
    if for_freeze and not loaded.problems:
        # Everything a freeze derives from the posts, made on every core first: the
        # checks below and then the freeze find it all in the caches.
        prepare.prepare_freeze(loaded)
    return all_problems(loaded, blog.figures_dir)
