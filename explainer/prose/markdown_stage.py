"""Rendering each page's Markdown to HTML with the facts extension, and placing its problems in the file.

Facts, citations, charts and stray markup are placed by the offset their token carried through Python-Markdown
(token_marks); only numbers typed into prose are found again in the body, by the same scan that found them.
The front matter's words a reader sees (title, nav_title, summary) are held to the same typed-number rule.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from .citations import Mention
from .claim_links import point_claim_links
from ..errors import Problem, did_you_mean, problem_at
from ..store.checks import check_corrected_pages
from ..store.facts import FactStore
from .markdown_pool import Converted, convert_pages
from ..site_folder.frontmatter import value_offsets
from ..site_folder.pages import Page
from ..incremental.reads import RecordedMapping
from .token_marks import TOKEN, bare_numbers

# What the prose check never reads as prose: tokens, code spans (any number of backticks, within a paragraph),
# link targets and autolinks.
_NOT_PROSE = re.compile(rf"{TOKEN.pattern}|(`+)(?:(?!\n[ \t]*\n).)*?(?<!`)\1(?!`)|\]\([^)\s]*|<[a-z]+:[^>\s]*>",
                        re.DOTALL)


def render_markdown(pages: list[Page], store: FactStore, chart_html: dict[str, str], chart_names: tuple[str, ...] = (),
                    convert: Callable[[list[Page], FactStore, Mapping[str, str]], list[Converted]] = convert_pages
                    ) -> list[Problem]:
    """Fill each page's html, toc, references, facts_used and charts_used. Returns the problems found.

    convert: what converts the pages (markdown_pool.convert_pages: on every core when they are many; a memo's
    convert_pages reuses the pages whose body, and what converting it read, are unchanged).
    chart_names: every chart module's, for "did you mean" (chart_html has only the charts pages name).
    """
    mentions: dict[int, tuple[list, list] | None] = {}  # id(page) → what to report; None: too deeply nested
    # The conversions' lookups of charts are recorded reads (incremental/reads.py), as the store's are.
    results = convert(pages, store, RecordedMapping("map:charts", chart_html))
    for page, converted in zip(pages, results):
        page.packed_html, page.toc, page.references = converted.packed_html, converted.toc, converted.references
        page.facts_used, page.calculations = converted.facts_used, converted.calculations
        page.charts_used = converted.charts_used
        mentions[id(page)] = None if converted.too_deep else (converted.unknown, converted.bare_numbers)
    point_claim_links(pages, results, store)  # which page shows a claim's row is known only now
    problems: list[Problem] = check_corrected_pages(store, {page.slug for page in pages})
    for page in pages:
        if mentions[id(page)] is None:
            problems.append(_too_deep(page))
            continue
        unknown, bare_numbers = mentions[id(page)]
        problems += [_invalid(page, mention) if mention.kind in ("markup", "link")
                     else _misplaced(page, mention, store) if mention.kind in ("link-text", "about")
                     else _unknown_id(page, mention, store, chart_html, chart_names) for mention in unknown]
        problems += [_bare_number(page, mention, store.language) for mention in bare_numbers]
    for page in pages:
        problems += _front_matter_numbers(page, store.language)
    return problems


def _unknown_id(page: Page, mention: Mention, store: FactStore, chart_html: dict[str, str],
                chart_names: tuple[str, ...] = ()) -> Problem:
    offset = _place(page, mention)
    excerpts = {f"{source.id}#{name}" for source in store.sources.values() for name in source.excerpts}
    known = {"fact": store.facts, "source": store.sources, "chart": {*chart_html, *chart_names},
             "excerpt": excerpts, "claim": store.claims}[mention.kind]
    hint = {"fact": "Add it to a file in data/facts/ or fix the id.",
            "claim": "Add it to data/claims.json or fix the id ([@claim:claim-id]).",
            "source": "Add a file for it in data/sources/ or fix the id.",
            "excerpt": "Add the excerpt to the source's file in data/sources/ or fix the id.",
            "chart": "Add a module for it in charts/ or fix the name."}[mention.kind]
    return problem_at(page.source_path, page.source_text, offset,
                      f'unknown {mention.kind} "{mention.name}".{did_you_mean(mention.name, set(known))} {hint}')


def _misplaced(page: Page, mention: Mention, store: FactStore) -> Problem:
    offset = _place(page, mention)
    if mention.kind == "about":
        fact = store.facts[mention.name]
        return problem_at(page.source_path, page.source_text, offset,
                          f'"{mention.token}" before {{{{{mention.name}}}}}, which is approximate and reads '
                          f'"{fact.display}": the page would say "{mention.token} {fact.display}". Delete '
                          f'"{mention.token}"; the fact says it.', severity="warning")
    what = "fact" if mention.token.startswith("{{") else "citation"
    return problem_at(page.source_path, page.source_text, offset,
                      f'the {what} {mention.token} is inside the text of a link, and a {what} is itself a link: a '
                      "link inside a link. Move it out of the brackets, after the link: "
                      f"[the words](address) {mention.token}.")


_NESTING = re.compile(r"[ \t>]*")


def _too_deep(page: Page) -> Problem:
    """The error for a page nested too deeply to convert, at its most deeply nested line (by indentation and
    quote markers, the way lists and block quotes nest)."""
    lines = page.body.split("\n")
    depths = [len(_NESTING.match(line).group(0).expandtabs(4).replace(">", "  ")) for line in lines]
    deepest = max(range(len(lines)), key=depths.__getitem__) if lines else 0
    offset = page.body_offset + sum(len(line) + 1 for line in lines[:deepest])
    return problem_at(page.source_path, page.source_text, offset,
                      "the text is nested too deeply here (lists, quotes or emphasis inside one another, hundreds "
                      "of levels) to be converted: flatten it.")


def _invalid(page: Page, mention: Mention) -> Problem:
    if mention.kind == "link":
        return problem_at(page.source_path, page.source_text, _place(page, mention),
                          f'the link "{mention.token}" could run script in readers\' browsers: link to an '
                          "http(s) address or a page of the site.")
    return problem_at(page.source_path, page.source_text, _place(page, mention),
                      f'"{mention.token}" starts no fact, source or chart: write {{{{fact-id}}}} or [@source-id] with '
                      "lower-case letters, digits and hyphens, and put {{chart:name}} on a line of its own.")


def _bare_number(page: Page, mention: Mention, language: str) -> Problem:
    """A number typed into prose, found again in the body by the scan that found it, with tokens, code and link
    targets masked out."""
    matches = _bare_number_offsets(page.body, language).get(mention.token, [])
    offset = page.body_offset + (matches[mention.occurrence] if mention.occurrence < len(matches) else 0)
    return problem_at(page.source_path, page.source_text, offset,
                      f'the number "{mention.token}" is typed into the prose: insert it as a fact ({{{{fact-id}}}}) '
                      "so it carries its source, or write it in words if it is not a figure.", severity="warning")


# Where readers see each front matter field, for the message: none of them can carry a citation.
_SHOWN = {"title": "the page's heading, its browser tab and its links",
          "nav_title": "the site's navigation",
          "summary": "under the page's title, in the contents and as its description in search results"}


def _front_matter_numbers(page: Page, language: str) -> list[Problem]:
    """Numbers typed into the title, nav_title or summary (the body's rule: neither years nor facts), each at its
    line and column in the file. The front matter is plain text, with no room for a fact's citation."""
    problems = []
    offsets = None  # read from the file only for a page with such a number: every page is checked on every build
    for key, shown in _SHOWN.items():
        matches = list(bare_numbers(getattr(page, key), language))
        if matches and offsets is None:
            offsets = value_offsets(page.source_text)
        if not matches or key not in offsets:  # nav_title falls back to the title, which is checked as itself
            continue
        for match in matches:
            problems.append(problem_at(
                page.source_path, page.source_text, offsets[key] + match.start(),
                f'the number "{match.group(0)}" is typed into the {key}, which readers see {shown}, with no source: '
                "a figure there cannot carry its citation. Say it in words, or leave the figure to the page's text, "
                "where {{fact-id}} gives it its source.", severity="warning"))
    return problems


@functools.lru_cache(maxsize=16)
def _bare_number_offsets(body: str, language: str) -> dict[str, list[int]]:
    """Where each typed number sits in a page's body, found in one scan: placing each of a page's numbers by
    scanning the page again made a page with 4,000 of them take 26 s."""
    masked = _NOT_PROSE.sub(lambda m: " " * len(m.group(0)), body)
    offsets: dict[str, list[int]] = {}
    for match in bare_numbers(masked, language):
        offsets.setdefault(match.group(0), []).append(match.start())
    return offsets


def _place(page: Page, mention: Mention) -> int:
    """Where a mention is in the file: its token's offset, or (for a token whose mark was lost, e.g. split by
    emphasis, and for links) its occurrence found again in the body."""
    if mention.offset is not None:
        return page.body_offset + mention.offset
    start = -1
    for _ in range(mention.occurrence + 1):
        found = page.body.find(mention.token, start + 1)
        if found == -1:
            break
        start = found
    return page.body_offset + max(start, 0)
