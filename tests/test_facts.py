"""Loading and checking the fact store: schema, positions of problems, references, derived figures, quotes."""
import json
from pathlib import Path

from explainer.checks import check_fact_store
from explainer.facts import load_fact_store

SOURCES = Path("data/sources.json")
FACTS = Path("data/facts/main.json")
SERIES = Path("data/series/arrivals.json")


def source(**changes):
    record = {"id": "gazette", "title": "A report", "publisher": "Gazette", "url": "https://example.org/a",
              "published": "2025-05-16", "accessed": "2026-11-22"}
    record.update(changes)
    return record


def fact(**changes):
    record = {"id": "jobs-2024", "value": 211, "unit": "people", "label": "Jobs", "as_of": "2024",
              "source": "gazette", "quote": "By the end of 2024, 211 defectors held jobs"}
    record.update(changes)
    return record


def load(sources=None, facts=None, series=None, raw_facts=None):
    files = {SOURCES: json.dumps({"sources": sources if sources is not None else [source()]}, indent=2)}
    files[FACTS] = raw_facts if raw_facts is not None else json.dumps({"facts": facts or [fact()]}, indent=2)
    if series is not None:
        files[SERIES] = json.dumps(series, indent=2)
    return load_fact_store(files)


def test_loads_sources_and_facts_into_records():
    store, problems = load()
    assert problems == []
    assert store.facts["jobs-2024"].display == "211"
    assert store.facts_citing("gazette") == [store.facts["jobs-2024"]]


def test_malformed_json_points_at_the_missing_comma():
    text = '{\n  "facts": [\n    {"id": "a", "value": 1\n     "unit": "people"}\n  ]\n}\n'
    _, problems = load(raw_facts=text)
    assert len(problems) == 1
    assert (problems[0].path, problems[0].line, problems[0].col) == (FACTS, 3, 27)
    assert "not valid JSON" in problems[0].message


def test_schema_error_points_at_the_offending_value():
    store, problems = load(facts=[fact(), fact(id="other", value="2,914")])
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == FACTS
    line = json.dumps({"facts": [fact(), fact(id="other", value="2,914")]}, indent=2).splitlines()[problem.line - 1]
    assert '"value": "2,914"' in line
    assert "without quotes or thousands separators" in problem.message
    assert FACTS in store.unreadable


def test_missing_and_misspelt_fields_are_named():
    broken = fact(sourc="gazette")
    del broken["source"]
    _, problems = load(facts=[broken])
    messages = " ".join(p.message for p in problems)
    assert 'missing the required field "source"' in messages
    assert 'unknown field "sourc"' in messages and 'Did you mean "source"?' in messages


def test_unknown_source_suggests_the_near_id_and_points_at_the_fact():
    _, problems = load(facts=[fact(source="gazete")])
    assert len(problems) == 1
    assert 'unknown source "gazete". Did you mean "gazette"?' in problems[0].message
    assert problems[0].source_line.strip().startswith('"source"')


def test_duplicate_ids_are_errors():
    _, problems = load(facts=[fact(), fact()])
    assert ['duplicate fact id' in p.message for p in problems] == [True]


def test_a_quote_that_does_not_state_the_value_is_a_warning():
    store, problems = load(facts=[fact(value=212)])
    assert problems == []
    warnings = check_fact_store(store)
    assert [w.severity for w in warnings] == ["warning"]
    assert "does not state its value 212" in warnings[0].message


def test_derived_facts_are_recomputed_within_tolerance():
    facts = [fact(id="now", value=211), fact(id="before", value=194, quote="194"),
             fact(id="rise", value=17, quote="17 more", derived={"op": "difference", "of": ["now", "before"],
                                                                  "tolerance": 0}),
             fact(id="share", value=89.0, unit="percent", quote="89.0%",
                  derived={"op": "share", "of": ["rise", "now"], "tolerance": 0.05})]
    store, problems = load(facts=facts)
    assert problems == []
    found = check_fact_store(store)
    assert len(found) == 1 and 'derived fact "share" says 89.0' in found[0].message  # 17/211 = 8.06%


def test_derived_from_an_unknown_fact_is_an_error():
    _, problems = load(facts=[fact(derived={"op": "sum", "of": ["jobs-2024", "jobs-2023"]})])
    assert any('computed from unknown fact "jobs-2023"' in p.message for p in problems)


def series(rows, **changes):
    record = {"id": "arrivals", "title": "Arrivals", "key": "period", "source": "gazette",
              "quote": "合计 2,914; 男 662; 女 2,252",
              "columns": [{"name": "period", "label": "Year"}, {"name": "total", "label": "Total"},
                          {"name": "men", "label": "Men"}, {"name": "women", "label": "Women"}],
              "sum_columns": {"total": ["men", "women"]}, "rows": rows}
    record.update(changes)
    return record


def test_series_totals_are_checked_and_sums_need_no_quote():
    rows = [{"period": "2009", "total": 2914, "men": 662, "women": 2252},
            {"period": "2020", "total": 229, "men": 72, "women": 157, "quote": "여성이 157명, 남성이 72명"},
            {"period": "2021", "total": 64, "men": 40, "women": 23, "quote": "남성 40명, 여성 23명 등 총 63명"}]
    store, problems = load(series=series(rows))
    assert problems == []
    found = check_fact_store(store)
    assert [p.message.split(":")[0] for p in found] == ["arrivals 2021"]
    assert "total is 64 but men + women = 63" in found[0].message


def test_series_row_value_missing_from_its_quote_is_a_warning():
    rows = [{"period": "2009", "total": 2914, "men": 663, "women": 2251}]
    store, _ = load(series=series(rows, sum_columns={}))
    found = check_fact_store(store)
    assert {p.severity for p in found} == {"warning"} and len(found) == 2


def test_series_with_unknown_column_and_source():
    rows = [{"period": "2009", "totl": 2914, "source": "gazete"}]
    _, problems = load(series=series(rows))
    messages = " ".join(p.message for p in problems)
    assert 'not a column of series "arrivals". Did you mean "total"?' in messages
    assert 'unknown source "gazete"' in messages
