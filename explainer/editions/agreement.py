"""The build's check that every edition shows the same figures: a translated page cites every fact, and shows
every chart, that its default-edition page does, and no other, unless its front matter says why it differs
(`cites_differ: <reason>`). Read after the Markdown stage, from what each page really cited (Page.facts_used,
Page.charts_used), so a fact in a figures line or a heading counts as it does on the page.

A difference is an error at the translated page: the facts it lacks at its first line (where the front matter,
and the place to declare a difference, begins), each with the line that cites it in the default page; the facts
it adds at the first of them.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import Problem, problem_at
from ..prose.token_marks import TOKEN
from ..site_folder.frontmatter import declares, value_offsets
from ..site_folder.pages import Page

FIELD = "cites_differ"
_SHOWN = 8  # ids named in one message; a page translated from another page altogether would list them all


def check_same_facts(languages: Sequence[str], pages_by_edition: Sequence[Sequence[Page]]) -> list[Problem]:
    """The problems of every translated page whose facts or charts differ from its default-edition page's.
    languages[i] is the language of pages_by_edition[i]; the first is the default edition."""
    if not languages:
        return []
    originals = {page.slug: page for page in pages_by_edition[0]}
    problems = [_declared_in_an_original(page) for page in pages_by_edition[0] if declares(page.source_text, FIELD)]
    for language, pages in zip(languages[1:], pages_by_edition[1:]):
        for page in pages:
            original = originals.get(page.slug)
            if original is not None:  # a page with no original is site_folder/editions.py's error
                problems += _compare(page, original, language)
    return problems


def cited(page: Page) -> list[str]:
    """What a page cites, as its tokens name it: facts ("arrivals-2024") and charts ("chart:arrivals"), in order."""
    return [*page.facts_used, *(f"chart:{name}" for name in page.charts_used)]


def _compare(page: Page, original: Page, language: str) -> list[Problem]:
    offsets = value_offsets(page.source_text)
    if FIELD in offsets:
        offset = offsets[FIELD]
        if page.source_text[offset:].split("\n", 1)[0].strip():
            return []
        return [problem_at(page.source_path, page.source_text, offset, f"{FIELD} needs its reason, for the next "
                           f"editor: e.g. \"{FIELD}: the Korean page leaves out the table of English-language "
                           "sources\".")]
    here, there = f"content/{language}/{page.source_path.name}", f"content/{original.source_path.name}"
    ours, theirs = cited(page), cited(original)
    missing = [name for name in dict.fromkeys(theirs) if name not in set(ours)]
    extra = [name for name in dict.fromkeys(ours) if name not in set(theirs)]
    problems = []
    if missing:
        named = _listed([f"{_token(name)} (line {_line_citing(original, name)})" for name in missing])
        problems.append(Problem(page.source_path, 1, 1, f"{here} does not cite {len(missing)} of the figures that "
                                f"{there} cites: {named}. Every edition shows the same figures: cite them here, or, "
                                f"if this edition must differ, say why in the front matter: \"{FIELD}: <reason>\".",
                                source_line=page.source_text.split("\n", 1)[0]))
    if extra:
        named = _listed([f"{_token(name)} (line {_line_citing(page, name)})" for name in extra])
        problems.append(problem_at(page.source_path, page.source_text, _offset_citing(page, extra[0]),
                                   f"{here} cites {len(extra)} figure(s) that {there} does not: {named}. Every "
                                   f"edition shows the same figures: cite them in {there} too, remove them here, or "
                                   f"say why this edition differs in the front matter: \"{FIELD}: <reason>\"."))
    return problems


def _declared_in_an_original(page: Page) -> Problem:
    return problem_at(page.source_path, page.source_text, value_offsets(page.source_text)[FIELD],
                      f"{FIELD} belongs in a translated page (content/<language>/{page.source_path.name}), which "
                      "says why it cites other figures than this page: this page of the default edition is the "
                      "original. Delete the line.")


def _token(name: str) -> str:
    return f"{{{{{name}}}}}"


def _listed(items: list[str]) -> str:
    return ", ".join(items[:_SHOWN]) + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _offset_citing(page: Page, name: str) -> int:
    """Where the page first writes a token that names this fact or chart ("{{id}}", "{{figures: a, id}}",
    "{{chart:name}}"); its body's start if none does (a fact cited from inside something else)."""
    bare = name.removeprefix("chart:")
    whole_id = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(bare)}(?![A-Za-z0-9_-])")
    for token in TOKEN.finditer(page.body):
        text = token.group(0)
        if text.startswith("{{") and whole_id.search(text) and (name.startswith("chart:") == ("chart:" in text)):
            return page.body_offset + token.start()
    return page.body_offset


def _line_citing(page: Page, name: str) -> int:
    return page.source_text.count("\n", 0, _offset_citing(page, name)) + 1
