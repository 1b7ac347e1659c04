"""What a page shows of a fact that the fact's own fields make, its value and its card, written into the page after
its conversion: the conversion leaves a slot where each goes (slot), and FactSlots fills the slots from one memo
per fact store.

What the slots read (a fact's value, label, excerpt, note, source) is recorded apart from what the conversion read,
so an edit to a fact fills its slots again on the pages that show it (FactSlots.refill, at the places the fill
noted), rather than converting those pages again: in the 1,000-page corpus, one fact's edit converted 78 pages again.
A fact in a heading is written there by the conversion (citations.HeadingFactsTreeprocessor): the heading's id and
its line in the contents are made from its text.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable

from markdown.serializers import to_html_string
from markdown.util import AtomicString

from ..incremental.reads import Reads, remembered, still_remembered
from ..render.cards import contents_html, fact_card
from ..store.facts import Fact, FactStore

# Where each slot's contents are in a page's HTML: (start, end, what it holds: "value:ID" or "card:ID"), in
# characters, in order.
SlotPlaces = tuple[tuple[int, int, str], ...]


def slot(kind: str, fact_id: str) -> str:
    """What the conversion writes where the fact's value or its card's contents go (stashed, so written as is)."""
    return f"\x02{kind}:{fact_id}\x03"


def value_element(fact: Fact) -> etree.Element:
    """The fact's value as the page shows it, machine-readable in its attribute."""
    value = etree.Element("data", {"value": repr(fact.value)})
    value.text = AtomicString(fact.display)
    return value


# What each kind of slot holds, made from the fact and its store.
_MAKERS: dict[str, Callable[[Fact, FactStore], str]] = {
    "value": lambda fact, store: to_html_string(value_element(fact)),
    "card": lambda fact, store: contents_html(fact_card(fact, store, "")),
}
# A slot's name, "kind:fact-id", between STX and ETX: Python-Markdown takes both out of the text it converts, so no
# page can write a slot.
_SLOT = re.compile("\x02((?:%s):[^\x02\x03]*)\x03" % "|".join(_MAKERS))


class FactSlots:
    """Each slot's contents, made once per store for every page that shows the fact. Used in the store's language
    (render/words.speaking), as the conversion is."""

    def __init__(self, store: FactStore):
        self.store = store
        self._memo: dict = {}

    def serve(self, store: FactStore, holds: Callable[[Reads], bool]) -> None:
        """Fill from this store from now on (a later build's), keeping each slot's contents while holds(what making
        them read) says those reads give the same answers there."""
        self.store = store
        self._memo = still_remembered(self._memo, holds)

    def fill(self, html: str) -> tuple[str, SlotPlaces]:
        """The converted page's HTML with each slot filled, and where the contents went. What they read is recorded
        by the caller's recording (incremental/reads.py), as any read is."""
        return self._written(html, ((match.start(), match.end(), match.group(1)) for match in _SLOT.finditer(html)))

    def refill(self, html: str, places: SlotPlaces) -> tuple[str, SlotPlaces]:
        """A page filled earlier, with each slot written again from this store."""
        return self._written(html, places)

    def contents(self, name: str) -> str:
        """What the slot "kind:fact-id" holds. remembered() records what making it read again on every page that
        shows it."""
        def make() -> str:
            kind, _, fact_id = name.partition(":")
            return _MAKERS[kind](self.store.facts[fact_id], self.store)
        return remembered(self._memo, name, make)

    def _written(self, html: str, spans: Iterable[tuple[int, int, str]]) -> tuple[str, SlotPlaces]:
        parts: list[str] = []
        places: list[tuple[int, int, str]] = []
        taken = length = 0
        for start, end, name in spans:
            before, contents = html[taken:start], self.contents(name)
            parts += (before, contents)
            length += len(before)
            places.append((length, length + len(contents), name))
            length += len(contents)
            taken = end
        if not places:
            return html, ()
        parts.append(html[taken:])
        return "".join(parts), tuple(places)
