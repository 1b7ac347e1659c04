"""Loading and checking the fact store: schema, positions of problems, excerpts and table cells, series cells,
derived figures, translations and the checks that each figure is stated by the words it cites."""
import json
import re
import shutil
from pathlib import Path

from conftest import SITES
from explainer.store.checks import check_fact_store
from explainer.site_folder.inputs import read_inputs
from explainer.store.loading import load_fact_store

SOURCES = Path("data/sources")
FACTS = Path("data/facts/main.json")
SERIES = Path("data/series/arrivals.json")
CLAIMS = Path("data/claims.json")

TABLE = {"header": ["类别", "'09", "'10"],
         "rows": [["男(名)", "662", "591"], ["女(名)", "2,252", "1,811"], ["合计(名)", "2,914", "2,402"]]}


def source(**changes):
    record = {"id": "gazette", "title": "A report", "publisher": "Gazette", "url": "https://example.org/a",
              "published": "2025-05-16", "accessed": "2026-11-22",
              "excerpts": [{"id": "jobs", "text": "By the end of 2024, 211 defectors held jobs"},
                           {"id": "rise", "text": "17 more than the year before, when 194 did"}]}
    record.update(changes)
    return record


def ministry(**changes):
    """A Chinese-language source whose one excerpt is a table."""
    record = {"id": "ministry", "title": "脱北居民现况", "title_translation": "Defectors: current status",
              "publisher": "Ministry", "published": None, "accessed": "2026-11-22", "language": "zh",
              "excerpts": [{"id": "annual", "table": TABLE, "translation": "男: men; 女: women; 合计: total"}]}
    record.update(changes)
    return record


def fact(**changes):
    record = {"id": "jobs-2024", "value": 211, "unit": "people", "label": "Jobs", "as_of": "2024",
              "source": "gazette", "excerpt": "jobs"}
    record.update(changes)
    return record


def series(rows=None, **changes):
    record = {"id": "arrivals", "title": "Arrivals", "key": "period", "source": "ministry", "excerpt": "annual",
              "columns": [{"name": "period", "label": "Year"},
                          {"name": "total", "label": "Total", "unit": "people", "table_row": "合计(名)"},
                          {"name": "men", "label": "Men", "unit": "people", "table_row": "男(名)"},
                          {"name": "women", "label": "Women", "unit": "people", "table_row": "女(名)"}],
              "sum_columns": {"total": ["men", "women"]},
              "rows": rows if rows is not None else [
                  {"period": "2009", "total": 2914, "men": 662, "women": 2252, "cell": {"column": "'09"}},
                  {"period": "2010", "total": 2402, "men": 591, "women": 1811, "cell": {"column": "'10"}}]}
    record.update(changes)
    return record


def files(sources=None, facts=None, series_record=None, claims=None, raw_facts=None) -> dict[Path, str]:
    result = {SOURCES / f"{record['id']}.json": json.dumps(record, indent=2, ensure_ascii=False)
              for record in (sources if sources is not None else [source(), ministry()])}
    result[FACTS] = raw_facts if raw_facts is not None else json.dumps({"facts": facts if facts is not None
                                                                        else [fact()]}, indent=2, ensure_ascii=False)
    if series_record is not None:
        result[SERIES] = json.dumps(series_record, indent=2, ensure_ascii=False)
    if claims is not None:
        result[CLAIMS] = json.dumps({"claims": claims}, indent=2, ensure_ascii=False)
    return result


def load(**arguments):
    return load_fact_store(files(**arguments))


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def only(problems):
    """The one problem found, formatted as the command line prints it (path:line:col: message)."""
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


# --- records and positions ------------------------------------------------------------------------------------

def test_loads_sources_excerpts_and_facts_into_records():
    store, problems = load()
    assert problems == [] and check_fact_store(store) == []
    jobs = store.facts["jobs-2024"]
    assert jobs.display == "211" and jobs.as_of.label == "2024"
    assert store.excerpt(jobs.citation).text == "By the end of 2024, 211 defectors held jobs"
    assert store.facts_citing("gazette") == [jobs]
    assert store.sources["ministry"].excerpts["annual"].table.cell("合计(名)", "'09") == "2,914"


def test_as_of_dates_and_periods_are_written_for_readers():
    store, problems = load(facts=[fact(id="a", as_of="2024-12-31"), fact(id="b", as_of="2025-05"),
                                  fact(id="c", as_of={"start": "1997-07", "end": "2011-12"})])
    assert problems == []
    assert [store.facts[i].as_of.label for i in "abc"] == ["31 December 2024", "May 2025",
                                                          "July 1997 – December 2011"]
    assert store.facts["c"].as_of.latest == "2011-12"


def test_an_as_of_that_is_not_iso_is_an_error_with_an_example():
    problem = only(load(facts=[fact(as_of="end of 2024")])[1])
    assert '"2025-05-14" or {"start": "1997-07", "end": "2011-12"}' in problem.message
    assert '"as_of"' in problem.source_line


def test_an_impossible_as_of_month_is_an_error_not_a_crash():
    """"2025-13" matches the schema's pattern; the card's date label then raised IndexError mid-build."""
    store, problems = load(facts=[fact(as_of="2025-13")])
    assert any("2025-13" in p.message for p in errors(problems)), \
        f"as_of 2025-13 loaded without an error; rendering it raises: {store.facts['jobs-2024'].as_of!r}"


def test_an_impossible_published_date_is_an_error_not_a_wrong_label():
    """"2025-00-16" matches the schema's pattern; date_label then reads month 0 as December."""
    _, problems = load(sources=[source(published="2025-00-16"), ministry()])
    assert any("2025-00-16" in p.message for p in errors(problems)), \
        "published 2025-00-16 loaded without an error (the site shows it as 16 December 2025)"


def test_malformed_json_points_at_the_missing_comma():
    text = '{\n  "facts": [\n    {"id": "a", "value": 1\n     "unit": "people"}\n  ]\n}\n'
    problem = only(load(raw_facts=text)[1])
    assert (problem.path, problem.line, problem.col) == (FACTS, 3, 27)
    assert "not valid JSON" in problem.message


def test_schema_error_points_at_the_offending_value():
    store, problems = load(facts=[fact(), fact(id="other", value="2,914")])
    problem = only(problems)
    assert problem.path == FACTS and '"value": "2,914"' in problem.source_line
    assert "without quotes or thousands separators" in problem.message
    assert "other" not in store.facts and "jobs-2024" in store.facts  # only the broken fact is dropped


def test_a_file_loaded_again_is_checked_again_as_it_now_reads():
    """What the schema found in a file's text is kept by that text (loading._schema_findings): the same text gives
    the same problem at the same place, a fixed one none, and the same fact broken at another place its own."""
    broken = [fact(), fact(id="other", value="2,914")]
    first, again = only(load(facts=broken)[1]), only(load(facts=broken)[1])
    assert first == again
    assert errors(load(facts=[fact(), fact(id="other", value=2914)])[1]) == []
    moved = only(load(facts=[fact(id="other", value="2,914"), fact()])[1])
    assert moved.line < first.line and '"value": "2,914"' in moved.source_line


def test_quote_fields_are_gone():
    problem = only(load(facts=[fact(quote="211 defectors held jobs")])[1])
    assert 'unknown field "quote"' in problem.message and '"quote"' in problem.source_line


def test_missing_and_misspelt_fields_are_named():
    broken = fact(excerp="jobs")
    del broken["excerpt"], broken["label"]
    messages = " ".join(p.message for p in load(facts=[broken])[1])
    assert 'missing the required field "label"' in messages
    assert 'unknown field "excerp"' in messages and 'Did you mean "excerpt"?' in messages


def test_a_fact_that_says_nowhere_where_its_value_comes_from_is_an_error():
    bare = fact()
    del bare["source"], bare["excerpt"]
    problem = only(load(facts=[bare])[1])
    assert 'fact "jobs-2024" says nowhere where its value comes from' in problem.message


def test_unknown_source_suggests_the_near_id_and_points_at_the_fact():
    problem = only(load(facts=[fact(source="gazete")])[1])
    assert 'unknown source "gazete". Did you mean "gazette"?' in problem.message
    assert problem.path == FACTS and problem.source_line.strip().startswith('"source": "gazete"')


def test_duplicate_ids_are_errors():
    _, problems = load(facts=[fact(), fact()])
    assert ["duplicate fact id" in p.message for p in problems] == [True]


# --- a fact points at an excerpt, a table cell or a series cell ---------------------------------------------

def test_a_missing_excerpt_is_an_error_at_the_fact_with_did_you_mean():
    problem = only(load(facts=[fact(excerpt="job")])[1])
    assert re.fullmatch(r"data/facts/main\.json:\d+:\d+: source \"gazette\" has no excerpt \"job\"\. "
                        r"Did you mean \"jobs\"\? .*", problem.format().splitlines()[0])
    text = files()[FACTS]
    assert problem.line == text.splitlines().index('      "source": "gazette",') + 1


def test_a_missing_table_row_is_an_error_with_did_you_mean():
    cell = fact(id="total-2009", value=2914, source="ministry", excerpt="annual",
                cell={"row": "合計(名)", "column": "'09"})
    problem = only(load(facts=[cell])[1])
    assert re.match(r"data/facts/main\.json:\d+:7: table ", problem.format())
    assert problem.source_line.strip() == '"source": "ministry",'
    assert 'table "annual" has no row "合計(名)". Did you mean "合计(名)"?' in problem.message
    assert "Rows: 男(名), 女(名), 合计(名)." in problem.message


def test_a_missing_table_column_is_an_error_with_did_you_mean():
    cell = fact(id="total-2009", value=2914, source="ministry", excerpt="annual",
                cell={"row": "合计(名)", "column": "09"})
    problem = only(load(facts=[cell])[1])
    assert re.match(r"data/facts/main\.json:\d+:7: table ", problem.format())
    assert problem.source_line.strip() == '"source": "ministry",'
    assert """table "annual" has no column "09". Did you mean "'09"?""" in problem.message


def test_a_table_excerpt_needs_a_cell_and_a_text_excerpt_has_none():
    whole_table = fact(id="total-2009", value=2914, source="ministry", excerpt="annual")
    text_cell = fact(cell={"row": "x", "column": "y"})
    messages = [p.message for p in load(facts=[whole_table, text_cell])[1]]
    assert len(messages) == 2
    assert any('cites the table "annual" without saying which cell' in m for m in messages)
    assert any('names a table cell, but excerpt "jobs" is text' in m for m in messages)


def test_a_table_cell_that_does_not_state_the_value_is_an_error():
    cell = fact(id="total-2009", value=2941, source="ministry", excerpt="annual",
                cell={"row": "合计(名)", "column": "'09"})
    store, problems = load(facts=[cell])
    assert problems == []
    problem = only(check_fact_store(store))
    assert problem.severity == "error"
    assert """the cell (合计(名), '09) of table "annual" says "2,914", not 2941""" in problem.message


def test_a_table_cell_that_states_the_value_passes():
    cell = fact(id="total-2009", value=2914, source="ministry", excerpt="annual",
                cell={"row": "合计(名)", "column": "'09"})
    store, problems = load(facts=[cell])
    assert problems == [] and check_fact_store(store) == []


def test_a_text_excerpt_that_does_not_state_the_value_is_a_warning():
    store, problems = load(facts=[fact(value=212)])
    assert problems == []
    problem = only(check_fact_store(store))
    assert problem.severity == "warning"
    assert 'excerpt "jobs" does not state the value 212 of fact "jobs-2024"' in problem.message


def test_a_highlight_must_be_words_of_the_excerpt():
    store, problems = load(facts=[fact(highlight="211 defectors"), fact(id="other", highlight="211 people")])
    assert problems == []
    problem = only(check_fact_store(store))
    assert problem.severity == "error" and '"highlight" must be words of excerpt "jobs"' in problem.message
    assert problem.path == FACTS


def test_a_fact_with_both_series_and_value_is_an_error():
    cell = fact(id="total-2009", value=2914, series={"id": "arrivals", "row": "2009", "column": "total"})
    del cell["source"], cell["excerpt"]
    problem = only(load(facts=[cell], series_record=series())[1])
    assert 'fact "total-2009" gives a "value" and also takes it from series "arrivals"' in problem.message
    assert problem.path == FACTS and problem.source_line.strip().startswith('"series"')


def series_fact(row="2009", column="total", **changes):
    record = {"id": f"{column}-{row}", "unit": "people", "label": f"{column} {row}", "as_of": row,
              "series": {"id": "arrivals", "row": row, "column": column}}
    record.update(changes)
    return record


def test_a_series_fact_takes_its_value_and_citation_from_the_series_cell():
    store, problems = load(facts=[series_fact()], series_record=series())
    assert problems == [] and check_fact_store(store) == []
    total = store.facts["total-2009"]
    assert total.value == 2914 and total.display == "2,914"
    citation = total.citation
    assert (citation.source_id, citation.excerpt_id, citation.row, citation.column) == (
        "ministry", "annual", "合计(名)", "'09")
    assert store.facts_citing("ministry") == [total]

    changed = series()
    changed["rows"][0].update(total=2915, women=2253)  # the series changes: the fact follows it
    changed_store, problems = load(facts=[series_fact()], series_record=changed)
    assert problems == [] and changed_store.facts["total-2009"].value == 2915
    # …and the table it cites does not say so: one figure in two places cannot drift apart.
    found = check_fact_store(changed_store)
    assert {p.severity for p in found} == {"error"}
    assert any('says "2,914", not 2915' in p.message for p in found)


def test_a_series_fact_naming_a_missing_row_or_column_is_an_error_with_did_you_mean():
    _, problems = load(facts=[series_fact(row="209", as_of="2009"), series_fact(column="totl")], series_record=series())
    assert len(problems) == 2, [p.format() for p in problems]
    messages = " | ".join(p.message for p in problems)
    assert 'series "arrivals" has no row "209". Did you mean "2009"?' in messages
    assert 'row "2009" has no number in column "totl". Did you mean "total"?' in messages


def test_a_series_fact_that_also_cites_a_source_is_an_error():
    problem = only(load(facts=[series_fact(source="gazette", excerpt="jobs")], series_record=series())[1])
    assert "cites a source and also takes its value from series" in problem.message


# --- sources: their files, languages and excerpts ----------------------------------------------------------

def test_a_non_english_excerpt_without_a_translation_is_an_error_at_the_excerpt():
    korean = source(id="news1", language="ko", title_translation="A report",
                    excerpts=[{"id": "total", "text": "총 3만 4314명"}])
    problem = only(load(sources=[source(), korean])[1])
    assert problem.path == SOURCES / "news1.json"
    assert 'excerpt "total" of source "news1" is in "ko": add a "translation"' in problem.message
    assert problem.source_line.strip().startswith("{") and problem.line > 1  # the excerpt's object


def test_an_excerpt_may_give_its_own_language():
    quoted = source(excerpts=[{"id": "jobs", "text": "By the end of 2024, 211 defectors held jobs"},
                              {"id": "korean", "text": "211명", "language": "ko"}])
    problem = only(load(sources=[quoted, ministry()])[1])
    assert 'excerpt "korean" of source "gazette" is in "ko"' in problem.message
    translated = quoted["excerpts"][1] | {"translation": "211 people"}
    store, problems = load(sources=[source(excerpts=[quoted["excerpts"][0], translated]), ministry()])
    assert problems == [] and store.sources["gazette"].excerpts["korean"].language == "ko"


def test_a_non_english_title_without_a_title_translation_is_an_error():
    untitled = ministry()
    del untitled["title_translation"]
    problem = only(load(sources=[source(), untitled])[1])
    assert problem.path == SOURCES / "ministry.json"
    assert 'source "ministry" has a title in "zh": add "title_translation"' in problem.message


def test_a_site_in_another_language_needs_translations_of_english_words():
    _, problems = load_fact_store(files(sources=[source()]), site_language="ko")
    messages = " ".join(p.message for p in problems)
    assert 'source "gazette" has a title in "en"' in messages and 'excerpt "jobs"' in messages


def test_two_excerpts_with_the_same_words_are_an_error():
    repeated = source(excerpts=[{"id": "jobs", "text": "By the end of 2024, 211 defectors held jobs"},
                                {"id": "again", "text": "By the end of  2024,\n211 defectors held jobs"}])
    problem = only(load(sources=[repeated, ministry()])[1])
    assert 'excerpt "again" repeats the words of excerpt "jobs" of source "gazette"' in problem.message
    copied = source(id="copy", excerpts=[{"id": "words", "text": "17 more than the year before, when 194 did"}])
    problem = only(load(sources=[source(), ministry(), copied])[1])  # reported at the second in path order
    assert re.search(r'excerpt "(rise|words)" repeats the words of excerpt "(words|rise)" of source "(copy|gazette)"',
                     problem.message)


def test_a_duplicate_excerpt_id_within_a_source_is_an_error():
    twice = source(excerpts=[{"id": "jobs", "text": "By the end of 2024, 211 defectors held jobs"},
                             {"id": "jobs", "text": "Other words, 17 of them"}])
    problems = load(sources=[twice, ministry()])[1]
    assert errors(problems), "an excerpt id given twice in one source was accepted; the second is silently dropped"


def test_an_excerpt_is_text_or_table_not_both():
    both = source(excerpts=[{"id": "jobs", "text": "211", "table": TABLE}])
    problem = only(load(sources=[both, ministry()], facts=[])[1])
    assert 'either "text"' in problem.message and problem.path == SOURCES / "gazette.json"


def test_a_source_file_named_other_than_its_id_is_an_error():
    text = json.dumps(source(), indent=2)
    problem = only(load_fact_store({SOURCES / "gazette-2025.json": text, FACTS: json.dumps({"facts": []})})[1])
    assert problem.path == SOURCES / "gazette-2025.json" and problem.line == 2
    assert 'source id "gazette" differs from its file name "gazette-2025.json"' in problem.message


def test_the_old_sources_json_is_refused(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "tiny", root)
    (root / "data" / "sources.json").write_text('{"sources": []}', encoding="utf-8")
    _, problems = read_inputs(root)
    problem = only(problems)
    assert problem.path == root / "data" / "sources.json" and (problem.line, problem.col) == (1, 1)
    assert "data/sources.json is the old form of the fact store" in problem.message


# --- derived figures, corrections, claims ---------------------------------------------------------------------

def test_derived_facts_are_recomputed_within_tolerance():
    facts = [fact(id="now"), fact(id="before", value=194, excerpt="rise"),
             fact(id="rise", value=17, excerpt="rise",
                  derived={"op": "difference", "of": ["now", "before"], "tolerance": 0}),
             {"id": "share", "value": 89.0, "unit": "percent", "label": "Share", "as_of": "2024",
              "derived": {"op": "share", "of": ["rise", "now"], "tolerance": 0.05}}]
    store, problems = load(facts=facts)
    assert problems == []
    problem = only(check_fact_store(store))
    assert 'derived fact "share" says 89.0' in problem.message and "8.0569%" in problem.message  # 17/211


def test_derived_from_an_unknown_fact_is_an_error():
    _, problems = load(facts=[fact(derived={"op": "sum", "of": ["jobs-2024", "jobs-2023"]})])
    assert 'computed from unknown fact "jobs-2023". Did you mean "jobs-2024"?' in only(problems).message


def test_a_derived_fact_needs_no_source():
    share = {"id": "share", "value": 50, "unit": "percent", "label": "Share", "as_of": "2024",
             "derived": {"op": "share", "of": ["half", "jobs-2024"], "tolerance": 0.5}}
    store, problems = load(facts=[fact(), fact(id="half", value=105.5, excerpt="rise"), share])
    assert problems == []
    assert store.facts["share"].citation is None and store.facts_citing("gazette") != []
    assert [p.severity for p in check_fact_store(store)] == ["warning"]  # only "half": its excerpt lacks 105.5


def test_corrections_are_kept_newest_first_and_their_citations_checked():
    corrected = fact(corrections=[{"value": 212, "date": "2025-06-01", "reason": "Recounted.",
                                   "source": "gazette", "excerpt": "rise"},
                                  {"value": 210, "date": "2025-02-01", "reason": "First count."}])
    other = fact(id="other", corrections=[{"value": 1, "date": "2025-09", "reason": "Typo."}])
    store, problems = load(facts=[corrected, other])
    assert problems == []
    assert [(f.id, c.value) for f, c in store.corrections()] == [("other", 1), ("jobs-2024", 212),
                                                                 ("jobs-2024", 210)]
    bad = fact(corrections=[{"value": 212, "date": "2025-06-01", "reason": "Recounted.", "source": "gazette",
                             "excerpt": "rize"}])
    assert 'no excerpt "rize". Did you mean "rise"?' in only(load(facts=[bad])[1]).message


def claim(**changes):
    record = {"id": "jobs-claim", "source": "gazette", "excerpt": "jobs", "verdict": "correct",
              "finding": "The ministry says so.", "key": "194", "evidence": [{"source": "gazette", "excerpt": "rise"}]}
    record.update(changes)
    return record


def test_claims_are_loaded_and_their_excerpts_checked():
    store, problems = load(claims=[claim()])
    assert problems == [] and store.claims["jobs-claim"].verdict == "correct"
    _, problems = load(claims=[claim(verdict="right", evidence=[{"source": "gazette", "excerpt": "ris"}])])
    assert "is not one of the allowed values: correct, caveat, wrong" in only(problems).message
    problem = only(load(claims=[claim(evidence=[{"source": "gazette", "excerpt": "ris"}])])[1])
    assert problem.path == CLAIMS and 'has no excerpt "ris". Did you mean "rise"?' in problem.message


# --- series ---------------------------------------------------------------------------------------------------

def text_series(rows, **changes):
    """A series citing a text excerpt of the gazette, for checks of sums and text."""
    gazette = source(excerpts=[{"id": "jobs", "text": "By the end of 2024, 211 defectors held jobs"},
                               {"id": "counts", "text": "合计 2,914; 男 662; 女 2,252"},
                               {"id": "2020", "text": "여성이 157명, 남성이 72명", "translation": "157 women, 72 men"},
                               {"id": "2021", "text": "남성 40명, 여성 23명 등 총 63명",
                                "translation": "40 men, 23 women: 63 in all"}])
    record = series(rows, source="gazette", excerpt="counts", **changes)
    for column in record["columns"]:
        column.pop("table_row", None)
    return dict(sources=[gazette, ministry()], series_record=record)


def test_series_totals_are_checked_and_sums_need_not_be_in_the_text():
    rows = [{"period": "2009", "total": 2914, "men": 662, "women": 2252},
            {"period": "2020", "total": 229, "men": 72, "women": 157, "excerpt": "2020", "source": "gazette"},
            {"period": "2021", "total": 64, "men": 40, "women": 23, "excerpt": "2021", "source": "gazette"}]
    store, problems = load(**text_series(rows))
    assert problems == []
    problem = only(check_fact_store(store))
    assert problem.message.startswith("arrivals 2021: total is 64 but men + women = 63")


def test_series_row_value_missing_from_its_text_is_a_warning():
    store, problems = load(**text_series([{"period": "2009", "total": 2914, "men": 663, "women": 2251}],
                                         sum_columns={}))
    assert problems == []
    found = check_fact_store(store)
    assert [p.severity for p in found] == ["warning", "warning"]
    assert [p.message.split(" of ")[-1].split(":")[0] for p in found] == ["arrivals 2009 (men)", "arrivals 2009 (women)"]


def test_series_cells_are_checked_against_their_table():
    rows = series()["rows"]
    rows[1]["men"], rows[1]["women"] = 519, 1883  # still sums to 2,402, but the table says 591 and 1,811
    store, problems = load(series_record=series(rows))
    assert problems == []
    found = check_fact_store(store)
    assert [p.severity for p in found] == ["error", "error"]
    assert 'says "591", not 519' in found[0].message and 'says "1,811", not 1883' in found[1].message


def test_a_series_row_placed_in_a_missing_table_column_is_an_error():
    rows = series()["rows"]
    rows[1]["cell"] = {"column": "'11"}
    problem = only(load(series_record=series(rows))[1])
    assert problem.path == SERIES and """has no column "'11". Did you mean "'10"?""" in problem.message


def test_a_series_row_citing_its_own_text_excerpt_is_not_placed_in_the_series_table():
    """As in docs/fact-store.md's example: the columns' table_row places the cells of the rows that cite the
    series' table; a row citing a text excerpt of its own (a year the table lacks) has no table to be placed in."""
    korean = source(excerpts=[*source()["excerpts"], {"id": "2020", "text": "성별로는 여성이 157명, 남성이 72명",
                                                      "translation": "By sex, 157 women and 72 men"}])
    rows = [*series()["rows"], {"period": "2020", "total": 229, "men": 72, "women": 157, "source": "gazette",
                                "excerpt": "2020"}]
    store, problems = load(sources=[korean, ministry()], series_record=series(rows))
    assert problems == [], [p.format() for p in problems]
    assert check_fact_store(store) == []


def test_series_with_unknown_column_and_source():
    _, problems = load(series_record=series([{"period": "2009", "totl": 2914, "total": 2914, "source": "gazete",
                                              "excerpt": "jobs"}], sum_columns={}))
    messages = " ".join(p.message for p in problems)
    assert 'not a column of series "arrivals". Did you mean "total"?' in messages
    assert 'unknown source "gazete". Did you mean "gazette"?' in messages


def test_a_series_row_without_figures_still_names_a_real_source():
    """A row of nulls ("not reported") still names its source in the downloads and on the Data page."""
    _, problems = load(series_record=series([
        {"period": "2009", "total": 2914, "men": 662, "women": 2252, "cell": {"column": "'09"}},
        {"period": "1998", "total": None, "men": None, "women": None, "source": "gazete", "excerpt": "jobs"}]))
    assert any('unknown source "gazete"' in p.message for p in problems), \
        "a series row with no numbers may cite a source that does not exist: it is never checked"


def test_a_record_fingerprint_does_not_change_with_the_hash_seed():
    """Sets inside records (a series row's approximate columns) are fingerprinted in a fixed order."""
    import subprocess
    import sys

    script = ("from explainer.store.facts import record_fingerprint; "
              "print(record_fingerprint({'row': frozenset({'loans', 'people', 'total', 'share'})}).hex())")
    seen = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(4)}
    assert len(seen) == 1



def test_facts_citing_is_sorted_out_once_and_hands_every_caller_the_reads_of_every_fact():
    """FactStore.facts_citing answers from an index made once per store (the Sources page asks for every source),
    and each caller records the reads of every fact, as a look through them all would: a template that lists a
    source's facts is made again when any fact changes. The index is never pickled with the store."""
    import pickle

    from explainer.incremental.reads import Fingerprints, recording

    inputs, problems = read_inputs(SITES / "tiny")
    assert not problems
    store, _ = load_fact_store(inputs.data, inputs.settings.language)
    source_id = next(iter(dict.keys(store.sources)))
    expected = [fact for fact in dict.values(store.facts) if fact.source_id == source_id]
    fingerprints = Fingerprints()
    with recording(fingerprints) as first:
        found = store.facts_citing(source_id)
    with recording(fingerprints) as again:
        assert store.facts_citing(source_id) == found == expected and expected
    assert again.reads == first.reads
    assert {f"fact:{fact_id}" for fact_id in dict.keys(store.facts)} <= again.reads.keys()
    assert "_facts_citing_memo" not in pickle.loads(pickle.dumps(store)).__dict__
