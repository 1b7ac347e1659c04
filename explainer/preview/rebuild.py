"""One preview rebuild: from the files that changed to the site to serve, the problems to show, and a log line.

The first build reads the whole site folder. Later ones start from the previous inputs and replace only the
texts of the content and data files that changed (the watcher already read them), so a Markdown edit does
not re-read a thousand files; anything else (a file created or deleted, an asset, site.json) reads the site
folder again. Templates and charts are read by their own stages. The build itself is the same
pipeline.build() as `python build.py`, given the cache that makes it incremental.

Nothing the engine raises escapes from here: a bug becomes a Problem shown in the browser, and the server
keeps serving the last good site.
"""
from __future__ import annotations

import dataclasses
import logging
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..incremental.build_cache import BuildCache
from ..errors import Problem
from ..site_folder.inputs import PROJECT, SiteInputs, decode_text, read_inputs, reread_templates_and_charts
from ..effects.boundary import BuildEffects
from ..pipeline import BuildResult, build
from .source_watch import Changes

logger = logging.getLogger("explainer.preview.serve")


@dataclass(frozen=True)
class Outcome:
    """A finished rebuild: the files of the new site, or None when it failed and the last good one stays."""

    files: dict[str, bytes] | None
    problems: tuple[Problem, ...]  # errors and warnings
    summary: str  # what was rebuilt and how long it took, for the log line
    failed: bool = False


class Rebuilder:
    """Keeps the inputs and the build cache between rebuilds. Used by one thread."""

    def __init__(self, root: Path, strict: bool, project: Path = PROJECT):
        self.root = root.resolve()
        self.project = project
        self.strict = strict
        self.cache = BuildCache()
        self.inputs: SiteInputs | None = None
        # The last search index made (search_refresh.py): served with each new build until its own is ready, so
        # that a rebuild neither drops search nor reloads pages for it.
        self.search_files: dict[str, bytes] = {}

    def rebuild(self, changes: Changes | None = None) -> Outcome:
        """Build after these changes (None: the first build). Never raises."""
        started = time.perf_counter()
        self.cache.start_build()
        try:
            inputs, problems = self._inputs(changes)
            if problems:  # the site folder itself is broken (no content/, a file not UTF-8…)
                self.inputs = None  # read it whole next time
                return self._failed(problems, started)
            self.inputs = inputs
            # The index comes after the pages are served (search_refresh.py).
            result = build(inputs, BuildEffects(memo=self.cache, index_search=None))
        except BaseException as error:  # a bug in the engine, even a SystemExit, must not stop the preview
            logger.error("internal error in the build:\n%s", traceback.format_exc())
            self.inputs = None
            return self._failed([internal_problem(error)], started)
        if result.failed(self.strict):
            self.cache.finish_build(succeeded=False)
            return self._failed(result.problems, started)
        self.cache.finish_build(succeeded=True)
        return Outcome({**result.files, **self.search_files}, tuple(result.problems), self._summary(result, started))

    def _inputs(self, changes: Changes | None) -> tuple[SiteInputs, list[Problem]]:
        if self.inputs is None or changes is None or changes.created or changes.deleted:
            return read_inputs(self.root, self.project)
        content, data = dict(self.inputs.content), dict(self.inputs.data)
        code_changed = False  # a template or a chart module: their folders are read again, they are few
        for path, raw in changes.modified.items():
            if path in content or path in data:
                try:
                    text = decode_text(raw)
                except UnicodeDecodeError:
                    return read_inputs(self.root, self.project)  # which reports the problem in its words
                (content if path in content else data)[path] = text
            elif any(path.is_relative_to(folder) for folder in (*self.inputs.template_dirs, *self.inputs.chart_dirs)):
                code_changed = True
            else:
                return read_inputs(self.root, self.project)  # an asset or site.json: read the folder again
        inputs = dataclasses.replace(self.inputs, content=content, data=data)
        if code_changed:
            inputs, problems = reread_templates_and_charts(inputs)
            if problems:
                return read_inputs(self.root, self.project)
        return inputs, []

    def _failed(self, problems, started: float) -> Outcome:
        errors = [p for p in problems if p.stops_build(self.strict)]
        milliseconds = (time.perf_counter() - started) * 1000
        summary = (f"build failed with {len(errors)} error(s), shown in the browser; still serving the last good "
                   f"site, {milliseconds:.0f} ms")
        return Outcome(None, tuple(problems), summary, failed=True)

    def _summary(self, result: BuildResult, started: float) -> str:
        stats = self.cache.stats
        charts = result.charts.total if "charts" in stats.stages_rerun else 0
        milliseconds = (time.perf_counter() - started) * 1000
        warnings = sum(1 for p in result.problems if p.severity == "warning")
        refilled = f", {stats.slots_refilled} with facts written again" if stats.slots_refilled else ""
        return (f"{stats.pages_rendered} page(s) re-rendered ({stats.markdown_rendered} from Markdown{refilled}), "
                f"{charts} chart(s)" + (f", {warnings} warning(s)" if warnings else "") + f", {milliseconds:.0f} ms")


class ProblemLog:
    """What the terminal was last shown. Each build's problems are compared with the previous build's: only the
    new ones are printed, with a count of those unchanged and fixed, so a failed rebuild does not print the
    same 70 warnings again. A problem is the same when its file, message and line text are, wherever an edit
    above it moved it."""

    def __init__(self) -> None:
        self.previous: Counter = Counter()

    def compare(self, problems) -> tuple[list[Problem], int, int]:
        """(the problems new since the previous build, how many are unchanged, how many were fixed)."""
        current = Counter(map(_identity, problems))
        left = self.previous.copy()
        new = []
        for problem in problems:
            if left[_identity(problem)] > 0:
                left[_identity(problem)] -= 1
            else:
                new.append(problem)
        unchanged = len(problems) - len(new)
        fixed = sum(self.previous.values()) - unchanged
        self.previous = current
        return new, unchanged, fixed


def _identity(problem: Problem) -> tuple:
    return (problem.path, problem.severity, problem.message, (problem.source_line or "").strip())


def internal_problem(error: Exception) -> Problem:
    """A bug in the engine, placed at the innermost engine line of its traceback."""
    frames = traceback.extract_tb(error.__traceback__)
    frame = frames[-1] if frames else None
    path = Path(frame.filename) if frame else Path("explainer")
    return Problem(path, (frame.lineno or 1) if frame else 1, 1,
                   f"internal error in the build ({type(error).__name__}: {error}). This is a bug, not your edit: "
                   "the traceback is in the terminal.")
