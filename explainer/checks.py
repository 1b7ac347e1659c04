"""The number checks: each figure appears in its own quote, and derived figures agree with their inputs."""
from __future__ import annotations

from .errors import Problem
from .facts import Citation, Fact, FactStore, Location, Series
from .numbers import format_value, states


def check_fact_store(store: FactStore) -> list[Problem]:
    problems: list[Problem] = []
    for fact in store.facts.values():
        if fact.derived:
            problems += _check_derived(fact, store)
        if fact.series_cell is None:  # a series cell is checked with its series
            problems += _check_stated(store, fact.citation, fact.value, fact.citation_location, f'fact "{fact.id}"')
        for correction in fact.corrections:
            if correction.citation and correction.citation.highlight:
                problems += _check_stated(store, correction.citation, None, fact.location,
                                          f'a correction of "{fact.id}"')
    for series in store.series.values():
        problems += _check_series(series, store)
    return problems


def _check_stated(store: FactStore, citation: Citation | None, value, where: Location, whose: str) -> list[Problem]:
    """The excerpt states the value: a table cell must (an error), a text should (a warning: words such as
    "two-thirds" may state it in a way no parser reads). A highlight must be words of the excerpt."""
    excerpt = store.excerpt(citation)
    if excerpt is None:
        return []  # a missing excerpt is reported when the store is loaded
    if excerpt.table is not None:
        cell = excerpt.table.cell(citation.row, citation.column)
        if cell is not None and value is not None and not states(cell, value):
            return [where.problem(f'{whose}: the cell ({citation.row}, {citation.column}) of table "{excerpt.id}" '
                                  f'says "{cell}", not {value}: correct the value or the cell.')]
        return []
    if citation.highlight is not None:
        if citation.highlight not in excerpt.text:
            return [where.problem(f'{whose}: "highlight" must be words of excerpt "{excerpt.id}", copied exactly.')]
        if value is not None and not states(citation.highlight, value):
            return [where.problem(f'{whose}: the highlighted words "{citation.highlight}" do not state {value}.',
                                  severity="warning")]
        return []
    if value is not None and not states(excerpt.text, value):
        return [where.problem(f'excerpt "{excerpt.id}" does not state the value {value} of {whose}: point at the '
                              "excerpt that gives this figure, or correct the value.", severity="warning")]
    return []


def recompute(op: str, values: list[float]) -> float | None:
    if op == "sum":
        return sum(values)
    first, second = values[0], values[1]
    if op == "difference":
        return first - second
    if second == 0:
        return None
    return first / second * 100 if op == "share" else first / second


def _check_derived(fact: Fact, store: FactStore) -> list[Problem]:
    inputs = [store.facts.get(input_id) for input_id in fact.derived.inputs]
    if any(item is None for item in inputs):
        return []  # reported as an unknown id when the store was loaded
    expected = recompute(fact.derived.op, [item.value for item in inputs])
    if expected is None:
        return [fact.location.problem(f'derived fact "{fact.id}" divides by zero.')]
    if abs(expected - fact.value) > fact.derived.tolerance:
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
                    f'{" + ".join(parts)} = {sum(part_values)}: correct the row.'))
            summed.add(total)
        for name in numeric:
            value = row.values.get(name)
            citation = series.cell_citation(row, name)
            excerpt = store.excerpt(citation)
            if isinstance(value, (int, float)) and not (name in summed and excerpt and excerpt.table is None):
                problems += _check_stated(store, citation, value, row.location,
                                          f"{series.id} {row.values.get(series.key)} ({name})")
    return problems
