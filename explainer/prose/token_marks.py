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

import functools
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator

from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from babel.numbers import get_decimal_symbol, get_group_symbol

from ..store.number_reading import locale_for
from ..store.periods import period_spans

# A whole token up to its closing braces or bracket on the same line, or, failing that, a lone opener.
TOKEN = re.compile(r"\{\{[^{}\n]*\}\}|\[@[^\[\]\n]*\]|\{\{(?!\{)|\[@")  # "{{{x}}}": the token is "{{x}}"
MARK = "\ue000(?P<mark>\\d+)\ue001"
MARK_PATTERN = re.compile(MARK)
_OPENER = re.compile(r"\{\{|\[@")

def mark(offset: int) -> str:
    return f"\ue000{offset}\ue001"


def unmarked(text: str) -> str:
    return MARK_PATTERN.sub("", text)


# The ways writers type a space between groups of digits, where the language's is a space: a plain space, the
# no-break space and the narrow no-break space that Babel writes (French "48\u202f250"), a thin space.
_SPACES = " \u00a0\u202f\u2009"
_APOSTROPHES = "'’"  # Swiss "48’250", also typed with the keyboard's apostrophe


@functools.lru_cache(maxsize=None)
def prose_number(language: str) -> re.Pattern:
    """A number typed into a text of the language (a BCP 47 tag), as the language writes numbers: its digits
    grouped by the language's group symbol, then its decimal symbol and decimals, and a "%" (CLDR's symbols,
    through Babel; the locale as store/number_reading.py finds it): "2,914.5" in English, "48 250,5" in French,
    "2.914,5" in German, "48’250" in Swiss German, "12,34,567" in Hindi. Never inside a word or a longer number
    ("COVID-19", "x2"), and a group is three digits exactly ("12 3456" is two numbers)."""
    locale = locale_for(language)
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    groups = (_SPACES if group in _SPACES else _APOSTROPHES if group in _APOSTROPHES else group).replace(decimal, "")
    separator = f"[{re.escape(groups)}]"
    primary, secondary = locale.decimal_formats[None].grouping
    grouped = rf"\d{{1,{secondary}}}(?:{separator}\d{{{secondary}}}(?!\d))*{separator}\d{{{primary}}}(?!\d)"
    fraction = rf"(?:{re.escape(decimal)}\d+)?%?"
    return re.compile(rf"(?<![\w.,])(?:{grouped}){fraction}|(?<![\w.,])\d+{fraction}")


def bare_numbers(text: str, language: str = "en") -> Iterator[re.Match]:
    """The numbers typed into a text (prose_number: as the language writes them) that are not parts of a period:
    a year, decade, century, range of years or date as the site's language (a BCP 47 tag) or English writes it
    (store/periods.py, the one table of them)."""
    periods: list[tuple[int, int]] | None = None  # found only for a text that types a number
    reach, next_period = -1, 0  # how far the periods starting at or before this number reach
    for match in prose_number(language).finditer(text):  # in order of position, as the sorted periods are walked
        if periods is None:
            periods = sorted(period_spans(text, language))
        while next_period < len(periods) and periods[next_period][0] <= match.start():
            reach = max(reach, periods[next_period][1])
            next_period += 1
        if match.end() <= reach:  # wholly inside a period that starts before it
            continue
        yield match


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
