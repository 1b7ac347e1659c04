"""Where each `{{…}}` and `[@…]` of a page sits, carried through Python-Markdown so problems are placed exactly.

Python-Markdown keeps no positions: by the time an inline pattern sees "{{x}}", the text has lost its
indentation, list markers and quote marks, and code looks like prose. So before Markdown reads anything,
MarkPreprocessor scans the page once and writes after every token a mark holding the token's offset in the
body. A mark is made of private-use characters that no Markdown syntax reads, so it travels with its token
through every block and inline step:

- the citation pattern and the chart block consume a token together with its mark, and so know its offset;
- the prose check reports an opener ("{{", "[@") that no pattern took at the offset of the mark after it;
- MarkStripTreeprocessor then removes every mark no pattern consumed (a token inside code, an escaped one, a
  link target), so the HTML is byte for byte what it would be without marks.

Numbers typed into prose are not marked (a mark after "1." would end a numbered list); they are found again
in the body by bare_numbers(), the same scan the prose check runs.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator

from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..store.numbers import PROSE_NUMBER, is_year

# A whole token up to its closing braces or bracket on the same line, or, failing that, a lone opener.
TOKEN = re.compile(r"\{\{[^{}\n]*\}\}|\[@[^\[\]\n]*\]|\{\{(?!\{)|\[@")  # "{{{x}}}": the token is "{{x}}"
MARK = "\ue000(?P<mark>\\d+)\ue001"
MARK_PATTERN = re.compile(MARK)
_OPENER = re.compile(r"\{\{|\[@")

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
# "28 March 2019", "28th of March", and "March 28, 2019": the day of a date is not a figure to cite.
_MONTH_AFTER_DAY = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![A-Za-z])")
_MONTH_BEFORE_DAY = re.compile(rf"(?<![A-Za-z]){_MONTH}\s+$")
_DAY_END = re.compile(r"(?:st|nd|rd|th)?(?![\w])")


def mark(offset: int) -> str:
    return f"\ue000{offset}\ue001"


def unmarked(text: str) -> str:
    return MARK_PATTERN.sub("", text)


def bare_numbers(text: str) -> Iterator[re.Match]:
    """The numbers typed into a text that are neither years nor the day of a written-out date."""
    for match in PROSE_NUMBER.finditer(text):
        token = match.group(0)
        if is_year(token) or _is_day(text, match):
            continue
        yield match


def _is_day(text: str, match: re.Match) -> bool:
    token = match.group(0)
    if not token.isdigit() or not 1 <= int(token) <= 31:
        return False
    if _MONTH_AFTER_DAY.match(text, match.end()):
        return True
    return bool(_MONTH_BEFORE_DAY.search(text[max(0, match.start() - 12):match.start()])
                and _DAY_END.match(text, match.end()))


class MarkPreprocessor(Preprocessor):
    """Runs first, on the page exactly as written (before tabs are expanded), so offsets are the body's.

    read(body, marks) is given the page as written, e.g. to look at the words before a token, and the number
    of marks written, so the strip pass can be skipped when the patterns took every one.
    """

    def __init__(self, md, read: Callable[[str, int], None]):
        super().__init__(md)
        self.read = read

    def run(self, lines: list[str]) -> list[str]:
        body = "\n".join(lines)
        count = 0

        def with_mark(match: re.Match) -> str:
            nonlocal count
            count += 1
            return match.group(0) + mark(match.start())

        text = TOKEN.sub(with_mark, body)
        self.read(body, count)
        return text.split("\n")


class MarkStripTreeprocessor(Treeprocessor):
    """After the inline patterns and the prose check: removes the marks no pattern consumed, from text and
    attributes alike, before anything (the table of contents, the serializer) reads them.

    left() says how many marks no pattern took: usually none, and then the tree is not walked at all."""

    def __init__(self, md, left: Callable[[], int]):
        super().__init__(md)
        self.left = left

    def run(self, root: etree.Element) -> None:
        if not self.left():
            return
        for element in root.iter():
            for name, value in element.attrib.items():
                if "\ue000" in value:
                    element.set(name, unmarked(value))
            element.text = _strip(element.text)
            element.tail = _strip(element.tail)


def _strip(text: str | None) -> str | None:
    if not text or "\ue000" not in text:
        return text
    stripped = unmarked(text)
    return AtomicString(stripped) if isinstance(text, AtomicString) else stripped


def opener_offsets(text: str) -> Iterator[tuple[str, int | None]]:
    """Each "{{" or "[@" in a text that no pattern took, with the offset its mark gives (None without one)."""
    for opener in _OPENER.finditer(text):
        following = MARK_PATTERN.search(text, opener.end())
        nearer = _OPENER.search(text, opener.end())
        own = following is not None and (nearer is None or following.start() < nearer.start())
        yield opener.group(0), int(following.group("mark")) if own else None
