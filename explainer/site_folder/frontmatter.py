"""Front matter: the `---` block of `key: value` lines at the top of a content file."""
from __future__ import annotations

import re

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, did_you_mean

# translated_from and cites_differ belong to a translated page; the editions' checks read them (editions/).
FIELDS = {"title", "nav_title", "summary", "order", "translated_from", "cites_differ"}
REQUIRED = ("title",)


@dataclass(frozen=True)
class FrontMatter:
    title: str
    nav_title: str  # the shorter label for the navigation; the title when not given
    summary: str
    order: int
    body: str
    body_line: int  # line of the file on which the body starts, so body positions map back to the file


def parse_front_matter(path: Path, text: str) -> tuple[FrontMatter | None, list[Problem]]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [Problem(path, 1, 1, "the page has no front matter: start it with a line '---', then "
                              "'title: ...', and close the block with '---'.", source_line=lines[0] if lines else "")]
    values: dict[str, str] = {}
    problems = []
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        if not colon or not key:
            problems.append(Problem(path, number, 1, "front matter lines are 'key: value'; this one has no colon.",
                                    source_line=line))
        elif key not in FIELDS:
            problems.append(Problem(path, number, 1, f'unknown front matter key "{key}".{did_you_mean(key, FIELDS)}'
                                    f' Known keys: {", ".join(sorted(FIELDS))}.', source_line=line))
        elif key in values:
            problems.append(Problem(path, number, 1, f'"{key}" is given twice in the front matter.', source_line=line))
        else:
            values[key] = value.strip()
            # ASCII digits only, and few of them: str.isdigit() also accepts "²" and "٣", which int() then
            # rejects or reads, and a number of thousands of digits cannot be converted at all.
            if key == "order" and not re.fullmatch(r"-?[0-9]{1,9}", values[key]):
                problems.append(Problem(path, number, line.index(":") + 3,
                                        f'order must be a whole number from -999999999 to 999999999 written in '
                                        f'the digits 0-9, not "{values[key][:40]}".', source_line=line))
    else:
        return None, [Problem(path, 1, 1, "the front matter is never closed: add a line '---' after its last key.",
                              source_line=lines[0])]
    for key in REQUIRED:
        if key not in values:
            problems.append(Problem(path, 1, 1, f'the front matter has no "{key}": add "{key}: ..."',
                                    source_line=lines[0]))
    if problems:
        return None, problems
    body_line = number + 1
    order = int(values.get("order", "100"))
    return FrontMatter(values["title"], values.get("nav_title", values["title"]), values.get("summary", ""), order, "\n".join(lines[number:]), body_line), []


def declares(text: str, key: str) -> bool:
    """Whether the file's front matter gives key. The text is searched first: the editions' checks ask it of every
    page on every build, and reading a thousand pages' front matter cost 5 ms."""
    return key in text and key in value_offsets(text)


def value_offsets(text: str) -> dict[str, int]:
    """Where each key's value starts in the file (its first character after "key: "), so a problem found in a
    value (a number typed into the summary) is placed at its line and column. Only for a file that parsed.

    Reads the front matter's lines alone: the checks of the editions ask it of every page on every build."""
    offsets: dict[str, int] = {}
    offset = text.find("\n") + 1  # the block starts after the opening '---'
    if offset == 0:
        return offsets
    while True:
        end = text.find("\n", offset)
        line = text[offset:] if end < 0 else text[offset:end]
        if line.strip() == "---":
            break
        key, colon, value = line.partition(":")
        if colon and key.strip() and not line.lstrip().startswith("#"):
            offsets.setdefault(key.strip(), offset + len(key) + 1 + len(value) - len(value.lstrip()))
        if end < 0:
            break
        offset = end + 1
    return offsets
