"""Where each claim's verdict is read: pointing every [@claim:…] mark at its claim's row, once all pages are
converted, and finding the claims a page's HTML shows (for its ClaimReview markup).

A claim's row is in the claims table of the first page, in reading order, whose {{claims}} or
{{claims:<report>}} shows it: the mark on that page links to `#claim-<id>`, on any other to
`<page>.html#claim-<id>`. Where no page shows the claim, the citing page ends with its report's claims table,
so the mark still leads to the verdict, on the same page.

Each page is converted alone (and kept, by what the conversion read), so which page shows a table cannot be
known inside one conversion: this runs after them all, from what each gave, in every build. It keeps nothing,
so a page's links always follow the other pages' tables.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from ..render.cards import claims_element, html
from ..render.words import gettext
from ..site_folder.pages import Page
from ..store.facts import FactStore
from .markdown_pool import Converted

# The mark citations.CitationInlineProcessor.claim writes (Python-Markdown writes attributes sorted by name).
_CLAIM_LINK = re.compile(r'class="fact-value" data-claim="([a-z0-9-]+)" href="#claim-\1"')
# A row of a claims table (cards.claims_element).
_CLAIM_ROW = re.compile(r'<tr class="verdict-[a-z]+" id="claim-([a-z0-9-]+)"')


def point_claim_links(pages: list[Page], converted: list[Converted], store: FactStore) -> None:
    """Set each citing page's claim marks to lead to their rows; append a report's claims table to a page citing
    a claim that no page shows."""
    homes: dict[str, str] = {}  # claim id → the url of the first page showing its row
    for page, result in zip(pages, converted):
        for claim_id in result.claims_shown:
            homes.setdefault(claim_id, page.url)
    for page, result in zip(pages, converted):
        if not result.claims_cited:
            continue
        unshown = [claim_id for claim_id in result.claims_cited if claim_id not in homes]
        reports = list(dict.fromkeys(store.claims[claim_id].citation.source_id for claim_id in unshown))
        pointed = _CLAIM_LINK.sub(lambda link: _link(link, page.url, homes), page.html)
        if reports:
            pointed += _appended_tables(store, reports)
        if pointed != page.html:  # else the page keeps its packed HTML, known from the last build (pages.html_of)
            page.html = pointed


def _link(link: re.Match, url: str, homes: dict[str, str]) -> str:
    home = homes.get(link.group(1), url)
    if home == url:
        return link.group(0)
    return link.group(0).replace('href="#', f'href="{home}#', 1)


def _appended_tables(store: FactStore, reports: list[str]) -> str:
    """The claims tables of these reports, for a page citing their claims where no page shows them."""
    section = etree.Element("section", {"class": "claims-cited"})
    heading = etree.SubElement(section, "h2")
    heading.text = gettext("The claims this page rests on, checked")
    for report in reports:
        section.append(claims_element(store, report))
    return "\n" + str(html(section))  # str: text added to a Markup would be escaped


def claims_shown(page_html: str) -> list[str]:
    """The ids of the claims whose rows this page's HTML shows, in order."""
    if 'class="claims-table"' not in page_html:  # most pages: no scan
        return []
    return list(dict.fromkeys(_CLAIM_ROW.findall(page_html)))
