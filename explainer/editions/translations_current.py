"""The build's check that each translated page is current: its `translated_from` record (translation_record.py)
against the default-edition page's text now, by content, never by file times.

An out-of-date translation is a note, which no build stops at, not even --strict: a newsroom that corrects its
English page must be able to publish the correction at once, while the translation catches up; the note names
each page and the paragraphs that changed. A translated page with no record, or an unreadable one, is a warning
(an error under --strict): until it has one nobody can tell whether it is current, and `python build.py
translations` writes it in a second.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import Problem, problem_at
from ..site_folder.frontmatter import declares, value_offsets
from ..site_folder.pages import Page
from .translation_record import FIELD, changes_since, describe, is_current, read_record

_SHOWN_CHANGES = 6  # a rewritten page would otherwise list every paragraph


def check_translations_current(languages: Sequence[str], pages_by_edition: Sequence[Sequence[Page]]) -> list[Problem]:
    """The problems of every edition's translation records. languages[i] is the language of pages_by_edition[i];
    the first is the default edition, whose pages are the originals (same file name = counterparts)."""
    if not languages:
        return []
    originals = {page.slug: page for page in pages_by_edition[0]}
    problems = [_not_a_translation(page) for page in pages_by_edition[0] if declares(page.source_text, FIELD)]
    for language, pages in zip(languages[1:], pages_by_edition[1:]):
        for page in pages:
            original = originals.get(page.slug)
            if original is not None:  # a page with no original is site_folder/editions.py's error
                problems += _check_page(page, original, language)
    return problems


def _check_page(page: Page, original: Page, language: str) -> list[Problem]:
    here, there = f"content/{language}/{page.source_path.name}", f"content/{original.source_path.name}"
    offsets = value_offsets(page.source_text)
    if FIELD not in offsets:
        return [Problem(page.source_path, 1, 1, f"{here} does not record which text of {there} it translates, so "
                        "the build cannot tell you when that page changes: run `python build.py translations` to "
                        f"record it (it adds a line \"{FIELD}: …\" to the front matter).", "warning",
                        page.source_text.split("\n", 1)[0])]
    offset = offsets[FIELD]
    value = page.source_text[offset:].split("\n", 1)[0]
    record = read_record(value)
    if record is None:
        return [problem_at(page.source_path, page.source_text, offset,
                           f"{FIELD} must be what `python build.py translations` writes (the SHA-256 of {there}, then "
                           "its paragraphs' short hashes), not this: run `python build.py translations --accept "
                           f"{here}` once the translation matches that page.", "warning")]
    if is_current(record, original.source_text):
        return []
    changes = changes_since(record, original.source_text)
    if changes:
        listed = "; ".join(describe(change) for change in changes[:_SHOWN_CHANGES])
        more = len(changes) - _SHOWN_CHANGES
        what = f"in {there}: {listed}" + (f"; and {more} more" if more > 0 else "")
    elif record.paragraphs:
        what = f"{there} changed only in the spacing between its paragraphs"
    else:
        what = f"{there} changed (which paragraphs is not recorded: this record has only the page's hash)"
    return [problem_at(page.source_path, page.source_text, offset,
                       f"this translation is out of date: {what}. Bring {here} up to date, then run `python build.py "
                       f"translations --accept {here}`.", "note")]


def _not_a_translation(page: Page) -> Problem:
    return problem_at(page.source_path, page.source_text, value_offsets(page.source_text)[FIELD],
                      f"{FIELD} belongs in a translated page (content/<language>/{page.source_path.name}): this page "
                      "of the default edition is the original. Delete the line.")
