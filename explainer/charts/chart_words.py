"""A chart module's own words (title, caption, alt text, notes, headings, axis titles, tooltips, annotations) in
the language of the edition it is made for.

A module keeps its words in one table, WORDS, each entry in every language it is written in, with `{name}`
placeholders for the figures and years it fills in (so a language can put them in its own order); `words(store,
WORDS)` gives the module a function that writes an entry in the store's language:

    WORDS = {
        "title": {"en": "Arrivals peaked in {year}", "ko": "입국 인원은 {year}년에 정점을 찍었다"},
        "label": {"en": ("Peak:", "{n} in {year}"), "ko": ("정점:", "{year}년 {n}명")},  # lines: a tuple
    }

    def chart(store):
        say = words(store, WORDS)
        title = say("title", year=peak["period"])

An entry without the store's language is written in the site's default language, with a warning at the line that
asked for it naming the module and the entry (an error under --strict); an entry without the default language
either, an unknown entry, a placeholder not filled, or a translation whose placeholders are not the default
language's (it would drop or invent a figure) is an error at that line. The chart stage says which languages
those are while the module runs (`speaking_for`): the module's result depends on them, and the kept result is
keyed by both (prepared_cache.prepared_key).
"""
from __future__ import annotations

import string
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from ..store.facts import FactStore, same_language

Entry = Mapping[str, "str | tuple[str, ...]"]  # language tag → the words, or their lines


@dataclass
class _Run:
    """The chart being made: the languages its words are wanted in, and the warnings about them so far."""

    default: str
    warnings: list[Problem] = field(default_factory=list)
    warned: set[tuple[int, str]] = field(default_factory=set)  # (table, entry): the fix is one, so one warning


_RUN: ContextVar[_Run | None] = ContextVar("chart_words_run", default=None)


class ChartWordsError(ValueError):
    """An entry of WORDS that cannot be written: reported at the module's line that asked for it."""


@contextmanager
def speaking_for(default_language: str) -> Iterator[list[Problem]]:
    """While a chart module runs: words fall back to default_language; yields the warnings they raise."""
    run = _Run(default_language)
    token = _RUN.set(run)
    try:
        yield run.warnings
    finally:
        _RUN.reset(token)


def words(store: FactStore, table: Mapping[str, Entry]):
    """The function that writes an entry of table in the store's language: say("title", year="2009")."""
    language = store.language

    def say(name: str, **values) -> str | tuple[str, ...]:
        if name not in table:
            known = ", ".join(f'"{key}"' for key in table)
            raise ChartWordsError(f'WORDS has no entry "{name}" (it has {known}): add it, or fix the name.')
        entry = table[name]
        default = _default_language(language)
        written = _in(entry, language)
        if written is None:
            written = _in(entry, default)
            if written is None:
                raise ChartWordsError(f'WORDS["{name}"] has no words in "{default}", the site\'s language: add '
                                      f'"{default}": "…" to it.')
            _warn(id(table), name, f'WORDS["{name}"] has no "{language}" words, so the "{language}" edition shows the "{default}" '
                  f'ones: add "{language}": "…" to it.')
        else:
            original = _in(entry, default)
            if original is not None and _placeholders(original) != _placeholders(written):
                raise ChartWordsError(f'WORDS["{name}"]: the "{language}" words fill in '
                                      f"{_names(_placeholders(written))}, the \"{default}\" words "
                                      f"{_names(_placeholders(original))}: a translation says the same figures.")
        missing = _placeholders(written) - values.keys()
        if missing:
            raise ChartWordsError(f'WORDS["{name}"] fills in {_names(missing)}: give '
                                  f'{", ".join(f"{key}=…" for key in sorted(missing))} to say("{name}", …).')
        if isinstance(written, str):
            return written.format_map(values)
        return tuple(line.format_map(values) for line in written)

    return say


def _default_language(language: str) -> str:
    run = _RUN.get()
    return run.default if run is not None else language  # outside a build (a test calling chart()): its own


def _in(entry: Entry, language: str) -> str | tuple[str, ...] | None:
    if language in entry:
        return entry[language]
    return next((text for tag, text in entry.items() if same_language(tag, language)), None)


def _placeholders(written: str | tuple[str, ...]) -> set[str]:
    lines = (written,) if isinstance(written, str) else written
    return {name for line in lines for _, name, _, _ in string.Formatter().parse(line) if name}


def _names(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "no figure"


def _warn(table: int, name: str, message: str) -> None:
    """A warning at the first line that asked for this entry (asked again, in a loop or elsewhere: none more)."""
    run = _RUN.get()
    if run is None or (table, name) in run.warned:
        return
    run.warned.add((table, name))
    path, line = _caller()
    run.warnings.append(Problem(path, line, 1, message, "warning"))


def _caller() -> tuple[Path, int]:
    """The file and line, outside this module, that asked for the words: the chart module's (or its helper's)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return (Path(frame.f_code.co_filename), frame.f_lineno) if frame is not None else (Path(__file__), 1)
