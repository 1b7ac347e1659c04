"""What `python build.py migrate` leaves to the editor: each a note at the place to edit, in the new files (or
content/, charts/) — translations to write, values no excerpt states, excerpts to choose, periods to write,
the same words in two sources, citations whose card changes, old fields in chart modules."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ...errors import Problem, problem_at, sort_problems
from ...prose.citations import SOURCE_ITEM, SOURCE_PATTERN
from ...store.json_positions import value_offsets
from ...store.numbers import states
from .moving import DATE, NEW_SOURCES, OLD_SOURCES, Moved


def left_to_decide(root: Path, files: dict[Path, str], documents: dict[Path, object], moved: Moved,
                   site_language: str) -> list[Problem]:
    """Every note, sorted by file and place."""
    sources = {raw["id"]: (raw, None) for raw in documents[root / OLD_SOURCES]["sources"]}
    written, excerpts = moved.written, moved.excerpts
    return sort_problems([*_translations(root, sources, excerpts, written, site_language),
                          *_unstated_values(root, files, documents, sources, written),
                          *_duplicate_words(root, excerpts, written), *_changed_cards(files, excerpts),
                          *_old_chart_attributes(files), *_periods_left(written, files)])

def _note(path: Path, text: str, offset: int, message: str) -> Problem:
    return problem_at(path, text, offset, message, severity="note")


def _translations(root, sources, excerpts, written, site_language) -> list[Problem]:
    """Words in another language than the site's need our translation, which no program may write for us."""
    notes = []
    for source_id, (raw, _) in sources.items():
        language = raw.get("language", "en")
        if language == site_language:
            continue
        path = root / NEW_SOURCES / f"{source_id}.json"
        text = written[path]
        offsets = value_offsets(text)
        notes.append(_note(path, text, offsets[("title",)], f'translation to write: the title is in "{language}"; '
                           f'add "title_translation" in the site\'s language ("{site_language}").'))
        for index, (quote, excerpt_id) in enumerate(excerpts[source_id].by_text.items()):
            notes.append(_note(path, text, offsets[("excerpts", index)], f'translation to write: excerpt "{excerpt_id}" '
                               f'is in "{language}"; add "translation" in the site\'s language ("{site_language}").'))
    return notes


def _unstated_values(root, files, documents, sources, written) -> list[Problem]:
    """Values their excerpt does not state, read by the number reader in the excerpt's language: each needs a
    "highlight", an "acknowledged" (facts) or another excerpt; a series total checked against its parts
    (sum_columns) in a text excerpt need not be stated, as the build does not ask it."""
    notes = []
    language_of = {source_id: raw.get("language", "en") for source_id, (raw, _) in sources.items()}
    for path in sorted(documents):
        document, kind = documents[path], path.parent.name
        if kind not in ("facts", "series") or path == root / OLD_SOURCES:
            continue
        text = written.get(path, files[path])
        offsets = value_offsets(text)
        if kind == "facts":
            quoted = [raw for raw in document["facts"] if isinstance(raw, dict) and isinstance(raw.get("quote"), str)]
            for index, raw in enumerate(document["facts"]):
                if not isinstance(raw, dict) or not isinstance(raw.get("quote"), str):
                    continue
                value = raw.get("value")
                if not isinstance(value, (int, float)) or states(raw["quote"], value, language_of[raw["source"]]):
                    continue
                if "derived" in raw:  # the build still checks the words it cites, as it does for a stated figure
                    notes.append(_note(path, text, offsets[("facts", index, "excerpt")],
                                       f'value no excerpt states: derived fact "{raw.get("id")}" is {value}, which '
                                       'its words do not state: remove "source" and "excerpt" (its card shows the '
                                       "working from its inputs), or cite words that state the result."))
                else:
                    notes.append(_note(path, text, offsets[("facts", index, "excerpt")],
                                       f'value no excerpt states: fact "{raw.get("id")}" is {value}, which its words '
                                       "do not state as the build reads them: "
                                       f"{_computed_from(raw, quoted)}add \"acknowledged\" saying how the value "
                                       "follows from them, or cite words that state it."))
            continue
        notes += _unstated_cells(path, text, offsets, document, language_of)
    return notes


def _computed_from(fact: dict, quoted: list[dict]) -> str:
    """When two other facts quoting the same words add up to the fact's value (a total of its parts), the
    derived fact that shows that working, as a suggestion."""
    parts = [other for other in quoted if other is not fact and other.get("quote") == fact["quote"]
             and isinstance(other.get("value"), (int, float))]
    for index, first in enumerate(parts):
        for second in parts[index + 1:]:
            if first["value"] + second["value"] == fact["value"]:
                return (f'if it is their total, make it "derived": {{"op": "sum", "of": ["{first.get("id")}", '
                        f'"{second.get("id")}"]}}, so its card shows the working; or ')
    return ""


def _unstated_cells(path, text, offsets, document, language_of) -> list[Problem]:
    notes = []
    key = document.get("key")
    derived = {c.get("name") for c in document.get("columns", []) if isinstance(c, dict) and "derived" in c}
    sums = json.loads(text).get("sum_columns") or {}  # as migrated: with the totals it found computed
    for index, row in enumerate(document["rows"]):
        quote = row.get("quote", document.get("quote") if "source" not in row else None) \
            if isinstance(row, dict) else None
        source_id = row.get("source", document.get("source")) if isinstance(row, dict) else None
        if isinstance(row, dict) and quote is None and source_id is not None:
            # The old store let a row (or a series) name its source without its words; the current one needs them.
            notes.append(_note(path, text, offsets[("rows", index)], f'excerpt to choose: row "{row.get(key)}" cites '
                               f'"{source_id}" without its words; add "excerpt" naming the words that state its '
                               "figures (add them to the source's excerpts)."))
        if not isinstance(quote, str) or source_id not in language_of:
            continue
        for name, value in row.items():
            if name in ("source", "quote", "note", key) or name in derived or not isinstance(value, (int, float)):
                continue
            if states(quote, value, language_of[source_id]):
                continue
            parts = sums.get(name)
            if parts and all(isinstance(row.get(part), (int, float)) for part in parts):
                continue  # a computed total, shown with its parts and checked against them: docs/migrate.md
            at = offsets.get(("rows", index, name), offsets[("rows", index)])
            notes.append(_note(path, text, at, f'value no excerpt states: {name} {value} in row "{row.get(key)}"; '
                               'if it is computed from the row\'s other cells (a total), name them in "sum_columns" '
                               'so the build checks it and shows the working; otherwise cite words that state it.'))
    return notes


def _duplicate_words(root, excerpts, written) -> list[Problem]:
    """The current store keeps each excerpt once: the same words quoted from two sources (or written twice with
    other spacing) are for the editor to resolve."""
    notes, seen = [], {}
    for source_id, found in excerpts.items():
        path = root / NEW_SOURCES / f"{source_id}.json"
        for index, (quote, excerpt_id) in enumerate(found.by_text.items()):
            words = " ".join(quote.split())
            if words in seen:
                text = written[path]
                first = seen[words]
                notes.append(_note(path, text, value_offsets(text)[("excerpts", index)],
                                   f'excerpt "{excerpt_id}" repeats the words of excerpt "{first[1]}" of source '
                                   f'"{first[0]}": decide which source said them, keep that excerpt and point every '
                                   "fact at it."))
            else:
                seen[words] = (source_id, excerpt_id)
    return notes


def _changed_cards(files, excerpts) -> list[Problem]:
    """A `[@source]` citation's card now shows the source's words when it has only one excerpt: in the old store
    it showed the source alone. The editor checks those words support the sentence."""
    notes = []
    for path, text in sorted(files.items()):
        if path.suffix != ".md":
            continue
        for match in re.finditer(SOURCE_PATTERN, text):
            for item in SOURCE_ITEM.finditer(match.group("sources")):
                source_id = item.group("source")
                if source_id is None or item.group("excerpt") or source_id not in excerpts:
                    continue
                only = excerpts[source_id].by_text
                if len(only) == 1:
                    excerpt_id = next(iter(only.values()))
                    notes.append(_note(path, text, match.start(), f'citation whose card changes: [@{source_id}] will '
                                       f'show the source\'s only excerpt, "{excerpt_id}"; check its words support '
                                       f"this sentence (write [@{source_id}#{excerpt_id}] to say so), or cite the "
                                       "fact they state."))
    return notes


_OLD_ATTRIBUTE = re.compile(r"\.quote\b")


def _old_chart_attributes(files) -> list[Problem]:
    notes = []
    for path, text in sorted(files.items()):
        if path.suffix == ".py":
            for match in _OLD_ATTRIBUTE.finditer(text):
                notes.append(_note(path, text, match.start(), "old field in a chart module: a fact has no "
                                   '"quote" now; its words are store.excerpt(fact.citation).text (charts/README.md).'))
    return notes


def _periods_left(written, files) -> list[Problem]:
    """An old as_of that is no date and no range of two dates ("June 1962 to 1997") is the editor's to write."""
    notes = []
    for path, text in sorted(written.items()):
        if path.parent.name != "facts":
            continue
        document, offsets = json.loads(text), value_offsets(text)
        for index, raw in enumerate(document.get("facts", [])):
            value = raw.get("as_of") if isinstance(raw, dict) else None
            if isinstance(value, str) and not re.fullmatch(DATE, value):
                notes.append(_note(path, text, offsets[("facts", index, "as_of")],
                                   f'period to write: "{value}" is no date: write "2025", "2025-05", "2025-05-14" or '
                                   '{"start": "1997-07", "end": "2011-12"}.'))
    return notes
