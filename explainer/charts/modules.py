"""Running the chart modules of charts/: find them, execute each, call its chart(store), and report failures.

A module that fails (a syntax error, an exception, a missing id, no chart function) becomes a Problem at the
line of that module where it failed, never a traceback. Each build executes the files afresh, so the preview
server picks up edits; nothing is added to sys.modules for longer than the module takes to run.

A module imports the Python files beside it as a script does (`from _helpers import x`, `from _lib.words
import y`, charts/README.md): its folder comes first on sys.path while it runs, and what it imported from
there is forgotten afterwards, so an edited helper is read again and another folder's `_helpers` is its own.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import sys
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .definition import ChartDefinition, MissingData
from ..errors import Problem, did_you_mean
from ..store.facts import FactStore, Series, SeriesRow

FUNCTION = "chart"


@dataclass(frozen=True)
class ChartModule:
    name: str  # the file's stem: the name pages use in {{chart:name}}
    path: Path
    definition: ChartDefinition
    line: int  # where the chart function is defined, for problems with what it returned
    source: str = ""  # the module's text, to place problems found later (spec.py) at the line that caused them


def find_chart_files(chart_dirs: tuple[Path, ...]) -> dict[str, Path]:
    """Chart name → file. chart_dirs lists the site's own folder first; its files override the project's.

    Files whose names start with "_" are helpers, not charts.
    """
    found: dict[str, Path] = {}
    for folder in reversed(chart_dirs):
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith("_"):
                found[path.stem] = path
    return dict(sorted(found.items()))


def run_chart_module(name: str, path: Path, store: FactStore) -> tuple[ChartModule | None, list[Problem]]:
    try:
        source = path.read_text(encoding="utf-8-sig")  # an editor's byte-order mark is not code
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(path, 1, 1, f"cannot read this chart module: {error}.")]
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as error:
        return None, [Problem(path, error.lineno or 1, error.offset or 1, f"syntax error: {error.msg}.",
                              source_line=error.text)]
    module = types.ModuleType(f"explainer_chart_{name.replace('-', '_')}")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module  # dataclasses and typing look modules up while they are defined
    try:
        with _helpers_beside(path.parent):
            exec(code, module.__dict__)
            function = getattr(module, FUNCTION, None)
            if not callable(function):
                return None, [Problem(path, 1, 1, f'this chart module has no function "{FUNCTION}": define '
                                      f"`def {FUNCTION}(store: FactStore) -> ChartDefinition`.")]
            definition = function(store)
    except BaseException as error:  # anything a module raises, even SystemExit, is the data desk's to fix: report it in place
        return None, [_problem_from(error, path, source, store)]
    finally:
        sys.modules.pop(module.__name__, None)
    line = getattr(getattr(function, "__code__", None), "co_firstlineno", 1)
    if not isinstance(definition, ChartDefinition):
        return None, [Problem(path, line, 1, f"{FUNCTION}() returned {type(definition).__name__}, not a "
                              "ChartDefinition: return ChartDefinition(title=..., chart=...).")]
    return ChartModule(name, path, definition, line, source), []


@contextlib.contextmanager
def _helpers_beside(folder: Path) -> Iterator[None]:
    """The chart's folder first on sys.path while it runs (as for a script), and the modules it imported from
    that folder forgotten afterwards. No bytecode is written: the site folder stays as the editor left it."""
    folder_name = os.path.realpath(folder)
    before = set(sys.modules)
    saved_path, saved_bytecode = list(sys.path), sys.dont_write_bytecode
    sys.path.insert(0, folder_name)
    sys.dont_write_bytecode = True
    importlib.invalidate_caches()  # a helper added since the last chart ran is found
    try:
        yield
    finally:
        sys.path[:], sys.dont_write_bytecode = saved_path, saved_bytecode
        for name in set(sys.modules) - before:
            if _is_under(sys.modules[name], folder_name):
                del sys.modules[name]


def _is_under(module: types.ModuleType | None, folder: str) -> bool:
    """Whether a module was read from folder: a file under it, or a folder of modules (a namespace package)."""
    places = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or [])]
    return any(isinstance(place, str) and os.path.realpath(place).startswith(folder + os.sep) for place in places)


def _problem_from(error: BaseException, path: Path, source: str, store: FactStore) -> Problem:
    """The error placed at the innermost line of the chart module in its traceback."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(path)]
    line, column = (frames[-1].lineno or 1, (frames[-1].colno or 0) + 1) if frames else (1, 1)
    lines = source.splitlines()
    shown = lines[line - 1] if 0 < line <= len(lines) else None
    if isinstance(error, MissingData):
        message = str(error)
    elif isinstance(error, KeyError):
        message = _key_error_message(error, path, store)
    elif isinstance(error, SystemExit):
        message = (f"the module called sys.exit({'' if error.code is None else repr(error.code)}) (SystemExit): "
                   "chart() must return a ChartDefinition; remove the exit, or raise an exception with a message")
    elif isinstance(error, KeyboardInterrupt):
        message = "the module raised KeyboardInterrupt: chart() must return a ChartDefinition; remove the raise"
    else:
        message = f"{type(error).__name__}: {error}"
    return Problem(path, line, column, f"while making the chart: {message}", source_line=shown)


def _key_error_message(error: KeyError, path: Path, store: FactStore) -> str:
    """A missing key, said in the data desk's terms: a column of the rows the module was reading (it lists the
    columns that exist), or a fact or series id (read those with facts() and series(), which say what is missing)."""
    key = error.args[0] if error.args else None
    ids = set(store.facts) | set(store.series)
    columns = _columns_in_reach(error, path)
    an_id = isinstance(key, str) and key not in columns and (
        key in ids or bool(did_you_mean(key, ids)) and not did_you_mean(key, columns))
    if isinstance(key, str) and columns and not an_id:
        return (f'KeyError: no column "{key}" in the rows read here.{did_you_mean(key, columns)} '
                f"Columns: {', '.join(columns)}.")
    shown = f'"{key}"' if isinstance(key, str) else repr(key)
    return (f"KeyError: {shown}: no such key. If it is a fact or series id, read it with facts(store, ...) or "
            "series(store, ...), which say what is missing." + (f" Columns of the rows read here: "
                                                               f"{', '.join(columns)}." if columns else ""))


def _columns_in_reach(error: KeyError, path: Path) -> list[str]:
    """The column names of the rows the module's innermost frame was reading when the key was missing: its
    series rows (row.values), series, and dicts of plain values (rows it built)."""
    frame = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == str(path):
            frame = trace.tb_frame
        trace = trace.tb_next
    if frame is None:
        return []
    columns: dict[str, None] = {}
    for value in frame.f_locals.values():
        for item in (value[:1] if isinstance(value, (list, tuple)) else [value]):
            if isinstance(item, SeriesRow):
                columns.update(dict.fromkeys(item.values))
            elif isinstance(item, Series):
                columns.update(dict.fromkeys(column.name for column in item.columns))
            elif isinstance(item, dict) and item and all(
                    isinstance(k, str) and (v is None or isinstance(v, (str, int, float))) for k, v in item.items()):
                columns.update(dict.fromkeys(item))
    return list(columns)
