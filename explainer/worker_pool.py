"""Spreading work over the machine's cores: a function mapped over many items in worker processes, in order.

Only where there is enough work to pay for the workers (each costs about a tenth of a second to start, plus
whatever its initializer sends it), on a machine with more than one core; otherwise, and whenever a pool
cannot be used (no fork server, a worker that died), the caller does the work itself and gets None here.

Workers start from a fork server (never a plain fork: the preview has threads), so the function and the
initializer must be importable module-level functions, and what they take must pickle.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

CHUNKS_PER_WORKER = 4  # items go out in a few chunks per worker, so a slow chunk does not hold up the others
MOST_WORKERS = 8


def worker_count() -> int:
    return min(os.cpu_count() or 1, MOST_WORKERS)


def map_in_workers(function: Callable, items: Sequence, minimum: int, initializer: Callable | None = None,
                   initargs: tuple = ()) -> list | None:
    """[function(item) for item in items] computed in worker processes; None when not worth it or not possible."""
    workers = worker_count()
    if len(items) < minimum or workers < 2 or "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("forkserver")
    chunk = max(1, -(-len(items) // (workers * CHUNKS_PER_WORKER)))
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
            return list(pool.map(function, items, chunksize=chunk))
    except (BrokenProcessPool, OSError, EOFError):  # a worker died or could not start: slower, never wrong
        return None
