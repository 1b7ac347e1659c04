"""Problems found in the inputs, reported as `path:line:col: message` with the offending line shown.

A broken file or record (JSON that does not parse, a record that fails its schema) is a root cause: it takes
records out of the store, and everything that names them is then reported as unknown. hold_back_echoes()
reports the root causes first and holds those echoes back behind one line that says how many there are.
"""
from __future__ import annotations

import bisect
import dataclasses
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    col: int
    message: str
    # "error" stops the build; "warning" does so only under --strict; "note" never (it says what was held back)
    severity: str = "error"
    source_line: str | None = None  # the offending line, shown under the message like Jinja2 does
    # Set on a root cause: the ids of the records the broken file or record took out of the store.
    lost_ids: tuple[str, ...] | None = None

    def stops_build(self, strict: bool) -> bool:
        """Errors stop every build; warnings stop only a --strict one; notes none."""
        return self.severity == "error" or (strict and self.severity == "warning")

    def format(self, relative_to: Path | None = None, strict: bool = False) -> str:
        """`path:line:col: message`; a warning says "warning:", or "error:" under --strict, where it stops the
        build; a note says "note:"."""
        shown = self.path if relative_to is None else _shown_path(self.path, relative_to)
        label = "" if self.severity == "error" else "error: " if self.stops_build(strict) else f"{self.severity}: "
        text = f"{shown}:{self.line}:{self.col}: {label}{self.message}"
        if self.source_line is not None:
            shown_line, caret = _around(self.source_line.rstrip(), self.col)
            text += f"\n    {shown_line}\n    {' ' * caret}^"
        return text


@functools.lru_cache(maxsize=1024)
def _shown_path(path: Path, relative_to: Path) -> Path:
    """path as seen from relative_to where it is inside it. Kept: resolving both takes a system call per folder of
    each, and a page with 4,000 typed numbers is 4,000 problems in one file, each formatted twice."""
    try:
        return path.resolve().relative_to(relative_to.resolve())
    except ValueError:
        return path


SHOWN_LINE = 100  # characters of the offending line shown under a problem: a paragraph can be one long line


def _around(line: str, col: int) -> tuple[str, int]:
    """The part of line that a terminal shows around column col (from 1), with "…" where it was cut, and how
    far into it the caret goes."""
    at = max(col - 1, 0)
    if len(line) <= SHOWN_LINE:
        return line, at
    start = min(max(at - SHOWN_LINE // 2, 0), len(line) - SHOWN_LINE)
    before, after = ("…" if start > 0 else ""), ("…" if start + SHOWN_LINE < len(line) else "")
    return before + line[start:start + SHOWN_LINE] + after, at - start + len(before)


def problem_at(path: Path, text: str, offset: int, message: str, severity: str = "error") -> Problem:
    """A problem at a character offset of a file's text, with line and column counted from 1."""
    newlines = _newline_offsets(text)
    line = bisect.bisect_left(newlines, offset) + 1  # the newlines before offset, plus one
    line_start = newlines[line - 2] + 1 if line > 1 else 0
    line_end = newlines[line - 1] if line - 1 < len(newlines) else len(text)
    return Problem(path, line, offset - line_start + 1, message, severity, text[line_start:line_end])


@functools.lru_cache(maxsize=8)
def _newline_offsets(text: str) -> list[int]:
    """Where each newline of a text is, found once: a page can hold thousands of problems (typed numbers), and
    counting the lines before each again took time in the square of the page's length."""
    return [match.start() for match in re.finditer("\n", text)]


def did_you_mean(name: str, known: list[str] | set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Sorted by file and position, each reported once (a template error otherwise repeats for every page)."""
    return sorted(set(problems), key=lambda p: (str(p.path), p.line, p.col, p.message))


def root_cause(problem: Problem, lost_ids) -> Problem:
    """The problem, marked as a root cause that took these records (ids) out of the store."""
    return dataclasses.replace(problem, lost_ids=tuple(dict.fromkeys(lost_ids)))


_QUOTED = re.compile(r'"([^"]+)"')


def hold_back_echoes(problems: list[Problem]) -> list[Problem]:
    """The root causes first; then, if any problem only follows from them (it names, in quotes, a record a
    root cause lost: 'unknown source "x"', 'no fact "x"', 'unknown excerpt "x#y"'), one note saying how many
    are held back instead of those problems; then the others. Without a root cause: sorted as ever."""
    roots = sort_problems([p for p in problems if p.lost_ids is not None])
    if not roots:
        return sort_problems(problems)
    lost = {lost_id: None for root in roots for lost_id in root.lost_ids}  # in order: what broke, then what follows
    others = sort_problems([p for p in problems if p.lost_ids is None])
    echoes = [p for p in others if _names_any(p.message, lost)]
    if not echoes:
        return roots + others
    named = [name for name in lost if any(name in _names(p.message) for p in echoes)]
    shown = ", ".join(f'"{name}"' for name in named[:3]) + (", …" if len(named) > 3 else "")
    last = roots[-1]
    count = f"{len(echoes)} more problem{'s are' if len(echoes) > 1 else ' is'}"
    note = Problem(last.path, last.line, last.col, f"{count} held back: {'they' if len(echoes) > 1 else 'it'} only "
                   f"follow{'' if len(echoes) > 1 else 's'} from the above (naming {shown}). Fix the above and build "
                   "again.", severity="note")
    return roots + [note] + [p for p in others if not _names_any(p.message, lost)]


def _names(message: str) -> list[str]:
    """The ids a message quotes; "source#excerpt" names the source too."""
    return [name for quoted in _QUOTED.findall(message) for name in dict.fromkeys((quoted, quoted.split("#")[0]))]


def _names_any(message: str, ids) -> bool:
    return any(name in ids for name in _names(message))
