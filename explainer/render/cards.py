"""What a reader is shown to check a figure: the excerpt with the figure highlighted (or its table cell), the
translation, the working of a derived figure, notes and corrections: as elements, built once here for the
in-text cards, the references, the Sources page and the claims table alike.

Every string from data/ is set as element text, and as an AtomicString, so Python-Markdown's inline patterns
never read it (a quote with "*" or "[@x]" stays verbatim) and it is escaped when serialised. The words around
it ("Source:", "Our translation from Korean:") are the theme's, from the message catalogue (render/words.py), in
the language spoken where a card is made: the store's, in the Markdown stage (prose/markdown_pool.Converter),
and the edition's, in a template (words.SpokenTemplate), as its figures and data words are (FactStore.in_language).
"""
from __future__ import annotations

import functools
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown.serializers import to_html_string
from markdown.util import AtomicString
from markupsafe import Markup

from ..store.dates import date_label
from ..store.derived_operations import OPERATIONS
from ..store.facts import Citation, Claim, Excerpt, ExcerptTable, Fact, FactStore, Source
from ..store.numbers import states, value_span
from .words import gettext, language, language_name, lazy_gettext

# A claim's verdict, as the claims table shows it.
VERDICTS = {"correct": lazy_gettext("Correct"), "caveat": lazy_gettext("Correct, with a caveat"),
            "wrong": lazy_gettext("Wrong as written")}


def _add(parent: etree.Element, tag: str, text: str | None = None, **attributes: str) -> etree.Element:
    element = etree.SubElement(parent, tag, {name.rstrip("_").replace("_", "-"): value
                                             for name, value in attributes.items()})
    element.text = AtomicString(text) if text is not None else None
    return element


def _append_text(parent: etree.Element, text: str) -> None:
    """Add text after the parent's last child (ElementTree keeps text between children in .tail)."""
    if len(parent):
        parent[-1].tail = AtomicString((parent[-1].tail or "") + text)
    else:
        parent.text = AtomicString((parent.text or "") + text)


def excerpt_element(excerpt: Excerpt, citation: Citation | None, value, source: Source,
                    parts: tuple = ()) -> etree.Element:
    """The excerpt, its figure highlighted (a table: header, row label and cell), and its translation. A total
    the excerpt states only as its parts (men, women) has those parts highlighted instead."""
    box = etree.Element("span", {"class": "excerpt"})
    translation = excerpt.translation
    if excerpt.table is not None:
        if _table_cell(box, excerpt, citation) and translation:
            translation = cell_glossary(translation, excerpt.table, citation.row, citation.column)
    else:
        quote = _add(box, "q", None, class_="excerpt-text", lang=excerpt.language)
        span = _highlight_span(excerpt.text, citation, value, excerpt.language)
        spans = [span] if span is not None else sorted(
            filter(None, (value_span(excerpt.text, part, excerpt.language) for part in parts)))
        quote.text = AtomicString(excerpt.text[:spans[0][0]] if spans else excerpt.text)
        for index, (start, end) in enumerate(spans):
            mark = _add(quote, "mark", excerpt.text[start:end])
            following = spans[index + 1][0] if index + 1 < len(spans) else len(excerpt.text)
            mark.tail = AtomicString(excerpt.text[end:following])
    if translation:
        line = _add(box, "span", None, class_="translation", lang=language())
        # Translators: before our translation of an excerpt; language is the excerpt's, named by CLDR: "Korean"
        label = gettext("Our translation from %(language)s:", language=language_name(excerpt.language))
        _add(line, "span", label + " ", class_="translation-label")
        _append_text(line, translation)
    return box


def _highlight_span(text: str, citation: Citation | None, value, language: str) -> tuple[int, int] | None:
    if citation is not None and citation.highlight and citation.highlight in text:
        start = text.index(citation.highlight)
        return start, start + len(citation.highlight)
    return value_span(text, value, language) if value is not None else None


def _table_cell(box: etree.Element, excerpt: Excerpt, citation: Citation | None) -> bool:
    """One cell in context, as a two-by-two table of spans (a <table> may not sit inside a paragraph); True when
    it is one cell, False when no cell is named and the whole table is shown."""
    table = excerpt.table
    grid = _add(box, "span", None, class_="excerpt-table", role="table", lang=excerpt.language)
    row_label, column = (citation.row, citation.column) if citation else (None, None)
    cell = table.cell(row_label, column) if row_label and column else None
    if cell is None:  # no cell named: the whole table, as the source prints it
        for index, cells in enumerate((table.header, *table.rows)):
            row = _add(grid, "span", None, class_="excerpt-row", role="row")
            for text in cells:
                _add(row, "span", text, role="columnheader" if index == 0 else "cell")
        return False
    header = _add(grid, "span", None, class_="excerpt-row", role="row")
    _add(header, "span", table.header[0], role="columnheader")
    _add(header, "span", column, role="columnheader")
    row = _add(grid, "span", None, class_="excerpt-row", role="row")
    _add(row, "span", row_label, role="rowheader")
    _add(_add(row, "span", None, role="cell"), "mark", cell)
    return True


def cell_glossary(translation: str, table: ExcerptTable, row_label: str, column: str) -> str:
    """The entries of a table's glossary translation ("类别: category; 男(名): men (people); …") that explain
    the cells one cell's card shows (the label column's heading, its row and its column), in the glossary's order.

    A term explains a cell when it is the cell's text, with or without a qualifier of ours in brackets ("合计 (last
    column)"), or when it names a run of columns the cell's column is in ("'02 … ’19"); a cell no term names
    whole is explained by the terms found inside it ("暂定" in "’20.09 (暂定)"). A translation that is not such
    a glossary, or that explains none of the cells, is kept whole: the card never loses its translation.
    """
    glossary = _glossary(translation)
    if glossary is None:
        return translation
    kept: set[int] = set()
    for cell in (table.header[0], row_label, column):
        whole = set(glossary.naming.get(cell, ()))
        if cell == column:
            place = table.column_place(column)
            whole.update(index for first, last, index in glossary.runs if _run_holds(table, first, last, place))
        kept |= whole or glossary.inside(cell)
    if not kept:
        return translation
    return "; ".join(glossary.entries[index] for index in sorted(kept))


@dataclass(frozen=True)
class _Glossary:
    """A glossary translation read once, its terms looked up by their words: a table of a thousand rows has a
    thousand cards, and a glossary may name each row."""

    entries: tuple[str, ...]  # "term: meaning", as written
    naming: dict[str, list[int]]  # a cell's text → the entries whose term is it, with or without our qualifier
    terms: dict[str, list[int]]  # each term as written → its entries: the terms found inside a cell
    runs: tuple[tuple[str, str, int], ...]  # (first, last, entry) of each term naming a run of columns
    lengths: tuple[int, ...]  # the terms' lengths, shortest first

    def inside(self, cell: str) -> set[int]:
        """The entries whose term is found inside the cell: the cell's stretches as long as some term, looked up."""
        return {index for length in self.lengths if length <= len(cell) for start in range(len(cell) - length + 1)
                for index in self.terms.get(cell[start:start + length], ())}


@functools.lru_cache(maxsize=256)  # a few translations, each read for every card of its table
def _glossary(translation: str) -> _Glossary | None:
    """The translation as a glossary ("term: meaning; …"), or None when it is not one."""
    parts = [entry.partition(": ") for entry in translation.split("; ")]
    if not all(separator for _, separator, _ in parts):
        return None
    naming: dict[str, list[int]] = {}
    terms: dict[str, list[int]] = {}
    runs = []
    for index, (term, _, _) in enumerate(parts):
        for name in dict.fromkeys((term, _without_qualifier(term))):
            naming.setdefault(name, []).append(index)
        if term:
            terms.setdefault(term, []).append(index)
        first, separator, last = term.partition(" … ")
        if separator:
            runs.append((first, last, index))
    return _Glossary(tuple("".join(part) for part in parts), naming, terms, tuple(runs),
                     tuple(sorted({len(term) for term in terms})))


def _without_qualifier(term: str) -> str:
    """"合计 (last column)" → "合计": a bracketed note after a space qualifies the term (the source's own brackets,
    as in "男(名)", have no space before them)."""
    head, separator, rest = term.partition(" (")
    return head if separator and rest.endswith(")") else term


def _run_holds(table: ExcerptTable, first: str, last: str, place: int | None) -> bool:
    """Whether the run of header cells from first to last ("'02 … ’19") takes in the column at place."""
    start, end = table.column_place(first), table.column_place(last)
    return None not in (start, end, place) and start <= place <= end


def working_element(fact: Fact, store: FactStore, focusable: bool = False) -> etree.Element:
    """"198 ÷ 223 × 100 = 88.8%": the computation, each input linked to its own fact on the Data page."""
    operation = fact.derived.operation  # its symbols, as derived_operations writes them
    working = etree.Element("span", {"class": "working"})
    _add(working, "span", gettext("Our calculation:") + " ", class_="working-label")
    inputs = [store.facts.get(input_id) for input_id in fact.derived.inputs]
    for index, item in enumerate(inputs):
        if index:
            _append_text(working, operation.symbol)
        if item is None:
            _append_text(working, "?")
            continue
        link = _add(working, "a", item.format(item.value), href=f"data.html#fact-{item.id}", title=item.label)
        if not focusable:
            link.set("tabindex", "-1")
    _append_text(working, operation.then + f" = {fact.display}")
    return working


def source_line(source: Source, focusable: bool = False) -> etree.Element:
    """The source's name linked to the source itself and to its entry on the Sources page."""
    line = etree.Element("span", {"class": "card-source"})
    _append_text(line, gettext("Source:") + " ")
    extra = {} if focusable else {"tabindex": "-1"}
    title = etree.SubElement(line, "a" if source.url else "span",
                             {"href": source.url, "rel": "noopener noreferrer", **extra} if source.url else {})
    title.text = AtomicString(f"{source.publisher}, ")
    cited = _add(title, "cite", source.title, lang=source.title_language)
    cited.tail = AtomicString(f" ({date_label(source.published)})" if source.published else "")
    _append_text(line, " · ")
    _add(line, "a", gettext("all it supports"), href=f"sources.html#source-{source.id}", **extra)
    return line


def card_element(card_id: str) -> etree.Element:
    """A card, empty: what every card is, whatever it shows."""
    return etree.Element("span", {"class": "fact-card", "role": "tooltip", "id": card_id})


def fact_card(fact: Fact, store: FactStore, card_id: str) -> etree.Element:
    """The card of one use of a fact: label, value, date, excerpt, working, note, corrections and source."""
    card = card_element(card_id)
    head = _add(card, "span", None, class_="card-head")
    _add(head, "span", fact.label, class_="card-label")
    _append_text(head, " ")
    _add(head, "span", fact.display, class_="card-value")
    _append_text(head, f" · {fact.as_of.label}")
    if fact.provisional:
        _append_text(head, " · ")
        _add(head, "span", gettext("provisional"), class_="card-flag")
    fill_evidence(card, fact, store)
    return card


def contents_html(element: etree.Element) -> str:
    """The HTML of element's contents (its text and children, not its own tags), as the page's serializer writes
    them in place: a fact's card is written once per fact store and put whole into the slot of each page that shows
    it (prose/fact_slots.py), rather than copied as elements that every later pass of Python-Markdown walks and
    writes out again."""
    holder = etree.Element("div")
    holder.text = element.text
    holder.extend(list(element))
    return to_html_string(holder)[len("<div>"):-len("</div>")]


def fill_evidence(box: etree.Element, fact: Fact, store: FactStore, focusable: bool = False) -> None:
    """What supports a fact, in the order a checking reader needs it."""
    excerpt = store.excerpt(fact.citation)
    parts = _summed_parts(fact, store)
    if excerpt is not None:
        box.append(excerpt_element(excerpt, fact.citation, fact.value, store.sources[fact.source_id],
                                   tuple(value for _, value in parts)))
    if fact.derived is not None:
        box.append(working_element(fact, store, focusable))
    elif parts and excerpt is not None and excerpt.text is not None and not states(
            excerpt.text, fact.value, excerpt.language):
        working = _add(box, "span", None, class_="card-parts")
        _add(working, "span", gettext("The source gives the parts:") + " ", class_="working-label")
        _append_text(working, OPERATIONS["sum"].symbol.join(f"{label} {fact.format(value)}" for label, value in parts)
                     + f" = {fact.display}")
    if fact.note:
        _add(box, "span", fact.note, class_="card-note")
    for correction in fact.corrections:
        line = _add(box, "span", None, class_="card-correction")
        _add(line, "strong", gettext("Corrected on %(date)s:", date=date_label(correction.date)))
        # Translators: after "Corrected on <date>:", the figure shown before the correction
        earlier = gettext("earlier %(value)s.", value=fact.format(correction.value))
        _append_text(line, f" {earlier} {correction.reason}")
    if fact.source_id in store.sources:
        box.append(source_line(store.sources[fact.source_id], focusable))
    elif fact.derived is not None:
        _add(box, "span", gettext("Computed by us from the figures above, each with its own source."),
             class_="card-source")


def _summed_parts(fact: Fact, store: FactStore) -> list[tuple[str, float | int]]:
    """For a series cell that is a checked total (sum_columns), its parts as (label, value)."""
    cell = fact.series_cell
    series = store.series.get(cell.series_id) if cell else None
    row = series.row_by_key(cell.row) if series else None
    if row is None or cell.column not in series.sum_columns:
        return []
    parts = [(series.column(name).label.lower(), row.values.get(name)) for name in series.sum_columns[cell.column]]
    return parts if all(isinstance(value, (int, float)) for _, value in parts) else []


def source_card(source: Source, excerpt: Excerpt | None, card_id: str) -> etree.Element:
    """The card of a citation of a source for a claim: the source and the excerpt the claim relies on."""
    card = card_element(card_id)
    head = _add(card, "span", None, class_="card-head")
    _add(head, "cite", source.title, class_="card-label", lang=source.title_language)
    if source.title_translation:
        # Translators: "English" is the language of these words: the source's title, as we translated it
        _add(card, "span", gettext("Title in English: %(title)s", title=source.title_translation),
             class_="translation", lang=language())
    if excerpt is not None:
        card.append(excerpt_element(excerpt, None, None, source))
    card.append(source_line(source))
    return card


def claims_element(store: FactStore, report: str | None = None) -> etree.Element:
    """The claims of the reports we started from (or of one report), with our verdict and the excerpts that
    decide it."""
    wrapper = etree.Element("div", {"class": "claims table-scroll", "tabindex": "0", "role": "region",
                                    "aria-label": gettext("Claims checked")})
    table = _add(wrapper, "table", None, class_="claims-table")
    head = _add(_add(table, "thead"), "tr")
    for title in (gettext("The report says"), gettext("Verdict"), gettext("What the sources show")):
        _add(head, "th", title, scope="col")
    body = _add(table, "tbody")
    for claim in store.claims.values():
        if report is None or claim.citation.source_id == report:
            body.append(_claim_row(claim, store))
    return wrapper


def _claim_row(claim: Claim, store: FactStore) -> etree.Element:
    row = etree.Element("tr", {"id": f"claim-{claim.id}", "class": f"verdict-{claim.verdict}"})
    said = _add(row, "td")
    source = store.sources.get(claim.citation.source_id)
    excerpt = store.excerpt(claim.citation)
    if excerpt is not None and source is not None:
        said.append(excerpt_element(excerpt, claim.citation, None, source))
        _add(said, "a", source.publisher, href=f"sources.html#source-{source.id}", class_="claim-source")
    _add(_add(row, "td"), "strong", str(VERDICTS[claim.verdict]), class_="verdict")
    shown = _add(row, "td")
    _add(shown, "p", claim.finding)
    for citation in claim.evidence:
        evidence_source, evidence = store.sources.get(citation.source_id), store.excerpt(citation)
        if evidence is None or evidence_source is None:
            continue
        shown.append(excerpt_element(evidence, citation, None, evidence_source))
        _add(shown, "a", evidence_source.publisher, href=f"sources.html#source-{evidence_source.id}",
             class_="claim-source")
    return row


def html(element: etree.Element) -> Markup:
    """An element as HTML for a template; its text was escaped when serialised."""
    return Markup(to_html_string(element))
