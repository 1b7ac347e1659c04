"""Problems found in the inputs, reported as `path:line:col: message` with the offending line shown."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    col: int
    message: str
    severity: str = "error"  # "error" stops the build; "warning" does so only under --strict
    source_line: str | None = None  # the offending line, shown under the message like Jinja2 does

    def stops_build(self, strict: bool) -> bool:
        """Errors stop every build; warnings stop only a --strict one."""
        return self.severity == "error" or strict

    def format(self, relative_to: Path | None = None) -> str:
        shown = self.path
        if relative_to is not None:
            try:
                shown = self.path.resolve().relative_to(relative_to.resolve())
            except ValueError:
                pass
        label = "" if self.severity == "error" else f"{self.severity}: "
        text = f"{shown}:{self.line}:{self.col}: {label}{self.message}"
        if self.source_line is not None:
            text += f"\n    {self.source_line.rstrip()}\n    {' ' * max(self.col - 1, 0)}^"
        return text


def problem_at(path: Path, text: str, offset: int, message: str, severity: str = "error") -> Problem:
    """A problem at a character offset of a file's text, with line and column counted from 1."""
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    source_line = text[line_start : line_end if line_end != -1 else len(text)]
    return Problem(path, line, offset - line_start + 1, message, severity, source_line)


def did_you_mean(name: str, known: list[str] | set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Sorted by file and position, each reported once (a template error otherwise repeats for every page)."""
    return sorted(set(problems), key=lambda p: (str(p.path), p.line, p.col, p.message))
