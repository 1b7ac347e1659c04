"""The number checks: each figure appears in its own quote, and derived figures agree with their inputs; and
each claim's evidence states the claim's key."""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from .derived_operations import OPERATIONS
from ..errors import Problem, did_you_mean
from .facts import Acknowledgement, Citation, Claim, Fact, FactStore, Location, Series, SeriesRow
from .numbers import format_value, numbers_with_spans


def check_fact_store(store: FactStore) -> list[Problem]:
    problems: list[Problem] = _derived_cycles(store)
    for fact in store.facts.values():
        if fact.derived:
            problems += _check_derived(fact, store)
        if fact.series_cell is None:  # a series cell is checked with its series
            problems += _check_stated(store, fact.citation, fact.value, fact.citation_location, f'fact "{fact.id}"',
                                      fact.acknowledged)
        for correction in fact.corrections:
            if correction.citation and correction.citation.highlight:
                problems += _check_stated(store, correction.citation, None, fact.location,
                                          f'a correction of "{fact.id}"')
    for series in store.series.values():
        problems += _check_series(series, store)
    for claim in store.claims.values():
        problems += check_claim_key(claim, store)
    return problems


def check_claim_key(claim: Claim, store: FactStore) -> list[Problem]:
    """At least one of the claim's evidence excerpts (or cited table cells) states its key: the words as written,
    compared NFC-normalised with whitespace collapsed, or, for a key that is one number ("3만여 명", "1,142"), that
    number however the excerpt writes it (read in the excerpt's language)."""
    evidence = [store.excerpt(citation) for citation in claim.evidence]
    if any(excerpt is None for excerpt in evidence):
        return []  # an unknown source or excerpt: reported where the claim names it (loading)
    if not evidence:
        return [claim.location.problem(f'claim "{claim.id}" gives no "evidence": add the excerpts (or table cells) '
                                       f'that decide it, one of which states its key "{claim.key}".')]
    key = _normalised(claim.key)
    for citation, excerpt in zip(claim.evidence, evidence):
        words = excerpt.text if excerpt.table is None else excerpt.table.cell(citation.row, citation.column) or ""
        if key in _normalised(words):
            return []
        number = _only_number(claim.key, excerpt.language)
        if number is not None and number in _whole_numbers(words, excerpt.language):
            return []
    cited = ", ".join(f'"{c.excerpt_id}" of {c.source_id}' + (f" ({c.row}, {c.column})" if c.row else "")
                      for c in claim.evidence)
    return [claim.location.problem(
        f'no evidence of claim "{claim.id}" states its key "{claim.key}" (evidence: {cited}): cite the excerpt '
        'that states what the verdict rests on, or write the key as that excerpt writes it.')]


def check_corrected_pages(store: FactStore, slugs: set[str]) -> list[Problem]:
    """Each of our corrections names chapters the site has: each such page links to the correction."""
    problems = []
    for correction in store.site_corrections.values():
        for slug in correction.pages:
            if slug not in slugs:
                problems.append(correction.location.problem(
                    f'correction "{correction.id}" names the page "{slug}", which the site does not have: write the '
                    f"name of a file in content/ without .md.{did_you_mean(slug, slugs)}"))
    return problems


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _whole_numbers(text: str, language: str) -> set[Decimal]:
    """The numbers a text states as written whole: "3만 4314명" states 34314, not the 3 or the 4314 inside it."""
    return {value for _, _, value in _outermost(_readings(text, language))}


# Every row of a series may cite the same long excerpt: its words are read once, not once a row (which would cost
# the square of its numbers). A few hundred texts: the excerpts of one build, and its most recent cells.
@functools.lru_cache(maxsize=256)
def _readings(words: str, language: str) -> tuple[tuple[int, int, Decimal], ...]:
    return tuple(numbers_with_spans(words, language))


@functools.lru_cache(maxsize=256)
def _numbers_of(words: str, language: str) -> frozenset[Decimal]:
    return frozenset(value for _, _, value in _readings(words, language))


def _states(words: str, value: float | int, language: str) -> bool:
    """numbers.states, the words read once (_readings)."""
    return Decimal(str(value)) in _numbers_of(words, language)  # Decimal("89.0") == Decimal("89"), hashed alike


def _outermost(readings: list[tuple[int, int, Decimal]]) -> list[tuple[int, int, Decimal]]:
    """The readings not inside a wider one ("3만 4314", not its 3 and 4314), in their order. One pass over them
    sorted by start, widest first, keeping the furthest end so far: an excerpt states thousands of numbers, and
    comparing each with every other would cost the square of them."""
    outer: set[tuple[int, int]] = set()
    furthest = -1  # the furthest end of the spans before: each starts no later, and is wider where it starts alike
    for start, end in sorted({(start, end) for start, end, _ in readings}, key=lambda span: (span[0], -span[1])):
        if furthest < end:
            outer.add((start, end))
        furthest = max(furthest, end)
    return [reading for reading in readings if reading[:2] in outer]


def _only_number(key: str, language: str) -> Decimal | None:
    """The number a key states when it is one number and words ("3만여 명": 30000), read in the language of the
    excerpt it is compared with; None when it states none, or more than one."""
    readings = numbers_with_spans(key, language)
    if not readings:
        return None
    start, end, value = max(readings, key=lambda reading: reading[1] - reading[0])
    if re.search(r"\d", key[:start] + key[end:]):
        return None
    return value


def _check_stated(store: FactStore, citation: Citation | None, value, where: Location, whose: str,
                  acknowledged: Acknowledgement | None = None, hint: str | None = None) -> list[Problem]:
    """The excerpt states the value, read in the excerpt's language: a table cell must (an error), a text should
    (a warning: words such as "two-thirds" may state it in a way no parser reads; the fact's "acknowledged" then
    says how, and silences the warning). A highlight must be words of the excerpt. A warning says what the words
    do state, and hint what to do (a fact's: _ACKNOWLEDGE_HINT; a series row's: _ROW_HINT)."""
    hint = _ACKNOWLEDGE_HINT if hint is None else hint
    excerpt = store.excerpt(citation)
    if excerpt is None:
        return _misplaced(acknowledged, "a fact that cites no excerpt") if citation is None else []
    if excerpt.table is not None:
        cell = excerpt.table.cell(citation.row, citation.column)
        if cell is not None and value is not None and not _states(cell, value, excerpt.language):
            return [where.problem(f'{whose}: the cell ({citation.row}, {citation.column}) of table "{excerpt.id}" '
                                  f'says "{cell}", not {value}: correct the value or the cell.')]
        return _misplaced(acknowledged, f'a cell of table "{excerpt.id}", which must state the figure itself')
    words, which = (citation.highlight, f'the highlighted words "{citation.highlight}"') \
        if citation.highlight is not None else (excerpt.text, f'excerpt "{excerpt.id}"')
    if words not in excerpt.text:
        return [where.problem(f'{whose}: "highlight" must be words of excerpt "{excerpt.id}", copied exactly.')]
    if value is None:
        return []
    if _states(words, value, excerpt.language):
        if acknowledged is not None:
            return [acknowledged.location.problem(
                f'{which} state {value} in a form the build reads: remove "acknowledged" from {whose}, so it '
                "is checked like any other figure.", severity="warning")]
        return []
    if acknowledged is not None:
        return []
    if citation.highlight is not None:
        return [where.problem(f'{whose}: the highlighted words "{citation.highlight}" do not state {value}; they '
                              f"state {_stated(words, excerpt.language)}." + hint, severity="warning")]
    return [where.problem(f'excerpt "{excerpt.id}" does not state the value {value} of {whose}: it states '
                          f"{_stated(words, excerpt.language)}; point at the excerpt that gives this figure, or "
                          f"correct the value.{hint}", severity="warning")]


_SHOWN_AT_MOST = 5  # an excerpt may state dozens of numbers: the message names the first few


def _stated(words: str, language: str) -> str:
    """The numbers the words state, as the words write them, read in their language: 1.20, "1.20 and 3만 4314",
    "no number"; the first few of a long excerpt, then how many more."""
    written = list(dict.fromkeys(words[start:end] for start, end, _ in _outermost(_readings(words, language))))
    if not written:
        return "no number"
    shown = written[:_SHOWN_AT_MOST]
    if len(written) > _SHOWN_AT_MOST:
        shown.append(f"{len(written) - _SHOWN_AT_MOST} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


_ACKNOWLEDGE_HINT = (' If the words state it in a form no parser reads ("two-thirds", "a record"), say how the value '
                     'follows from them in the fact\'s "acknowledged".')
# A series row takes no "acknowledged" (schema.ROW_FIELDS): what it does take.
_ROW_HINT = (' A row takes no "acknowledged": point the row at words that state the figure ("excerpt" and '
             '"highlight", or a table\'s "cell"), or, if the figure is computed from the row\'s other cells, make '
             'its column "derived" (docs/fact-store.md).')


def _misplaced(acknowledged: Acknowledgement | None, what: str) -> list[Problem]:
    if acknowledged is None:
        return []
    return [acknowledged.location.problem(f'"acknowledged" has no words to stand for here ({what}): remove it.',
                                          severity="warning")]


def _derived_cycles(store: FactStore) -> list[Problem]:
    """Derived facts that are computed, through others, from themselves (a → b → a): each check passes on its
    own, so the figures prove nothing. One error per cycle, at the first of its facts in file order."""
    problems: list[Problem] = []
    reported: set[str] = set()
    for start in store.facts.values():
        path, current = [start.id], start
        while current is not None and current.derived is not None and start.id not in reported:
            step = next((input_id for input_id in current.derived.inputs if _reaches(store, input_id, start.id)),
                        None)
            if step is None:
                break
            if step == start.id:
                reported.update(path)
                problems.append(start.location.problem(
                    f'derived facts form a cycle: {" → ".join([*path, start.id])}; each is computed from the '
                    "others, so none is checked against a source: make one of them a sourced fact."))
                break
            path.append(step)
            current = store.facts.get(step)
    return problems


def _reaches(store: FactStore, from_id: str, target: str) -> bool:
    """Whether the derived inputs of from_id lead, through any number of steps, to target (or it is target)."""
    seen, stack = set(), [from_id]
    while stack:
        fact_id = stack.pop()
        if fact_id == target:
            return True
        fact = store.facts.get(fact_id)
        if fact_id in seen or fact is None or fact.derived is None:
            continue
        seen.add(fact_id)
        stack.extend(fact.derived.inputs)
    return False


def _finite(number: float | int) -> bool:
    return isinstance(number, int) or math.isfinite(number)  # math.isfinite cannot take an int of 400 digits


def _differs(expected: float | int, value: float | int, tolerance: float | int) -> bool:
    """Compared as exact fractions: an integer of hundreds of digits minus a float overflows as floats."""
    return abs(Fraction(expected) - Fraction(value)) > Fraction(tolerance)


def _check_derived(fact: Fact, store: FactStore) -> list[Problem]:
    inputs = [store.facts.get(input_id) for input_id in fact.derived.inputs]
    if any(item is None for item in inputs):
        return []  # reported as an unknown id when the store was loaded
    try:
        expected = fact.derived.operation.apply([item.value for item in inputs])
    except OverflowError:  # an integer of hundreds of digits mixed with a float
        expected = math.inf
    if expected is None:
        return [fact.location.problem(f'derived fact "{fact.id}" divides by zero.')]
    if not _finite(expected):  # 1e308 + 1e308: no tolerance can compare with infinity
        return [fact.location.problem(f'derived fact "{fact.id}": its {fact.derived.op} of '
                                      f'{", ".join(fact.derived.inputs)} is too large to compute: check the inputs.')]
    if _differs(expected, fact.value, fact.derived.tolerance):
        shown = format_value(round(expected, 4), fact.unit)
        return [fact.location.problem(
            f'derived fact "{fact.id}" says {fact.value}, but its {fact.derived.op} of '
            f'{", ".join(fact.derived.inputs)} is {shown} (tolerance {fact.derived.tolerance}): '
            "correct the value or its inputs.")]
    return []


def _check_series(series: Series, store: FactStore) -> list[Problem]:
    problems = []
    numeric = [c.name for c in series.columns if c.name != series.key]
    for row in series.rows:
        problems += _check_derived_cells(series, row)
        summed = set()  # totals checked against their parts: a text need not state them too
        for total, parts in series.sum_columns.items():
            part_values = [row.values.get(part) for part in parts]
            if row.values.get(total) is None or any(v is None for v in part_values):
                continue
            if not all(isinstance(v, (int, float)) for v in [row.values[total], *part_values]):
                problems.append(row.location.problem(
                    f'{series.id} {row.values.get(series.key)}: {total} and {", ".join(parts)} must be numbers '
                    '(write 662, not "662").'))
                continue
            if abs(sum(part_values) - row.values[total]) > 1e-9:
                problems.append(row.location.problem(
                    f'{series.id} {row.values.get(series.key)}: {total} is {row.values[total]} but '
                    f'{OPERATIONS["sum"].symbol.join(parts)} = {sum(part_values)}: correct the row.'))
            summed.add(total)
        for name in numeric:
            value = row.values.get(name)
            citation = series.cell_citation(row, name)
            excerpt = store.excerpt(citation)
            if isinstance(value, (int, float)) and not (name in summed and excerpt and excerpt.table is None):
                problems += _check_stated(store, citation, value, row.location,
                                          f"{series.id} {row.values.get(series.key)} ({name})", hint=_ROW_HINT)
    return problems


def _check_derived_cells(series: Series, row: SeriesRow) -> list[Problem]:
    """A derived column's cell is recomputed from the other cells of its row, as a derived fact is."""
    problems = []
    for column in series.columns:
        if column.derived is None:
            continue
        value = row.values.get(column.name)
        inputs = [row.values.get(name) for name in column.derived.inputs]
        whose = f"{series.id} {row.values.get(series.key)} ({column.name})"
        if not all(isinstance(item, (int, float)) for item in inputs):
            if value is not None:
                problems.append(row.location.problem(
                    f"{whose}: {', '.join(column.derived.inputs)} are not all numbers in this row, so {value} "
                    "cannot be recomputed: write null, or fill the missing cells."))
            continue
        try:
            expected = column.derived.operation.apply(inputs)
        except OverflowError:  # an integer of hundreds of digits mixed with a float
            expected = math.inf
        if expected is not None and not _finite(expected):
            problems.append(row.location.problem(
                f"{whose}: the {column.derived.op} of {', '.join(column.derived.inputs)} is too large to compute: "
                "check the cells."))
            continue
        if value is None or expected is None:
            problems.append(row.location.problem(
                f"{whose}: the {column.derived.op} of {', '.join(column.derived.inputs)} "
                + (f"is {round(expected, 4)}: write it in the row (so downloads carry it)." if value is None
                   else "divides by zero.")))
        elif not isinstance(value, (int, float)) or _differs(expected, value, column.derived.tolerance):
            problems.append(row.location.problem(
                f"{whose} says {value}, but the {column.derived.op} of {', '.join(column.derived.inputs)} is "
                f"{round(expected, 4)} (tolerance {column.derived.tolerance}): correct the row."))
    return problems


def acknowledgement_lines(store: FactStore, root: Path) -> list[str]:
    """`check` lists every acknowledged value, one line each (`path:line:col: fact-id: how it follows`), so an
    editor can review what the build took on trust."""
    lines = []
    for fact in sorted(store.facts.values(), key=lambda item: item.id):
        if fact.acknowledged is None:
            continue
        where = fact.acknowledged.location
        line = where.text.count("\n", 0, where.offset) + 1
        column = where.offset - (where.text.rfind("\n", 0, where.offset) + 1) + 1
        try:
            shown = where.path.resolve().relative_to(root.resolve())
        except ValueError:
            shown = where.path
        lines.append(f"{shown}:{line}:{column}: {fact.id}: {fact.acknowledged.text}")
    return sorted(lines)
