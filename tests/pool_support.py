"""A stand-in for the build's background workers (explainer/effects/worker_pool.py) that counts what it is handed."""
from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from explainer.effects.worker_pool import BackgroundWorkers


class CountedWorkers(BackgroundWorkers):
    """The pool's background workers, counting the pieces handed to them; dying: each piece fails as a dead
    worker's does."""

    def __init__(self, pool: BackgroundWorkers, dying: bool = False):
        self.pool, self.dying, self.submitted = pool, dying, 0

    def submit(self, function, *arguments):
        self.submitted += 1
        if not self.dying:
            return self.pool.submit(function, *arguments)
        failed = Future()
        failed.set_exception(BrokenProcessPool("a worker died"))
        return failed
