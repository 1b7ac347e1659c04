"""Periods as writers write them (store/periods.py): a year in a year's context, decades, centuries, ranges and
dates in the site's language are not typed numbers; a number alone is, unless it is a year of 1900-2099. A fact
may be a year, shown without a group separator. And a mismatch says what the words do state."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from explainer.prose.token_marks import bare_numbers
from explainer.store.checks import check_fact_store
from explainer.store.numbers import format_value, is_year
from explainer.store.periods import YEAR_CONTEXTS, period_spans
from explainer.store.units import UNITS
from test_citations import render
from test_facts import load, source, fact, text_series


def typed(text: str, language: str = "en") -> list[str]:
    return [match.group(0) for match in bare_numbers(text, language)]


# --- the table: each context's own example -----------------------------------------------------------------------

@pytest.mark.parametrize("context", YEAR_CONTEXTS, ids=[context.name for context in YEAR_CONTEXTS])
def test_each_year_context_lets_its_example_through(context):
    language = "ko" if "년" in context.example else "en"
    assert typed(context.example, language) == []


@pytest.mark.parametrize("context", [context for context in YEAR_CONTEXTS if context.needs],
                         ids=[context.name for context in YEAR_CONTEXTS if context.needs])
def test_each_year_context_needs_a_word_its_example_holds(context):
    assert any(word in context.example.casefold() for word in context.needs)


_PIECES = ["In 1998", "since 2001", "ſince 1890", "by 2026", "BY 1998", "rose by 2001", "winter of 1890", "the year 2001",
           "between 1998 and 2001", "1890s", "the '90s", "19th century", "18th and 19th centuries", "1998-2001",
           "2019–20", "2001/02", "2026年", "1990년대", "19세기", "2026-02-04", "2월 4일", "March 4, 2026", "7", "1,500",
           " ", ". ", ", ", "\n", "and ", "the ", "of ", "-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_the_words_a_context_needs_skip_only_texts_it_cannot_match(text):
    """period_spans searches a context's pattern only in a text holding one of the words it needs: the spans are
    those of every pattern searched everywhere."""
    everywhere = [match.span() for context in YEAR_CONTEXTS
                  for match in re.finditer(context.pattern, text, re.IGNORECASE)]
    assert set(everywhere) <= set(period_spans(text, "en"))


# --- the sentences of issue 20's Japan explainer, and of stored pages ----------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Since records began in 1899",
    "Births fell in the 1890s.",
    "in the 19th century",
    "Arrivals fell from 1998 to 2001.",
    # https://www.wionews.com/world/japans-childbirth-rate-hits-lowest-level-since-records-began-in-1899-270445
    "the lowest since 1899",
    # https://www.straitstimes.com/asia/east-asia/japan-reports-record-low-births-biggest-population-decline-in-2021
    "the fewest in Health Ministry data going back to 1899",
    # http://www.itv.com/news/2016-12-22/japan-birth-rate-at-lowest-level-in-over-100-years/
    "Figures have never fallen below the million since data became available in 1899.",
    # http://www.asahi.com/ajw/articles/AJ201912240054.html
    "A second baby boom in the first half of the 1970s",
])
def test_the_years_writers_type_are_not_typed_numbers(sentence):
    assert typed(sentence) == []


def test_counts_beside_years_are_still_typed_numbers():
    # https://japantimes.co.jp/news/2000/06/30/national/birthrate-drops-to-record-low
    sentence = "A total of 1,177,663 babies were born in 1999, down 25,484 from 1998"
    assert typed(sentence) == ["1,177,663", "25,484"]
    # http://www.asahi.com/ajw/articles/AJ201912240054.html
    assert typed("A second baby boom in the first half of the 1970s also pushed births above 2 million.") == ["2"]


@pytest.mark.parametrize("text, numbers", [
    ("1899 people", ["1899"]),  # a number alone is a year only from 1900 to 2099
    ("In 1899 and 2009 there were 1,899 and 2,009.", ["1,899", "2,009"]),  # a separator makes it a count
    ("The count rose by 1500.", ["1500"]),  # "by" after a word of change
    ("a total of 1500", ["1500"]),  # "of" only after a part of a year
    ("in 1899.5", ["1899.5"]),
    ("in 2009%", ["2009%"]),
    ("the 1895s", ["1895"]),  # a decade ends in 0
    ("in the 19th", ["19"]),  # an ordinal is a century only with the word "century"
    ("from 12 to 2001", ["12"]),
])
def test_what_is_still_a_typed_number(text, numbers):
    assert typed(text) == numbers


def test_years_outside_1900_2099_count_only_in_a_years_context():
    assert typed("in 1700, by 2100, since 1899, the year 1066") == []
    assert typed("1700, 2100, 1899") == ["1700", "2100", "1899"]
    assert is_year("2009") and not is_year("1899") and not is_year("2,009") and not is_year("211")


@pytest.mark.parametrize("text", ["the 1890s", "the 1800s", "the '90s", "the ’90s", "the 1990’s",
                                  "the 18th and 19th centuries", "a 21st-century problem",
                                  "1998–2001", "1998-2001", "1998 to 2001", "1998–99", "2019/20",
                                  "between 1998 and 2001", "mid-1890s", "late 1899", "the winter of 1899"])
def test_decades_centuries_and_ranges(text):
    assert typed(text) == []


# --- dates in the site's language (CLDR, through Babel), and English's -------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("4 February 2026", "en"), ("February 4, 2026", "en"), ("Feb. 4th, 2026", "en"), ("the 28th of March", "en"),
    ("March 28", "en"), ("Sept 4", "en"),
    ("2026年2月4日", "ja"), ("2026年2月4日", "en"),  # 年, 月 and 日 say what they are in any site
    ("2026년 2월 4일", "ko"),
    # https://ko.wikipedia.org/wiki/북한이탈주민 (the article's words, not a figure: the date of a renaming)
    ("이에 따라 2005년 1월 9일 대한민국 통일부는 한국거주 탈북자를 순화 용어인 '새터민'으로 바꾼다고 발표했다.", "ko"),
    ("1994년 ~ 1996년 : 탈북자, 귀순북한동포", "ko"), ("1990년대 중반부터", "ko"),
    ("4. Februar 2026", "de"), ("04.02.2026", "de"), ("4. febrúar 2026", "is"), ("4 de febrero de 2026", "es"),
    ("4 février 2026", "fr"), ("4 févr. 2026", "fr"), ("4 февраля 2026 г.", "ru"),
    ("On 2026-02-04 the ministry corrected it.", "en"),
])
def test_dates_as_the_sites_language_writes_them(text, language):
    assert typed(text, language) == []


def test_a_date_in_another_language_than_the_sites_still_types_its_day():
    assert typed("4. Februar 2026", "en") == ["4"]
    assert typed("4 de febrero de 2026", "en") == ["4"]


def test_numbers_that_are_no_day_of_the_month_are_typed_numbers():
    assert typed("On 28 March 2019, 28 people came; by March 40 more, and 32 March.") == ["28", "40", "32"]
    assert typed("매년 100~200만 톤", "ko") == ["100", "200"]


def test_the_prose_check_reads_dates_in_the_sites_language():
    """The page's prose is checked in the language site.json gives (the store carries it), not always English."""
    from pathlib import Path
    from explainer.prose.markdown_stage import render_markdown
    from explainer.site_folder.pages import read_pages
    from explainer.store.facts import FactStore

    def typed_in_page(language: str) -> list[str]:
        text = "---\ntitle: Eine Seite\n---\nAm 4. Februar 1899 begann die Zählung.\n"
        pages, problems = read_pages({Path("content/page.md"): text})
        problems += render_markdown(pages, FactStore(language=language), {})
        return [problem.message.split('"')[1] for problem in problems]

    assert typed_in_page("de") == []
    assert typed_in_page("en") == ["4", "1899"]  # in English "4. Februar 1899" is no date


def test_the_prose_check_lets_periods_through_and_places_the_rest():
    _, problems = render("Since records began in 1899, and in the 1890s, 12 more came.\n")
    assert [(p.message.split('"')[1], p.line, p.col) for p in problems] == [("12", 4, 48)]


# --- a fact that is a year -----------------------------------------------------------------------------------------

def test_a_year_is_shown_without_a_group_separator_in_every_language():
    assert "year" in UNITS
    assert [format_value(1899, "year", language=language) for language in ("en", "de", "fr", "ko")] == ["1899"] * 4
    assert format_value(1899, "people") == "1,899"


def test_a_fact_may_be_a_year_and_is_checked_in_its_excerpt():
    began = source(excerpts=[{"id": "began", "text": "Since records began in 1899, births have never been lower"}])
    store, problems = load(sources=[began], facts=[fact(id="records-began", value=1899, unit="year",
                                                        excerpt="began")])
    assert problems == [] and check_fact_store(store) == []
    assert store.facts["records-began"].display == "1899"


# --- a mismatch says what the words do state -----------------------------------------------------------------------

def test_a_highlight_that_does_not_state_the_value_says_what_it_states():
    rate = source(excerpts=[{"id": "rate", "text": "The rate fell from 1.26 to 1.20 last year"}])
    store, problems = load(sources=[rate], facts=[fact(id="rate", value=1.21, unit="number", excerpt="rate",
                                                       highlight="1.20")])
    assert problems == []
    [problem] = check_fact_store(store)
    assert 'the highlighted words "1.20" do not state 1.21; they state 1.20.' in problem.message
    assert '"acknowledged"' in problem.message  # a fact may take the editor's word


def test_an_excerpt_that_does_not_state_the_value_lists_what_it_states():
    store, _ = load(facts=[fact(value=212)])
    [problem] = check_fact_store(store)
    assert 'does not state the value 212 of fact "jobs-2024": it states 2024 and 211;' in problem.message


def test_words_that_state_no_number_say_so():
    words = source(excerpts=[{"id": "jobs", "text": "Most of them held jobs"}])
    store, _ = load(sources=[words], facts=[fact(value=211, highlight="Most of them")])
    [problem] = check_fact_store(store)
    assert "they state no number." in problem.message


def test_a_series_row_is_told_what_rows_take_never_to_acknowledge():
    store, problems = load(**text_series([{"period": "2009", "total": 2914, "men": 663, "women": 2252}],
                                         sum_columns={}))
    assert problems == []
    [problem] = check_fact_store(store)
    assert problem.message.startswith('excerpt "counts" does not state the value 663 of arrivals 2009 (men): it '
                                      "states 2,914, 662 and 2,252;")
    assert 'A row takes no "acknowledged"' in problem.message and 'make its column "derived"' in problem.message
    assert "in the fact's \"acknowledged\"" not in problem.message
    acknowledging = {"period": "2009", "total": 2914, "men": 663, "women": 2252, "acknowledged": "as written"}
    _, problems = load(**text_series([acknowledging], sum_columns={}))  # which is right: rows refuse it
    assert ['"acknowledged", which is not a column' in p.message for p in problems] == [True]
