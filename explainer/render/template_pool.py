"""Rendering many files from templates on every core: the files the memo could not reuse, in the build's pool
(effects/worker_pool.each_in_workers), each worker holding the templates and the site view once.

A file rendered in a worker is the same text as one rendered here: the worker renders the same template with
the same view (sent once, with the contexts, in one pickle, so a context's page is the view's own page there
too) and speaks the view's language (words.SpokenTemplate). What it read of the site is recorded there, as the
Markdown workers record theirs (incremental/reads.py: fingerprints are content hashes, equal in any process),
and handed back with the text, so the memo keeps each file with its reads as if it had been rendered here.
A file whose rendering raised comes back without text: the caller renders it again here, where its error is
reported at its template line (templates._render).
"""
from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Generator, Iterator
from dataclasses import dataclass

from ..effects.worker_pool import each_in_workers
from ..incremental.reads import Fingerprints, Reads, recording
from ..site_folder.inputs import TemplateFolder

# Measured at 1,000 pages on 2 cores: sending the view (about 18 MB pickled) to each worker and starting it
# costs about 0.3 s, which a hundred files' rendering (about 2.5 ms each) pays for.
POOL_MIN_FILES = 100


@dataclass(frozen=True)
class Rendered:
    """One file rendered in a worker."""

    text: str | None  # None: rendering raised; render it again in the build's process
    reads: Reads | None  # what it read of the site; None when not recorded (no memo) or not recordable
    recorded: bool  # whether reads were recorded at all


def render_in_workers(templates: tuple[TemplateFolder, ...], view, jobs: list[tuple[str, dict]],
                      record: bool) -> Iterator[Rendered | None] | None:
    """Each (template name, context) rendered with site=view, in order, in worker processes, handed over as
    each is done (None: render that one in the build's process); None where the pool is not worth it or cannot
    be used. record: note what each read."""
    if len(jobs) < POOL_MIN_FILES:
        return None
    # The view's memos are this process's (remembered() entries hold its fingerprints): each worker starts its own.
    # Pickled here once, view and contexts together (a context's page is the view's page in the worker too); each
    # worker is sent the bytes.
    try:
        sent = pickle.dumps((dataclasses.replace(view, _memo={}), jobs), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):  # a site's context that holds an open file, a lambda
        return None
    results = each_in_workers(_render_job, range(len(jobs)), POOL_MIN_FILES, _start_worker, (templates, sent, record))
    return None if results is None else _every_job(results, len(jobs))


def _every_job(results: Generator[Rendered, None, None], count: int) -> Iterator[Rendered | None]:
    """The results, then None for each job the pool did not give (a worker that died: each_in_workers)."""
    given = 0
    try:
        for done in results:
            yield done
            given += 1
    finally:  # also when the caller stops early: the pool is shut down now, not whenever this is collected
        results.close()
    yield from (None for _ in range(count - given))


@dataclass
class _WorkerState:
    environment: object
    view: object
    jobs: list[tuple[str, dict]]
    record: bool
    fingerprints: Fingerprints


_state: _WorkerState | None = None  # in a worker process: what the build that started it sent


def _start_worker(templates: tuple[TemplateFolder, ...], sent: bytes, record: bool) -> None:
    global _state
    from .templates import make_environment  # templates.py imports this module: imported when a worker starts

    view, jobs = pickle.loads(sent)
    _state = _WorkerState(make_environment(templates), view, jobs, record, Fingerprints())


def _render_job(index: int) -> Rendered:
    state = _state
    template_name, context = state.jobs[index]
    try:
        if not state.record:
            return Rendered(state.environment.get_template(template_name).render(site=state.view, **context), None,
                            False)
        with recording(state.fingerprints) as recorder:
            text = state.environment.get_template(template_name).render(site=state.view, **context)
        return Rendered(text, None if recorder.unrecordable else recorder.reads, True)
    except Exception:  # reported where the caller renders it again (RecursionError too)
        return Rendered(None, None, False)
