"""The typed-number rule for a chart's words: a figure in its title, label, caption, alt text, note, column
headings or annotations is a value of the chart's own data, written from that value, never typed by hand.

In the page's text a figure is a fact because it is written {{fact-id}}, and the prose check skips what the
token made. A chart module writes its words in Python, and by the time the engine reads them a figure formatted
from a fact and one typed into a string look alike. So a number in a chart's words (neither a year nor the day
of a date: token_marks.bare_numbers, the body's rule, which reads numbers as the edition's language writes
them: "48 250" is one number in French) must pass two tests:

- it is a value of the chart's data: a cell of its rows (which its table and downloads show), the value of a
  fact it cites, a number of that fact's display ("3.6" of "3.6 trillion"), or a cell of a series it cites
  (cites=(...): the source line under the chart names their sources). That is how a module marks a number as
  a fact's value: by citing the fact or series and formatting the number from it;
- it was not copied from a string of the module's own text (a literal, or the literal part of an f-string,
  found in the words around the number): there it is typed by hand, even where it equals a value today, and
  would not follow the data.

Each is a warning (an error under --strict), at the line of the string that types it, or else at the line of
the field's keyword in the module's ChartDefinition(...) call (the chart function's line when there is none).
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from .definition import ChartDefinition
from .modules import ChartModule
from ..errors import Problem
from ..prose.token_marks import bare_numbers
from ..store.facts import FactStore
from ..store.number_reading import readings


def typed_number_problems(module: ChartModule, store: FactStore) -> list[Problem]:
    """The numbers in the chart's words that no value of its data gives, or that the module types by hand."""
    definition = module.definition
    values, displayed = _data_values(definition, store)
    try:
        tree = ast.parse(module.source)
    except (SyntaxError, ValueError):  # it ran, so it parses; a module made some other way reads as no strings
        tree = ast.Module(body=[], type_ignores=[])
    strings, fields = _strings_with_digits(tree), _field_lines(tree)
    lines = module.source.splitlines()
    problems, seen = [], set()
    for field, text in _words(definition):
        for match in bare_numbers(text, store.language):
            token = match.group(0)
            typed = _typed_at(text, match.start(), token, strings)
            if (field, token, typed) in seen:  # once per field, however often it repeats a number
                continue
            seen.add((field, token, typed))
            named = _NAMES.get(field, field)
            if typed is not None:
                line, col = typed
                message = (f'the number "{token}" in the chart\'s {named} is typed by hand in this module: a figure '
                           "there needs a source. Write it from the value of a fact or series the chart cites "
                           "(fact.display, format_value(...)), or in words if it is not a figure.")
            elif not values.isdisjoint(_readings(token, store.language)) or token in displayed:
                continue
            else:
                line, col = fields.get(field, module.line or 1), 1
                message = (f'the number "{token}" in the chart\'s {named} is no value of the chart\'s data (its rows, '
                           "or a fact or series in cites=(...)), so nothing on the chart gives its source: cite the "
                           "fact that states it and write it from the fact's value, put it in the rows (rounded as "
                           "written, e.g. round(share, 1)), or say it in words.")
            shown = lines[line - 1] if 0 < line <= len(lines) else None
            problems.append(Problem(module.path, line, col, message, "warning", shown))
    return problems


_NAMES = {"alt": "alt text", "columns": "column headings"}  # each field as the message names it


def _words(definition: ChartDefinition) -> Iterator[tuple[str, str]]:
    """Each text of the definition a reader sees, with the name of the field that holds it."""
    for field in ("title", "label", "caption", "alt", "note"):
        yield field, getattr(definition, field)
    for column in definition.columns:
        yield "columns", column.label
    for note in definition.annotations:
        for line in note.label:
            yield "annotations", line
        yield "annotations", note.text


def _readings(token: str, language: str) -> set[Decimal]:
    """The values a number in the words writes, read as the edition's language writes numbers, by the reading
    the sources' figures get (store/number_reading.py): "2,914" and "71.2%" in English, "48 250" and "2,5" in
    French, "2.914" in German. A part of the token read alone ("48" of "48 250") is not what it writes."""
    digits = token.rstrip("%")
    return {reading.value for reading in readings(digits, language)
            if reading.start == 0 and reading.end == len(digits)}


def _as_decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return Decimal(str(value))  # Decimal("89.0") == Decimal("89"): a float and the int it equals agree
    except InvalidOperation:
        return None


def _data_values(definition: ChartDefinition, store: FactStore) -> tuple[set[Decimal], set[str]]:
    """The values of the chart's rows and of the facts and series it cites; and the numbers as the cited facts'
    displays write them. Only the cited records are read, so what the module made stays keyed by what it read."""
    values = {_as_decimal(value) for row in definition.rows for value in row.values()}
    displayed: set[str] = set()
    for cited in definition.cites:
        if cited in store.facts:
            fact = store.facts[cited]
            values.add(_as_decimal(fact.value))
            displayed.update(match.group(0) for match in bare_numbers(fact.display, store.language))
        elif cited in store.series:
            values.update(_as_decimal(value) for row in store.series[cited].rows for value in row.values.values())
    values.discard(None)
    return values | {abs(value) for value in values}, displayed  # the words write a minus as a word or sign


def _strings_with_digits(tree: ast.Module) -> list[tuple[str, int, int]]:
    """The strings of the module's text that hold a digit (literals, and f-strings' literal parts; not
    docstrings, nor format specs such as ":.1f"), each with its line and column."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            skipped.update(id(part) for part in ast.walk(node.format_spec))
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body \
                and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            skipped.add(id(node.body[0].value))
    strings = [(node.value, node.lineno, node.col_offset + 1) for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
               and any(character.isdigit() for character in node.value)]
    return sorted(strings, key=lambda string: string[1:])


def _typed_at(text: str, start: int, token: str, strings: list[tuple[str, int, int]]) -> tuple[int, int] | None:
    """Where the module types the number at text[start:], if a string of it holds the number and the words
    around it: the line and column of that string. A number formatted from a value is in no string there."""
    for string, line, col in strings:
        at = string.find(token)
        while at != -1:
            if start - at >= 0 and text.startswith(string, start - at):
                return line, col
            at = string.find(token, at + 1)
    return None


def _field_lines(tree: ast.Module) -> dict[str, int]:
    """The line of each keyword of the module's ChartDefinition(...) call, for a field's problems."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (getattr(node.func, "id", None) == "ChartDefinition"
                                           or getattr(node.func, "attr", None) == "ChartDefinition"):
            return {keyword.arg: keyword.value.lineno for keyword in node.keywords if keyword.arg}
    return {}
