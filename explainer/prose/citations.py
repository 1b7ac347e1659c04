"""The Markdown extension for facts, source citations and chart embeds, modelled on Python-Markdown's footnotes.

    {{fact-id}}            the fact's value, a numbered citation, and a card with the excerpt that states it
    [@source-id]           a numbered citation of a source, for a claim that is not a figure, with its card
    [@source-id#excerpt]   the same, its card showing that excerpt
    [@one; @two]           a citation of each, in order (Pandoc's habit)
    [@claim:claim-id]      a sentence that rests on a claim of a report we checked (data/claims.json): a mark
                           leading to the claim's verdict, with a card giving the verdict, what we found and the
                           report's words. `claim:` names what kind of thing is cited, as in {{chart:…}} and
                           {{claims:…}}; no source id holds a colon, so it can never be read as one, and it mixes
                           with sources in one group: [@claim:x; @source-id]
    {{chart:name}}         on a line of its own: the chart, with its static SVG, table, source line and downloads
    {{claims}}             on a line of its own: the claims of the reports we started from, with verdicts
    {{claims:source-id}}   the same, for the claims of one report
    {{figures: id, id}}    on a line of its own: a row of key-figure tiles, each fact's value (with its citation
                           and card, as {{fact-id}} gives it), its label and its date; `id "label"` gives the
                           tile a shorter label than the fact's own

One citation per source in a sentence: a fact carries its source's mark, so a [@source-id] later in the same
sentence, citing the same source (and no other excerpt of it than the fact's), is merged into the fact's mark:
"{{loans-2024}} books in 2024 [@library]" prints "48,250[1] books in 2024", not "48,250[1] books in 2024[1]".
A [@source-id#excerpt] naming another excerpt says something the fact's card does not, and keeps its own mark.

A fact is one tab stop: the value is a link to its reference (or, for our own calculation, to its working
at the end of the page); the card's own links are for pointers and taps, and the references repeat them.
A claim's mark links to the claim's row in the claims table (`#claim-<id>`); which page shows that table is
known only once every page is converted, so claim_links.py points the link there afterwards.

One FactsExtension holds the state of the document being converted (citations in order, problems found);
Markdown.reset() resets it between documents. Every problem carries the offset in the page's body where it
was written, which token_marks carries through Python-Markdown with each token.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..render.cards import VERDICTS, card_element, claims_element, excerpt_element, source_card, source_line
from ..render.words import gettext
from ..store.facts import Citation, FactStore
from ..site_folder.pages import Reference
from .fact_slots import slot, value_element
from .token_marks import MARK, MARK_PATTERN, MarkPreprocessor, MarkStripTreeprocessor, bare_numbers, mark, \
    opener_offsets, unmarked

_ID = r"[A-Za-z0-9_-]+"
FACT_PATTERN = rf"\{{\{{\s*(?P<fact>{_ID})\s*\}}\}}"
_CITED = rf"(?:claim:\s*{_ID}|{_ID}(?:#{_ID})?)"  # a claim, or a source and perhaps one of its excerpts
SOURCE_PATTERN = rf"\[@\s*(?P<sources>{_CITED}(?:\s*;\s*@\s*{_CITED})*)\s*\]"
SOURCE_ITEM = re.compile(rf"claim:\s*(?P<claim>{_ID})|(?P<source>{_ID})(?:#(?P<excerpt>{_ID}))?")
# "About {{x}}" on an approximate fact would read "About about 30,000": the fact says "about" itself.
APPROXIMATE_WORD = re.compile(r"(?<![A-Za-z])(about|around|approximately|roughly|circa)[\s*_]*$",
                              re.IGNORECASE)
# Python-Markdown's marks for stashed HTML, and for the "&" of an entity ("&#97;" in an obfuscated e-mail address)
STASH_PLACEHOLDER = re.compile("\x02[^\x03]*\x03(?:#\\d+;)?")
UNSAFE_LINK = re.compile(r"\s*(javascript|vbscript|data|file):", re.IGNORECASE)
# A link that leaves the site: an http(s) address, or one that starts "//" and takes the page's scheme.
_EXTERNAL_LINK = re.compile(r"\s*(https?:)?//", re.IGNORECASE)
CHART_LINE = re.compile(r"^\{\{\s*chart:\s*([A-Za-z0-9_-]+)\s*\}\}\s*$")
CLAIMS_LINE = re.compile(r"^\{\{\s*claims(?::\s*([A-Za-z0-9_-]+))?\s*\}\}\s*$")
FIGURES_LINE = re.compile(r"^\{\{\s*figures:(?P<ids>[^{}]*\S[^{}]*)\}\}\s*$")
# One item of a figures line: an id, and the tile's own label in quotes if the fact's is too long for a tile.
_FIGURE_ITEM = re.compile(r'(?P<id>[^\s,"][^,"]*?)\s*(?:"(?P<label>[^"]*)"\s*)?(?:,|$)')
_LINE_MARK = re.compile(rf"^(.*?){MARK}\s*$")
# Between a fact and a citation in the page as written, what ends a sentence: ".", "!" or "?" (after any closing
# quote, bracket or emphasis) before a space, a blank line, a new list item, heading or quote, a table cell. An
# abbreviation ("e.g. ") reads as an end too: then both marks stay, which is never wrong, only doubled.
SENTENCE_END = re.compile(r"[.!?][\"'’”)\]*_]*\s|\n[ \t]*\n|\n[ \t>]*(?:[-*+]|\d+[.)]|#{1,6})[ \t]|\|")


@dataclass(frozen=True)
class Mention:
    """Something written in the page to report: an id the store does not know, a bare number, markup that
    matched no pattern, a fact where it cannot go; with where it was written."""

    kind: str  # "fact", "source", "excerpt", "claim", "chart", "number", "markup" (matched no pattern), "link" (unsafe),
    # "link-text" (a fact or citation inside a link's text) or "about" (a word that repeats an approximate fact's)
    name: str
    token: str  # the text as written
    occurrence: int  # how many earlier mentions wrote the same token, to find it again without an offset
    offset: int | None = None  # where it is written in the page's body, when the token's mark says so


class FactsExtension(Extension):
    def __init__(self, store: FactStore, chart_html: dict[str, str] | None = None, **kwargs):
        self.store = store
        self.chart_html = chart_html if chart_html is not None else {}  # not `or`: counting it is a read
        super().__init__(**kwargs)
        self.reset()

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        # Before whitespace is normalised (30), so the marks hold offsets in the page as written.
        md.preprocessors.register(MarkPreprocessor(md, self.read), "explainer-marks", 35)
        md.parser.blockprocessors.register(ChartBlockProcessor(md.parser, self), "explainer-chart", 110)
        # Above links (160), so "[@id]" is not read as a link; below backticks (190), so code stays literal.
        md.inlinePatterns.register(CitationInlineProcessor(self, md), "explainer-citation", 176)
        # Right after the inline patterns (20), while the marks of tokens that matched nothing are still there;
        # then the marks go, before the table of contents (5) reads the headings.
        md.treeprocessors.register(LinkTextTreeprocessor(md, self), "explainer-link-text", 19)
        md.treeprocessors.register(BareNumberTreeprocessor(md, self), "explainer-bare-numbers", 18)
        md.treeprocessors.register(MarkStripTreeprocessor(md, lambda: self.marks_written - self.marks_taken),
                                   "explainer-strip-marks", 17)
        md.treeprocessors.register(FigureTilesTreeprocessor(md, self), "explainer-figure-tiles", 16)
        # After inline patterns (20) made the cards, before the table of contents (toc, 5) reads the headings.
        md.treeprocessors.register(HeadingFactsTreeprocessor(md, self), "explainer-heading-facts", 10)

    def reset(self) -> None:
        self.source_numbers: dict[str, int] = {}
        self.fact_ids_by_source: dict[str, list[str]] = {}
        self.citation_ids_by_source: dict[str, list[str]] = {}
        self.facts_used: list[str] = []
        self.fact_citations: list[tuple[int, Citation]] = []  # where each fact with a citation mark was written
        self.calculations: list[str] = []
        self.charts_used: list[str] = []
        self.claims_cited: list[str] = []  # [@claim:…], in order: claim_links.py points each at its row
        self.claims_shown: list[str] = []  # the claims whose rows this page's claims tables show
        self.unknown: list[Mention] = []
        self.bare_numbers: list[Mention] = []
        self._seen_tokens: dict[str, int] = {}
        self.cards_made = 0
        self.body = ""  # the page as written, read by MarkPreprocessor
        self.marks_written = self.marks_taken = 0  # token_marks' marks, and those the patterns consumed
        self.placed: dict[etree.Element, Mention] = {}  # each fact or citation made → where it was written
        # {{figures: …}} rows, laid out as tiles once their facts are in, with the label each item gives (or None)
        self.figure_rows: list[tuple[etree.Element, list[str | None]]] = []

    def read(self, body: str, marks: int) -> None:
        self.body, self.marks_written = body, marks

    def took(self, offset: int | None) -> int | None:
        """A pattern consumed a token and its mark (if it had one): returns the token's offset."""
        if offset is not None:
            self.marks_taken += 1
        return offset

    def references(self) -> list[Reference]:
        return [Reference(number, source_id, tuple(dict.fromkeys(self.fact_ids_by_source[source_id])),
                          tuple(self.citation_ids_by_source[source_id]))
                for source_id, number in self.source_numbers.items()]

    def mention(self, kind: str, name: str, token: str, offset: int | None = None) -> Mention:
        occurrence = self._seen_tokens.get(token, 0)
        self._seen_tokens[token] = occurrence + 1
        return Mention(kind, name, token, occurrence, offset)

    def cite(self, source_id: str, fact_id: str | None) -> tuple[int, str]:
        """The number of the page's reference to this source (numbers follow first citation), and the id of
        this citation mark, for the reference's backlinks."""
        number = self.source_numbers.setdefault(source_id, len(self.source_numbers) + 1)
        self.fact_ids_by_source.setdefault(source_id, [])
        if fact_id:
            self.fact_ids_by_source[source_id].append(fact_id)
        marks = self.citation_ids_by_source.setdefault(source_id, [])
        mark_id = f"cite-{number}-{len(marks) + 1}"
        marks.append(mark_id)
        return number, mark_id

    def said_by_a_fact(self, source_id: str, excerpt_id: str | None, offset: int | None) -> bool:
        """Whether a fact earlier in the same sentence already carries this citation: its source, and this
        excerpt if one is named. A citation whose place is unknown (its mark was lost) is never merged."""
        if offset is None:
            return False
        return any(at < offset and citation.source_id == source_id and excerpt_id in (None, citation.excerpt_id)
                   and not SENTENCE_END.search(self.body, at, offset) for at, citation in self.fact_citations)

    def card_id(self) -> str:
        self.cards_made += 1
        return f"card-{self.cards_made}"


class CitationInlineProcessor(InlineProcessor):
    """`{{fact-id}}` and `[@source-id]` in one pattern, so citation numbers follow the order of the text.

    Each token comes with the mark token_marks wrote after it, which gives its offset in the page."""

    def __init__(self, extension: FactsExtension, md: Markdown):
        super().__init__(f"(?:{FACT_PATTERN}|{SOURCE_PATTERN})(?:{MARK})?", md)  # md: its stash holds the slots
        self.extension = extension

    def handleMatch(self, m: re.Match, data: str):
        token = unmarked(m.group(0))
        offset = self.extension.took(int(m.group("mark")) if m.group("mark") is not None else None)
        if m.group("fact"):
            return self.fact(m.group("fact"), token, offset), m.start(0), m.end(0)
        # "in the North [@bbc]." reads as "in the North[1].": the mark takes the space before it.
        start = m.start(0) - 1 if m.start(0) > 0 and data[m.start(0) - 1] == " " else m.start(0)
        named = list(SOURCE_ITEM.finditer(m.group("sources")))
        # A source whose mark a fact earlier in the sentence carries is cited by that mark (one per source).
        items = [item for item in named if not item["source"]
                 or not self.extension.said_by_a_fact(item["source"], item["excerpt"], offset)]
        if not items:
            return "", start, m.end(0)
        if len(named) == 1:
            return self.item(items[0], token, offset), start, m.end(0)
        # "[@a; @b]" cites each: one mark per source, side by side, each with its own card.
        within = m.start("sources") - m.start(0)  # each item's offset: where its id starts in the token
        group = etree.Element("span", {"class": "citations"})
        for item in items:
            group.append(self.item(item, token, None if offset is None else offset + within + item.start()))
        return group, start, m.end(0)

    def item(self, item: re.Match, token: str, offset: int | None) -> etree.Element:
        if item["claim"]:
            return self.claim(item["claim"], token, offset)
        return self.source(item["source"], item["excerpt"], token, offset)

    def claim(self, claim_id: str, token: str, offset: int | None) -> etree.Element:
        """The mark of a claim a sentence rests on: a link to the claim's row in the claims table, and a card
        with our verdict, what we found and the report's own words."""
        extension = self.extension
        mention = extension.mention("claim", claim_id, token, offset)
        claim = extension.store.claims.get(claim_id)
        if claim is None:
            extension.unknown.append(mention)
            return etree.Element("span", {"class": "cite-unknown"})
        extension.claims_cited.append(claim_id)
        card_id = extension.card_id()
        wrapper = etree.Element("span", {"class": "fact claim-citation"})
        # claim_links.py writes the page that shows the row before the "#" once every page is converted.
        link = etree.SubElement(wrapper, "a", {"class": "fact-value", "href": f"#claim-{claim_id}",
                                               "data-claim": claim_id, "aria-describedby": card_id})
        sup = etree.SubElement(link, "sup", {"class": f"cite verdict-{claim.verdict}"})
        # Translators: the mark after a sentence that rests on a claim we checked, "[checked]"; it links to the verdict
        sup.text = AtomicString("[" + gettext("checked") + "]")
        card = card_element(card_id)
        wrapper.append(card)
        head = etree.SubElement(card, "span", {"class": "card-head"})
        verdict = etree.SubElement(head, "strong", {"class": "card-label verdict"})
        verdict.text = AtomicString(str(VERDICTS[claim.verdict]))
        report = extension.store.sources.get(claim.citation.source_id)
        said = extension.store.excerpt(claim.citation)
        if report is not None and said is not None:
            card.append(excerpt_element(said, claim.citation, None, report))
        finding = etree.SubElement(card, "span", {"class": "card-note"})
        finding.text = AtomicString(claim.finding)
        if report is not None:
            card.append(source_line(report))
        extension.placed[wrapper] = mention
        return wrapper

    def source(self, source_id: str, excerpt_id: str | None, token: str, offset: int | None) -> etree.Element:
        extension = self.extension
        mention = extension.mention("source", source_id, token, offset)
        source = extension.store.sources.get(source_id)
        if source is None:
            extension.unknown.append(mention)
            return etree.Element("span", {"class": "cite-unknown"})
        if excerpt_id is not None and excerpt_id not in source.excerpts:
            extension.unknown.append(extension.mention("excerpt", f"{source_id}#{excerpt_id}", token, offset))
            return etree.Element("span", {"class": "cite-unknown"})
        if excerpt_id is None and len(source.excerpts) == 1:  # the source's only excerpt, unless a whole table
            only = next(iter(source.excerpts.values()))
            excerpt_id = only.id if only.table is None else None
        number, mark_id = extension.cite(source_id, None)
        card_id = extension.card_id()
        wrapper = etree.Element("span", {"class": "fact source-citation"})
        link = etree.SubElement(wrapper, "a", {"class": "fact-value", "href": f"#ref-{number}", "id": mark_id,
                                               "aria-describedby": card_id})
        sup = etree.SubElement(link, "sup", {"class": "cite"})
        sup.text = AtomicString(f"[{number}]")  # never read as a reference link "[1]: …"
        wrapper.append(source_card(source, source.excerpts.get(excerpt_id or ""), card_id))
        extension.placed[wrapper] = mention
        return wrapper

    def fact(self, fact_id: str, token: str, offset: int | None) -> etree.Element:
        extension = self.extension
        fact = extension.store.facts.get(fact_id)
        mention = extension.mention("fact", fact_id, token, offset)
        if fact is None:
            extension.unknown.append(mention)
            return etree.Element("span", {"class": "fact fact-unknown"})
        extension.facts_used.append(fact_id)
        if fact.approximate and offset is not None:
            before = APPROXIMATE_WORD.search(extension.body, max(0, offset - 40), offset)
            if before is not None:
                extension.unknown.append(extension.mention("about", fact_id, before.group(1), before.start()))
        if fact.source_id is not None and fact.source_id not in extension.store.sources:
            return etree.Element("span", {"class": "fact fact-unknown"})  # reported where the fact is defined
        card_id = extension.card_id()
        wrapper = etree.Element("span", {"class": "fact", "data-fact": fact_id})
        link = etree.SubElement(wrapper, "a", {"class": "fact-value", "aria-describedby": card_id})
        # The value and the card's contents are the same on every page: their slots are stashed, for the page's
        # serializer to put back, and filled once the page is converted (fact_slots.py), with what they read
        # recorded apart.
        value_slot = self.md.htmlStash.store(slot("value", fact_id))
        # A first count that may be revised says so where it is read, not only in its card.
        link.text = AtomicString(value_slot + " " if fact.provisional else value_slot)
        if fact.provisional:
            flag = etree.SubElement(link, "small", {"class": "provisional-mark"})
            flag.text = AtomicString("(" + gettext("provisional") + ")")
        if fact.source_id is None:  # our own calculation: the link leads to its working below the references
            extension.calculations.append(fact_id)
            link.set("href", f"#calc-{fact_id}")
        else:
            number, mark_id = extension.cite(fact.source_id, fact_id)
            if offset is not None:
                extension.fact_citations.append((offset, fact.citation))
            link.set("href", f"#ref-{number}")
            link.set("id", mark_id)
            sup = etree.SubElement(link, "sup", {"class": "cite"})
            sup.text = AtomicString(f"[{number}]")
        card = card_element(card_id)
        card.text = AtomicString(self.md.htmlStash.store(slot("card", fact_id)))
        wrapper.append(card)
        extension.placed[wrapper] = mention
        return wrapper


class ChartBlockProcessor(BlockProcessor):
    """`{{chart:name}}` alone in a paragraph becomes the chart's figure (pre-rendered HTML, stashed);
    `{{claims}}` the table of claims checked."""

    def __init__(self, parser, extension: FactsExtension):
        super().__init__(parser)
        self.extension = extension

    def test(self, parent, block: str) -> bool:
        first, _ = _without_mark(block.split("\n", 1)[0])
        return bool(CHART_LINE.match(first) or CLAIMS_LINE.match(first) or FIGURES_LINE.match(first))

    def run(self, parent, blocks: list[str]) -> bool:
        first, _, rest = blocks.pop(0).partition("\n")
        first, offset = _without_mark(first)
        self.extension.took(offset)
        if rest.strip():
            blocks.insert(0, rest)
        extension = self.extension
        if figures := FIGURES_LINE.match(first):
            self.figures(parent, first, figures, offset)
            return True
        if claims := CLAIMS_LINE.match(first):
            report = claims.group(1)
            if report is not None and report not in extension.store.sources:
                extension.unknown.append(extension.mention("source", report, first.strip(), offset))
                return True
            parent.append(claims_element(extension.store, report))
            extension.claims_shown += [claim.id for claim in extension.store.claims.values()
                                       if report is None or claim.citation.source_id == report]
            return True
        name = CHART_LINE.match(first).group(1)
        mention = extension.mention("chart", name, first.strip(), offset)
        if name not in extension.chart_html:
            extension.unknown.append(mention)
            return True
        extension.charts_used.append(name)
        placeholder = self.parser.md.htmlStash.store(extension.chart_html[name])
        paragraph = etree.SubElement(parent, "p")
        paragraph.text = placeholder
        return True


    def figures(self, parent: etree.Element, line: str, figures: re.Match, offset: int | None) -> None:
        """A row of tiles: its text is each id written as {{id}} with a mark holding where the id is in the page,
        so the inline pattern makes each fact (citation numbers in the order of the text, unknown ids placed at
        the id) and FigureTilesTreeprocessor then lays each out as a tile."""
        extension = self.extension
        row = etree.SubElement(parent, "ul", {"class": "key-figures"})
        tokens, labels = [], []
        for item in _FIGURE_ITEM.finditer(figures.group("ids")):
            at = None if offset is None else offset + figures.start("ids") + item.start()
            if not re.fullmatch(_ID, item.group("id")):
                extension.unknown.append(extension.mention("fact", item.group("id"), line.strip(), at))
                continue
            label = item.group("label")
            for number in bare_numbers(label or "", extension.store.language):  # a label is prose: a figure in it needs a fact
                extension.bare_numbers.append(extension.mention("number", number.group(0), number.group(0)))
            tokens.append("{{%s}}" % item.group("id") + ("" if at is None else mark(at)))
            labels.append(label.strip() if label and label.strip() else None)
            extension.marks_written += at is not None
        row.text = " ".join(tokens)
        extension.figure_rows.append((row, labels))


def _without_mark(line: str) -> tuple[str, int | None]:
    """A line without the mark written after its token, and the token's offset."""
    marked_line = _LINE_MARK.match(line)
    if marked_line is None:
        return line, None
    return marked_line.group(1), int(marked_line.group("mark"))


class LinkTextTreeprocessor(Treeprocessor):
    """A fact or citation inside a link's text is an error: the figure is itself a link, and a link inside a
    link is invalid HTML that browsers split apart."""

    def __init__(self, md: Markdown, extension: FactsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        if self.extension.placed:
            self._visit(root, in_link=False)

    def _visit(self, element: etree.Element, in_link: bool) -> None:
        placed = self.extension.placed
        for child in element:
            mention = placed.get(child)
            if mention is None:
                self._visit(child, in_link or child.tag == "a")
            elif in_link:  # and never into the fact's own link and card
                self.extension.unknown.append(Mention("link-text", mention.name, mention.token,
                                                      mention.occurrence, mention.offset))


class FigureTilesTreeprocessor(Treeprocessor):
    """Each fact of a {{figures: …}} row, made by the inline pattern, becomes a tile: the value with its citation
    and card, then the fact's label and date, set as text."""

    def __init__(self, md: Markdown, extension: FactsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        for row, labels in self.extension.figure_rows:
            made = list(zip(list(row), labels))  # each {{id}} of the row made one element
            for child in list(row):
                row.remove(child)
            row.text = None
            for wrapper, own_label in made:
                if not wrapper.get("data-fact"):  # an unknown id: reported, and left out
                    continue
                fact = self.extension.store.facts[wrapper.get("data-fact")]
                wrapper.tail = None
                tile = etree.SubElement(row, "li", {"class": "key-figure"})
                value = etree.SubElement(tile, "span", {"class": "key-figure-value"})
                value.append(wrapper)
                label = etree.SubElement(tile, "span", {"class": "key-figure-label"})
                label.text = AtomicString(own_label or fact.label)
                date = etree.SubElement(tile, "span", {"class": "key-figure-date"})
                date.text = AtomicString(fact.as_of.label)


class HeadingFactsTreeprocessor(Treeprocessor):
    """A fact in a heading keeps its value and its link, but not its card or citation mark: the heading's id
    and its line in the table of contents are made from its text, which would otherwise be the whole card. Its value
    is written here rather than into its slot (fact_slots.py), so that they are made from the figure."""

    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self, md: Markdown, extension: FactsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        for heading in (element for element in root.iter() if element.tag in self.HEADINGS):
            for wrapper in [element for element in heading.iter() if "fact" in element.get("class", "").split()]:
                for child in list(wrapper):
                    if child.get("class") == "fact-card":
                        wrapper.remove(child)
                value_link = next((link for link in wrapper if link.get("class") == "fact-value"), None)
                if value_link is not None and wrapper.get("data-fact"):
                    fact = self.extension.store.facts[wrapper.get("data-fact")]
                    value = value_element(fact)
                    value.tail, value_link.text = (" " if fact.provisional else None), None
                    value_link.insert(0, value)
                for link in list(wrapper.iter("a")):
                    link.attrib.pop("aria-describedby", None)
                    for citation_mark in [item for item in link if item.tag == "sup"]:
                        link.remove(citation_mark)
                    if not link.text and not len(link) and link in wrapper:  # a claim's mark is all sup
                        wrapper.remove(link)


class BareNumberTreeprocessor(Treeprocessor):
    """Checks the prose after the facts are in: numbers typed by hand (neither years, the day of a date nor
    facts, for --strict), fact or chart markup that matched no pattern (a missing brace, a space in an id, a
    chart inside a paragraph), placed by the mark after it, and links whose scheme could run script."""

    SKIP = {"code", "pre", "data", "sup"}

    def __init__(self, md: Markdown, extension: FactsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        self._visit(root)

    def _visit(self, element: etree.Element) -> None:
        target = element.get("href") if element.tag == "a" else element.get("src") if element.tag == "img" else None
        target = unmarked(target) if target is not None else None  # a token's mark: stripped later
        if target is not None and UNSAFE_LINK.match(target):
            self.extension.unknown.append(self.extension.mention("link", target, target))
        if element.tag == "a" and target is not None and _EXTERNAL_LINK.match(target):
            element.set("rel", "noopener noreferrer")  # the other site gets neither this window nor the address
        classes = element.get("class", "").split()
        if element.tag in self.SKIP or "fact" in classes or "claims" in classes:
            self._scan(element.tail)
            return
        self._scan(element.text)
        for child in element:
            self._visit(child)
        self._scan(element.tail)

    def _scan(self, text: str | None) -> None:
        for opener, offset in opener_offsets(text or ""):
            self.extension.unknown.append(self.extension.mention("markup", opener, opener, offset))
        for match in bare_numbers(STASH_PLACEHOLDER.sub(" ", MARK_PATTERN.sub("", text or "")),
                                  self.extension.store.language):  # dates as the site writes them
            token = match.group(0)
            self.extension.bare_numbers.append(self.extension.mention("number", token, token))
