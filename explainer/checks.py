"""The number checks: each figure appears in its own quote, and derived figures agree with their inputs."""
from __future__ import annotations

from .errors import Problem
from .facts import Fact, FactStore, Series
from .numbers import format_value, states


def check_fact_store(store: FactStore) -> list[Problem]:
    problems: list[Problem] = []
    for fact in store.facts.values():
        if fact.derived:
            problems += _check_derived(fact, store)
        if not states(fact.quote, fact.value) and not fact.derived:
            problems.append(fact.quote_location.problem(
                f'the quote of fact "{fact.id}" does not state its value {fact.value}: copy the sentence of the '
                "source that gives this figure, or correct the value.", severity="warning"))
    for series in store.series.values():
        problems += _check_series(series)
    return problems


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


def _check_series(series: Series) -> list[Problem]:
    problems = []
    numeric = [c.name for c in series.columns if c.name != series.key]
    for row in series.rows:
        summed = set()
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
        quote = series.row_quote(row) or ""
        for name in numeric:
            value = row.values.get(name)
            if isinstance(value, (int, float)) and name not in summed and not states(quote, value):
                problems.append(row.location.problem(
                    f'{series.id} {row.values.get(series.key)}: {name} = {value} is not stated in the row\'s '
                    "quote: quote the source's words for this row.", severity="warning"))
    return problems
