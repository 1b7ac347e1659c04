"""Money and scale (store/units.py, store/numbers.py): a currency is a unit named with its ISO 4217 code
("currency:JPY"), written by Babel in the site's language; ":scale" writes a large value with CLDR's scale words
("¥3.5 trillion"); and every language reads "3.5 trillion", "3兆5000億円" and "3.5조" as the one value 3.5e12,
never as 3.5."""
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, strategies as st

from explainer.store.checks import check_fact_store
from explainer.store.loading import load_fact_store
from explainer.store.numbers import format_value, numbers_in, states
from explainer.store.schema import UNIT
from explainer.store.units import unit_named

NO_BREAK_SPACE = "\u00a0"

# https://english.kyodonews.net/news/2023/05/c02f8a20abbd-kishida-eyes-japans-child-care-budget-boost-of-about-35-tril-yen.html
KYODO = ("Prime Minister Fumio Kishida instructed his ministers on Wednesday to increase Japan's annual child care "
         "budget by around 3.5 trillion yen ($25 billion) during a three-year target period to cope with the "
         "declining birth rate.")
# https://news.ntv.co.jp/category/politics/695bf9d052f7499e833620ccafd7244a
NTV = "2030年代初頭までに、今の4兆7000億円のこども家庭庁の予算倍増を目指すことを明記しました。"
# https://alook.so/posts/RGtWGL
ALOOK = "2020년 기준 신생아 수는 약 27만명, 관련 예산은 35조7천억원."
# https://news.zum.com/articles/87911793
ZUM = "그 이후 지금까지 무려 280조 원을 쏟아부었는데도, 사람들이 느끼는 것은 크게 달라진 게 없었고"


# Writing money and scale ------------------------------------------------------------------------------------------

def test_money_is_written_with_the_currency_symbol_of_the_sites_language():
    assert format_value(3500000000000, "currency:JPY") == "¥3,500,000,000,000"
    assert format_value(3500000000000, "currency:JPY", language="de") == f"3.500.000.000.000{NO_BREAK_SPACE}¥"
    assert format_value(3500000000000, "currency:JPY", language="ko") == "JP¥3,500,000,000,000"
    assert format_value(25, "currency:USD", approximate=True) == "about $25"
    assert format_value(-3, "currency:KRW", language="ko") == "-₩3"


def test_the_scale_display_uses_cldr_scale_words_in_the_sites_language():
    assert format_value(3.5e12, "currency:JPY:scale") == "¥3.5 trillion"
    assert format_value(3.5e12, "currency:JPY:scale", language="ko") == "JP¥3.5조"
    assert format_value(3.5e12, "currency:JPY:scale", language="ja") == "￥3.5兆"
    assert format_value(3.5e12, "currency:JPY:scale", language="de") == f"3,5 Billionen{NO_BREAK_SPACE}¥"
    assert format_value(25e9, "number:scale") == "25 billion"
    assert format_value(-2.2e6, "number:scale", language="fr") == "-2,2\u00a0millions".replace("\u00a0", " ")


def test_the_scale_display_never_rounds():
    # A value the scale words cannot write in two decimals is written in full, as its source states it.
    assert format_value(848659, "people:scale") == "848,659"
    assert format_value(3612345678901, "currency:JPY:scale") == "¥3,612,345,678,901"
    assert format_value(3.61e12, "currency:JPY:scale") == "¥3.61 trillion"
    assert format_value(999, "number:scale") == "999"  # below the first scale word


def test_percentages_have_no_scale_and_unknown_currencies_are_plain_numbers():
    assert unit_named("percent:scale").scale is False
    assert format_value(2914, "currency:XYZ") == "2,914"  # a chart module's column is not checked by the schema


# The one reading rule -------------------------------------------------------------------------------------------

def test_a_number_with_a_scale_word_states_the_scaled_value_only_in_every_language():
    assert states(KYODO, 3.5e12, "en") and not states(KYODO, 3.5, "en")
    assert states(KYODO, 25e9, "en") and not states(KYODO, 25, "en")
    assert states(NTV, 4.7e12, "ja") and not states(NTV, 4, "ja") and not states(NTV, 7000, "ja")
    assert states(ALOOK, 35.7e12, "ko") and not states(ALOOK, 35, "ko")
    assert states(ZUM, 280e12, "ko") and not states(ZUM, 280, "ko")


@pytest.mark.parametrize("language", ["en", "de", "fr", "is", "ja", "ko", "zh", "zh-Hant", "es", "tr"])
@given(mantissa=st.integers(1, 999), exponent=st.integers(0, 14), tenths=st.integers(0, 9),
       unit=st.sampled_from(["number:scale", "currency:JPY:scale", "currency:KRW", "people"]))
def test_every_written_amount_is_read_back_as_its_value(language, mantissa, exponent, tenths, unit):
    value = float(Decimal(mantissa * 10 + tenths) * Decimal(10) ** exponent)
    written = format_value(value, unit, decimals=0, language=language)
    assert Decimal(str(value)) in numbers_in(written, language), written


# The fact store ---------------------------------------------------------------------------------------------------

def _store(value, unit, text=KYODO, language="en", site_language="en"):
    source = {"id": "kyodo", "title": "Kishida eyes child care budget boost", "publisher": "Kyodo News",
              "url": "https://english.kyodonews.net/", "published": "2023-05-31", "accessed": "2026-12-05",
              "language": language, "excerpts": [{"id": "budget", "text": text, "translation": "ours"}]}
    facts = {"facts": [{"id": "child-care-budget", "label": "Annual child care budget increase", "value": value,
                        "unit": unit, "as_of": "2023-05", "source": "kyodo", "excerpt": "budget"}]}
    files = {Path("data/sources/kyodo.json"): json.dumps(source), Path("data/facts/money.json"): json.dumps(facts)}
    store, problems = load_fact_store(files, site_language)
    return store, problems + check_fact_store(store)


def test_a_fact_in_yen_is_checked_against_its_excerpt_and_shown_in_scale():
    store, problems = _store(3.5e12, "currency:JPY:scale")
    assert problems == [], [problem.format() for problem in problems]
    assert store.facts["child-care-budget"].display == "¥3.5 trillion"
    store, problems = _store(3.5e12, "currency:JPY:scale", site_language="ko")
    assert store.facts["child-care-budget"].display == "JP¥3.5조"


def test_the_excerpt_does_not_state_the_scaled_number_alone():
    _, problems = _store(3.5, "currency:JPY")
    assert [problem.severity for problem in problems] == ["warning"]
    assert "does not state the value 3.5" in problems[0].message


@pytest.mark.parametrize("name", ["people", "number:scale", "currency:JPY", "currency:KRW:scale", "percent"])
def test_the_schema_accepts_units_of_the_table(name):
    assert list(jsonschema.Draft202012Validator(UNIT).iter_errors(name)) == []


@pytest.mark.parametrize("name, says", [
    ("peple", "people, percent, percentage-points"), ("currency", "currency:<ISO 4217 code>"),
    ("currency:yen", "currency:<ISO 4217 code in capitals"), ("currency:XYZ", "JPY, KRW, USD"),
    ("percent:scale", "<any unit but percent>:scale"), ("people:thousands", "<any unit but percent>:scale")])
def test_other_unit_names_are_errors_at_the_unit_that_say_what_to_write(name, says):
    facts = {"facts": [{"id": "budget", "label": "Budget", "value": 1, "unit": name, "as_of": "2023"}]}
    _, problems = load_fact_store({Path("data/facts/money.json"): json.dumps(facts)})
    assert [problem.message.split(":")[0] for problem in problems] == ["facts/0/unit"]
    assert "is not one of the allowed values" in problems[0].message and says in problems[0].message
