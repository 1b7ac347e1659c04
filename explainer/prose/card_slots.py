"""Facts' cards, written into a page after its conversion: the conversion leaves a slot where each fact's card goes
(slot), and Cards fills the slots from one memo of cards per fact store.

What the cards read (a fact's label, excerpt, note, source) is recorded apart from what the conversion read, so
an edit that changes only what a card shows fills that card's slots again on the pages that show it (Cards.refill,
at the places the fill noted), rather than converting those pages again: in the 1,000-page corpus, a fact's label
edit converted 78 pages again.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..incremental.reads import Reads, remembered, still_remembered
from ..render.cards import contents_html, fact_card
from ..store.facts import FactStore

# STX and ETX around it: Python-Markdown takes both out of the text it converts, so no page can write a slot.
_SLOT = re.compile("\x02card:([^\x02\x03]*)\x03")

# Where each card's contents are in a page's HTML: (start, end, fact id), in characters, in order.
CardPlaces = tuple[tuple[int, int, str], ...]


def slot(fact_id: str) -> str:
    """What the conversion writes where the fact's card's contents go (stashed, so written as it is)."""
    return f"\x02card:{fact_id}\x03"


class Cards:
    """Each fact's card contents, made once per store for every page that shows the fact. Used in the store's
    language (render/words.speaking), as the conversion is."""

    def __init__(self, store: FactStore):
        self.store = store
        self._memo: dict = {}

    def serve(self, store: FactStore, holds: Callable[[Reads], bool]) -> None:
        """Fill from this store from now on (a later build's), keeping each card while holds(what making it read)
        says those reads give the same answers there."""
        self.store = store
        self._memo = still_remembered(self._memo, holds)

    def fill(self, html: str) -> tuple[str, CardPlaces]:
        """The converted page's HTML with each slot filled, and where the cards went. The cards' reads are recorded
        by the caller's recording (incremental/reads.py), as any read is."""
        return self._written(html, ((match.start(), match.end(), match.group(1)) for match in _SLOT.finditer(html)))

    def refill(self, html: str, places: CardPlaces) -> tuple[str, CardPlaces]:
        """A page filled earlier, with each card written again from this store."""
        return self._written(html, places)

    def contents(self, fact_id: str) -> str:
        # remembered() records what making the card read again on every page that shows it.
        return remembered(self._memo, fact_id,
                          lambda: contents_html(fact_card(self.store.facts[fact_id], self.store, "")))

    def _written(self, html: str, spans: Iterable[tuple[int, int, str]]) -> tuple[str, CardPlaces]:
        parts: list[str] = []
        places: list[tuple[int, int, str]] = []
        taken = length = 0
        for start, end, fact_id in spans:
            before, contents = html[taken:start], self.contents(fact_id)
            parts += (before, contents)
            length += len(before)
            places.append((length, length + len(contents), fact_id))
            length += len(contents)
            taken = end
        if not places:
            return html, ()
        parts.append(html[taken:])
        return "".join(parts), tuple(places)
