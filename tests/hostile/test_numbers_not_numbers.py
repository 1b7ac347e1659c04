"""Numbers are finite and exact: no NaN or Infinity anywhere, large integers shown and downloaded with every
digit, duplicate JSON keys refused, negative values found in the quotes that state them."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from conftest import SITES
from explainer.site_folder.inputs import read_inputs
from explainer.store.json_positions import first_duplicate_key
from explainer.store.numbers import format_value, states
from explainer.pipeline import build
from explainer.store.loading import load_fact_store

TINY, _ = read_inputs(SITES / "tiny")
FACTS = next(path for path in TINY.data if path.parent.name == "facts")
SERIES = next(path for path in TINY.data if path.parent.name == "series")
NOT_FINITE = ["NaN", "Infinity", "-Infinity", "1e309", "-1e400"]


def with_raw(path, old: str, new: str) -> tuple[str, list]:
    text = TINY.data[path]
    assert old in text
    text = text.replace(old, new, 1)
    return text, load_fact_store({**TINY.data, path: text})[1]


def line_of(text: str, problem) -> str:
    assert problem.line >= 1 and problem.col >= 1
    return text.splitlines()[problem.line - 1]


@pytest.mark.parametrize("raw", NOT_FINITE)
def test_a_series_cell_that_is_not_finite_is_an_error_at_its_line(raw):
    text, problems = with_raw(SERIES, '"men": 591', f'"men": {raw}')
    wrong = [p for p in problems if "finite" in p.message]
    assert wrong and wrong[0].path == SERIES and '"men"' in line_of(text, wrong[0])


@pytest.mark.parametrize("raw", NOT_FINITE)
def test_a_tolerance_that_is_not_finite_is_an_error_and_cannot_switch_the_check_off(raw):
    text, problems = with_raw(FACTS, '"tolerance": 0', f'"tolerance": {raw}')
    wrong = [p for p in problems if p.severity == "error"]
    assert wrong and wrong[0].path == FACTS and '"tolerance"' in line_of(text, wrong[0])


@pytest.mark.parametrize("value, shown", [(2 ** 53 + 1, "9,007,199,254,740,993"),
                                          (12345678901234567890, "12,345,678,901,234,567,890"),
                                          (-(10 ** 30) - 7, "-1,000,000,000,000,000,000,000,000,000,007"),
                                          (10 ** 60, "1," + ",".join(["000"] * 20))])
def test_integers_display_with_every_digit(value, shown):
    assert format_value(value, "people") == shown


def test_a_very_large_float_displays_without_error():
    assert format_value(1e308, "people").startswith("100,000,000,000,000,00")
    assert format_value(-1.5e300, "percent", decimals=1).endswith("%")


@pytest.mark.parametrize("value", [2 ** 53 + 1, 12345678901234567890])
def test_downloads_keep_large_integers_exact_and_are_valid_json_and_csv(value):
    document = json.loads(TINY.data[FACTS])
    document["facts"][3]["value"] = value  # the approximate figure: its excerpt need not state it exactly
    data = {**TINY.data, FACTS: json.dumps(document, indent=2)}
    inputs = type(TINY)(**{**TINY.__dict__, "data": data})
    result = build(inputs)
    facts_json = result.files["data/facts.json"].decode()
    json.loads(facts_json, parse_constant=lambda name: pytest.fail(f"{name} in a download"))
    assert re.search(rf'"value": {value}\b', facts_json)
    rows = list(csv.reader(io.StringIO(result.files["data/facts.csv"].decode())))
    assert any(str(value) in row for row in rows)
    assert all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize("text, key", [('{"a": 1, "a": 2}', "a"), ('{"a": {"b": 1, "c": 2, "b": 3}}', "b"),
                                       ('[{"id": 1}, {"id": 2, "x": [1, {"y": 1, "y": 1}]}]', "y"),
                                       ('{"a\\u0062": 1, "ab": 2}', "ab")])
def test_a_duplicate_key_is_found_at_its_second_writing(text, key):
    offset, found = first_duplicate_key(text)
    assert (found, offset) == (key, text.rindex(f'"{key}"'))


def test_the_same_key_in_different_objects_is_no_duplicate():
    assert first_duplicate_key('[{"id": 1}, {"id": 2}, {"a": {"id": 3}}]') is None


def test_a_duplicate_key_in_a_facts_file_is_an_error_at_its_line():
    text, problems = with_raw(FACTS, '"value": 211,', '"value": 211,\n      "value": 212,')
    duplicate = [p for p in problems if "given twice" in p.message]
    assert duplicate and duplicate[0].path == FACTS
    assert line_of(text, duplicate[0]).strip() == '"value": 212,'


def test_a_duplicate_key_in_a_series_file_is_an_error():
    text, problems = with_raw(SERIES, '"men": 591,', '"men": 591,\n      "men": 592,')
    assert [p for p in problems if "given twice" in p.message and "592" in line_of(text, p)]


def test_a_duplicate_key_in_site_json_is_an_error(tmp_path):
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root)
    (root / "site.json").write_text('{\n  "title": "A",\n  "language": "en",\n  "title": "B"\n}\n')
    _, problems = read_inputs(root)
    assert [(p.path.name, p.line, p.col) for p in problems if "given twice" in p.message] == \
        [("site.json", 4, 3)]


@pytest.mark.parametrize("text, value", [("it fell to −5.1% last year", -5.1), ("a change of -5.1%", -5.1),
                                         ("−1,234 people left", -1234), ("‒12 (figure dash)", None)])
def test_a_negative_value_is_found_in_the_excerpt_that_states_it(text, value):
    if value is None:  # a figure dash is no minus sign: the value is 12, not -12
        assert states(text, 12, "en")
    else:
        assert states(text, value, "en")
        assert not states(text, -value, "en") or re.search(r"\d", text)


def test_fell_by_is_a_documented_limitation():
    # "fell by 12" states a change of -12 in words no parser reads: the fact's "acknowledged" says so.
    assert not states("arrivals fell by 12", -12, "en")
