"""The project's own fact store: each excerpt written once, each figure in one place, every claim decided."""
from __future__ import annotations

import json
from pathlib import Path

from explainer.site_folder.inputs import read_inputs
from explainer.store.loading import load_fact_store

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "data"


def project_store():
    inputs, problems = read_inputs(PROJECT)
    assert problems == []
    store, problems = load_fact_store(inputs.data, inputs.settings.language)
    assert [p.format() for p in problems if p.severity == "error"] == []
    return store


def test_the_store_loads_without_errors_or_warnings():
    inputs, _ = read_inputs(PROJECT)
    _, problems = load_fact_store(inputs.data, inputs.settings.language)
    assert [p.format() for p in problems] == []


def test_every_excerpt_text_is_written_once_and_no_fact_carries_its_own_quote():
    texts = []
    for path in sorted((DATA / "sources").glob("*.json")):
        for excerpt in json.loads(path.read_text(encoding="utf-8")).get("excerpts", []):
            texts.append(" ".join(excerpt.get("text", json.dumps(excerpt.get("table"), ensure_ascii=False)).split()))
    assert len(texts) == len(set(texts))
    for path in sorted((DATA / "facts").glob("*.json")):
        for fact in json.loads(path.read_text(encoding="utf-8"))["facts"]:
            assert "quote" not in fact, f"{path.name}: {fact['id']} carries its own quote"


def test_no_fact_restates_a_series_cell_without_being_tied_to_it():
    """A fact from the series' own source for the same year is the same figure and must be the cell. Another
    report's statement of it (what an article we check said) is a different fact and may stand apart."""
    store = project_store()
    for series in store.series.values():
        for row in series.rows:
            key = str(row.values[series.key])
            for column in series.columns:
                value = row.values.get(column.name)
                if column.name == series.key or not isinstance(value, (int, float)):
                    continue
                restating = [fact.id for fact in store.facts.values()
                             if fact.series_cell is None and fact.as_of.iso == key and fact.value == value
                             and fact.unit == (column.unit or fact.unit)
                             and fact.source_id in (None, series.row_source(row))]
                assert restating == [], f"{series.id} {key} {column.name} = {value} is restated by {restating}"


def test_figures_from_the_ministry_table_are_its_cells():
    store = project_store()
    from_table = [fact for fact in store.facts.values()
                  if store.excerpt(fact.citation) is not None and store.excerpt(fact.citation).table is not None]
    assert len(from_table) >= 20
    for fact in from_table:
        assert fact.citation.row and fact.citation.column


def test_no_source_is_our_own_research_desk():
    store = project_store()
    assert "research-desk" not in store.sources
    for fact in store.facts.values():
        assert fact.citation is not None or fact.derived is not None, fact.id


def test_the_2025_count_is_the_corrected_one_with_the_first_announcement_kept():
    store = project_store()
    arrivals = store.facts["arrivals-2025"]
    assert arrivals.value == 223
    assert [correction.value for correction in arrivals.corrections] == [224]
    assert arrivals.corrections[0].date == "2026-02-04"
    cumulative = store.facts["cumulative-end-2025"]
    assert cumulative.value == 34537
    assert 34538 in [correction.value for correction in cumulative.corrections]


def test_every_claim_has_a_verdict_and_the_parliament_claim_is_wrong():
    store = project_store()
    assert len(store.claims) >= 5
    wrong = [claim for claim in store.claims.values() if claim.verdict == "wrong"]
    assert any("National Assembly" in store.excerpt(claim.citation).words for claim in wrong)
    for claim in store.claims.values():
        assert claim.evidence, f"claim {claim.id} names no evidence"
