"""The Markdown extension for facts, source citations and chart embeds, modelled on Python-Markdown's footnotes.

    {{fact-id}}        the fact's formatted value, a numbered citation, and a card with source, date and quote
    [@source-id]       a numbered citation of a source, for a claim that is not a figure
    {{chart:name}}     on a line of its own: the chart, with its static SVG, table, source line and downloads

One FactsExtension holds the state of the document being converted (citations in order, problems found);
Markdown.reset() resets it between documents.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .facts import FactStore
from .numbers import PROSE_NUMBER, is_year
from .pages import Reference

FACT_PATTERN = r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}"
SOURCE_PATTERN = r"\[@\s*([A-Za-z0-9_-]+)\s*\]"
STASH_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")  # Python-Markdown's marks for stashed HTML
STRAY_MARKUP = re.compile(r"\{\{|\[@")  # what is left of fact or chart markup that matched no pattern
UNSAFE_LINK = re.compile(r"\s*(javascript|vbscript|data|file):", re.IGNORECASE)
CHART_LINE = re.compile(r"^\{\{\s*chart:\s*([A-Za-z0-9_-]+)\s*\}\}\s*$")


@dataclass(frozen=True)
class Mention:
    """An id written in the page that the store does not know, or a bare number, to report with its position."""

    kind: str  # "fact", "source", "chart", "number", "markup" (matched no pattern) or "link" (unsafe)
    name: str
    token: str  # the text as written, to find it again in the file
    occurrence: int  # how many earlier mentions wrote the same token


class FactsExtension(Extension):
    def __init__(self, store: FactStore, chart_html: dict[str, str] | None = None, **kwargs):
        self.store = store
        self.chart_html = chart_html or {}
        super().__init__(**kwargs)
        self.reset()

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        md.parser.blockprocessors.register(ChartBlockProcessor(md.parser, self), "explainer-chart", 110)
        # Above links (160), so "[@id]" is not read as a link; below backticks (190), so code stays literal.
        md.inlinePatterns.register(CitationInlineProcessor(self), "explainer-citation", 176)
        md.treeprocessors.register(BareNumberTreeprocessor(md, self), "explainer-bare-numbers", 5)

    def reset(self) -> None:
        self.source_numbers: dict[str, int] = {}
        self.fact_ids_by_source: dict[str, list[str]] = {}
        self.citation_ids_by_source: dict[str, list[str]] = {}
        self.facts_used: list[str] = []
        self.charts_used: list[str] = []
        self.unknown: list[Mention] = []
        self.bare_numbers: list[Mention] = []
        self._seen_tokens: dict[str, int] = {}

    def references(self) -> list[Reference]:
        return [Reference(number, source_id, tuple(dict.fromkeys(self.fact_ids_by_source[source_id])),
                          tuple(self.citation_ids_by_source[source_id]))
                for source_id, number in self.source_numbers.items()]

    def mention(self, kind: str, name: str, token: str) -> Mention:
        occurrence = self._seen_tokens.get(token, 0)
        self._seen_tokens[token] = occurrence + 1
        return Mention(kind, name, token, occurrence)

    def cite(self, source_id: str, fact_id: str | None) -> etree.Element:
        """The citation mark `[n]` linking to the page's reference n; numbers follow first citation."""
        number = self.source_numbers.setdefault(source_id, len(self.source_numbers) + 1)
        self.fact_ids_by_source.setdefault(source_id, [])
        if fact_id:
            self.fact_ids_by_source[source_id].append(fact_id)
        marks = self.citation_ids_by_source.setdefault(source_id, [])
        mark_id = f"cite-{number}-{len(marks) + 1}"
        marks.append(mark_id)
        sup = etree.Element("sup", {"class": "cite"})
        link = etree.SubElement(sup, "a", {"href": f"#ref-{number}", "id": mark_id})
        link.text = f"[{number}]"
        return sup


class CitationInlineProcessor(InlineProcessor):
    """`{{fact-id}}` and `[@source-id]` in one pattern, so citation numbers follow the order of the text."""

    def __init__(self, extension: FactsExtension):
        super().__init__(f"{FACT_PATTERN}|{SOURCE_PATTERN}")
        self.extension = extension

    def handleMatch(self, m: re.Match, data: str):
        fact_id, source_id = m.group(1), m.group(2)
        if fact_id:
            return self.fact(fact_id, m.group(0)), m.start(0), m.end(0)
        # "in the North [@bbc]." reads as "in the North[1].": the mark takes the space before it.
        start = m.start(0) - 1 if m.start(0) > 0 and data[m.start(0) - 1] == " " else m.start(0)
        return self.source(source_id, m.group(0)), start, m.end(0)

    def source(self, source_id: str, token: str) -> etree.Element:
        extension = self.extension
        mention = extension.mention("source", source_id, token)
        if source_id not in extension.store.sources:
            extension.unknown.append(mention)
            return etree.Element("span", {"class": "cite-unknown"})
        return extension.cite(source_id, None)

    def fact(self, fact_id: str, token: str) -> etree.Element:
        extension = self.extension
        fact = extension.store.facts.get(fact_id)
        mention = extension.mention("fact", fact_id, token)
        if fact is None:
            extension.unknown.append(mention)
            return etree.Element("span", {"class": "fact fact-unknown"})
        extension.facts_used.append(fact_id)
        source = extension.store.sources.get(fact.source_id)
        if source is None:  # already reported where the fact is defined; the page still renders for the rest
            return etree.Element("span", {"class": "fact fact-unknown"})
        card_id = f"fact-{fact_id}-{len(extension.facts_used)}"
        span = etree.Element("span", {"class": "fact", "tabindex": "0", "aria-describedby": card_id})
        value = etree.SubElement(span, "data", {"value": repr(fact.value)})
        value.text = fact.display
        span.append(extension.cite(fact.source_id, fact_id))
        card = etree.SubElement(span, "span", {"class": "fact-card", "role": "tooltip", "id": card_id})
        label = etree.SubElement(card, "span", {"class": "fact-label"})
        label.text = f"{fact.label} ({fact.as_of})"
        quote = etree.SubElement(card, "q", {"class": "fact-quote"})
        if source.language != "en":
            quote.set("lang", source.language)
        quote.text = fact.quote
        origin = etree.SubElement(card, "span", {"class": "fact-source"})
        origin.text = f"{source.publisher}, {source.title}" + (f", {source.published}" if source.published else "")
        return span


class ChartBlockProcessor(BlockProcessor):
    """`{{chart:name}}` alone in a paragraph becomes the chart's figure (pre-rendered HTML, stashed)."""

    def __init__(self, parser, extension: FactsExtension):
        super().__init__(parser)
        self.extension = extension

    def test(self, parent, block: str) -> bool:
        return bool(CHART_LINE.match(block.split("\n", 1)[0]))

    def run(self, parent, blocks: list[str]) -> bool:
        first, _, rest = blocks.pop(0).partition("\n")
        if rest.strip():
            blocks.insert(0, rest)
        name = CHART_LINE.match(first).group(1)
        extension = self.extension
        mention = extension.mention("chart", name, first.strip())
        if name not in extension.chart_html:
            extension.unknown.append(mention)
            return True
        extension.charts_used.append(name)
        placeholder = self.parser.md.htmlStash.store(extension.chart_html[name])
        paragraph = etree.SubElement(parent, "p")
        paragraph.text = placeholder
        return True


class BareNumberTreeprocessor(Treeprocessor):
    """Checks the prose after the facts are in: numbers typed by hand (neither years nor facts, for --strict),
    fact or chart markup that matched no pattern (a missing brace, a space in an id, a chart inside a
    paragraph), and links whose scheme could run script (javascript:, data:)."""

    SKIP = {"code", "pre", "data", "sup"}

    def __init__(self, md: Markdown, extension: FactsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        self._visit(root)

    def _visit(self, element: etree.Element) -> None:
        target = element.get("href") if element.tag == "a" else element.get("src") if element.tag == "img" else None
        if target is not None and UNSAFE_LINK.match(target):
            self.extension.unknown.append(self.extension.mention("link", target, target))
        if element.tag in self.SKIP or "fact" in element.get("class", "").split():
            self._scan(element.tail)
            return
        self._scan(element.text)
        for child in element:
            self._visit(child)
        self._scan(element.tail)

    def _scan(self, text: str | None) -> None:
        for match in STRAY_MARKUP.finditer(text or ""):
            self.extension.unknown.append(self.extension.mention("markup", match.group(0), match.group(0)))
        for match in PROSE_NUMBER.finditer(STASH_PLACEHOLDER.sub(" ", text or "")):
            token = match.group(0)
            if not is_year(token):
                self.extension.bare_numbers.append(self.extension.mention("number", token, token))
