"""What a translated page records of the default-edition page it was made from, and what has changed there since.

The record is one front matter line of the translated page:

    translated_from: <SHA-256 of the default page's text> <short hash of each of its paragraphs, comma-separated>

The page's hash says whether the translation is current; the paragraphs' hashes, in order, say which paragraphs
changed, so the build names each one by its line and first words in the default page. The record lives in the
page it describes (not in a side file) so that it moves, is renamed and is deleted with the page, two translators
accepting different pages never edit the same file, and the build needs no input besides the pages themselves.

A paragraph is a block of lines between blank lines, and each line of the front matter is one of its own (a
changed title or summary is named as such). Texts are hashed as the build reads them (site_folder/inputs.py
decode_text: UTF-8, universal newlines), so a checkout with Windows line endings is not "changed".
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

FIELD = "translated_from"
SHORT = 8  # hex digits of a paragraph's hash: a clash within one page is unlikely, and only hides which one changed
_RECORD = re.compile(rf"(?P<page>[0-9a-f]{{64}})(?:\s+(?P<paragraphs>[0-9a-f]{{{SHORT}}}(?:,[0-9a-f]{{{SHORT}}})*))?")
_FIRST_WORDS = 6


@dataclass(frozen=True)
class Paragraph:
    """One block of the default page's text, where an editor finds it."""

    line: int  # its first line in the file, from 1
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:SHORT]

    @property
    def first_words(self) -> str:
        words = self.text.split()
        return " ".join(words[:_FIRST_WORDS]) + (" …" if len(words) > _FIRST_WORDS else "")


@dataclass(frozen=True)
class TranslationRecord:
    """What `translated_from` says: the default page's hash, and its paragraphs' (empty when only the page's is
    written, as a hand-written record may be)."""

    page: str
    paragraphs: tuple[str, ...] = ()

    def written(self) -> str:
        """The value as the front matter line writes it."""
        return " ".join((self.page, ",".join(self.paragraphs))) if self.paragraphs else self.page


@dataclass(frozen=True)
class Change:
    """A difference between the paragraphs recorded and the default page now."""

    kind: str  # "changed", "new" or "removed"
    paragraph: Paragraph | None  # changed or new: the paragraph now; removed: the one before the gap (None: the start)
    count: int = 1  # how many paragraphs were removed


def page_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def paragraphs(text: str) -> list[Paragraph]:
    """The page's paragraphs in order: each front matter line (not the '---' around them), then each block of the
    body between blank lines."""
    lines = text.split("\n")
    found: list[Paragraph] = []
    body_start = 0
    if lines and lines[0].strip() == "---":
        closing = next((number for number in range(1, len(lines)) if lines[number].strip() == "---"), None)
        if closing is not None:
            found += [Paragraph(number + 1, lines[number].strip()) for number in range(1, closing)
                      if lines[number].strip()]
            body_start = closing + 1
    block: list[str] = []
    for number in range(body_start, len(lines) + 1):
        line = lines[number] if number < len(lines) else ""
        if line.strip():
            block.append(line.rstrip())
            continue
        if block:
            found.append(Paragraph(number - len(block) + 1, "\n".join(block)))
            block = []
    return found


def record_of(text: str) -> TranslationRecord:
    """The record of a default-edition page as it is now."""
    return TranslationRecord(page_hash(text), tuple(paragraph.digest for paragraph in paragraphs(text)))


def read_record(value: str) -> TranslationRecord | None:
    """The record a `translated_from` value writes, or None if it is not one."""
    match = _RECORD.fullmatch(value.strip())
    if match is None:
        return None
    return TranslationRecord(match["page"], tuple(match["paragraphs"].split(",")) if match["paragraphs"] else ())


def is_current(record: TranslationRecord, text: str) -> bool:
    return record.page == page_hash(text)


def changes_since(record: TranslationRecord, text: str) -> list[Change]:
    """Which paragraphs of the default page (text, now) changed, are new, or were removed since the record was made.
    Empty when only the spacing between paragraphs changed, or when the record keeps no paragraphs."""
    now = paragraphs(text)
    if not record.paragraphs:
        return []
    matcher = difflib.SequenceMatcher(None, record.paragraphs, [paragraph.digest for paragraph in now], autojunk=False)
    found: list[Change] = []
    for kind, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if kind in ("replace", "insert"):
            found += [Change("changed" if kind == "replace" else "new", paragraph) for paragraph in now[new_start:new_end]]
        removed = (old_end - old_start) - (new_end - new_start)
        if kind in ("replace", "delete") and removed > 0:  # the gap follows what is there now
            found.append(Change("removed", now[new_end - 1] if new_end else None, removed))
    return found


def describe(change: Change) -> str:
    """One change, as the build's message names it: 'changed: line 12 ("From 1998 the numbers …")'."""
    if change.kind == "removed":
        count = "1 paragraph" if change.count == 1 else f"{change.count} paragraphs"
        where = (f'after line {change.paragraph.line} ("{change.paragraph.first_words}")' if change.paragraph
                 else "at the start")
        return f"removed: {count} {where}"
    return f'{change.kind}: line {change.paragraph.line} ("{change.paragraph.first_words}")'
