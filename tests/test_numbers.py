"""Formatting figures for the site's language, and reading the numbers a quote states in the quote's language:
group separators, decimal commas, scale words, Korean units, minus signs; acknowledged values; a site in
Icelandic (tests/sites/iceland) built end to end."""
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from conftest import PROJECT, SITES, build_to
from explainer.store.checks import check_fact_store
from explainer.site_folder.inputs import read_inputs
from explainer.store.number_reading import locale_for
from explainer.store.numbers import format_value, is_year, numbers_in, numbers_with_spans, states, value_span
from explainer.store.loading import load_fact_store

ICELAND = SITES / "iceland"
NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE, MINUS = "\u202f", "\u00a0", "\u2212"


# Formatting ------------------------------------------------------------------------------------------------------

def test_formats_counts_percentages_and_approximations():
    assert format_value(2914, "people") == "2,914"
    assert format_value(1.22, "percent") == "1.22%"
    assert format_value(30000, "people", approximate=True) == "about 30,000"
    assert format_value(89.0, "percent", decimals=1) == "89.0%"
    assert format_value(3.0, "percentage-points", decimals=1) == "3.0 percentage points"


def test_formats_for_the_sites_language():
    assert [format_value(2914, "people", language=tag) for tag in ("en", "de", "fr", "is")] == \
        ["2,914", "2.914", f"2{NARROW_NO_BREAK_SPACE}914", "2.914"]
    assert format_value(43.7, "percent", decimals=1, language="is") == "43,7%"
    assert format_value(12, "percent", language="de") == f"12{NO_BREAK_SPACE}%"
    assert format_value(1234567.891, "number", decimals=2, language="de-CH") == "1’234’567.89"
    assert format_value(-5.1, "percent", language="nb") == f"{MINUS}5,1{NO_BREAK_SPACE}%"


@given(st.one_of(st.integers(min_value=-10**12, max_value=10**12),
                 st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)),
       st.sampled_from([None, 0, 1, 2, 3]), st.sampled_from(["people", "percent", "percentage-points"]))
def test_english_formatting_is_what_python_wrote_before_babel(value, decimals, unit):
    """The first site must render byte for byte as before: CLDR's English pattern, rounded as Python rounds."""
    places = len(repr(value).split(".")[1]) if decimals is None and "." in repr(value) and "e" not in repr(value) \
        else decimals or 0
    expected = f"{value:,.{places}f}" + {"percent": "%", "percentage-points": " percentage points"}.get(unit, "")
    assert format_value(value, unit, decimals) == expected


@pytest.mark.parametrize("language", ["en", "de", "fr", "is", "ko", "pt-BR", "de-CH", "nb"])
@given(value=st.integers(min_value=0, max_value=10**9))
def test_every_count_formatted_in_a_language_is_read_back_in_it(language, value):
    assert states(format_value(value, "people", language=language), value, language)


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_every_formatted_percentage_is_read_back(value):
    for language in ("en", "de", "fr", "is"):
        assert states(format_value(float(value), "percent", decimals=2, language=language), float(value), language)


# Reading, by the excerpt's language ------------------------------------------------------------------------------

def test_reads_digits_with_separators_and_decimals():
    assert {Decimal("2914"), Decimal("1.22"), Decimal("10985")} <= numbers_in("2,914 and 1.22 percent of 10,985", "en")


def test_states_compares_values_not_spellings():
    assert states("women were 89.0% of arrivals", 89, "en")
    assert states("about five times higher", 5, "en")
    assert not states("211 held jobs", 212, "en")
    assert not states("2,914 in 2009", 291, "en")


def test_icelandic_dot_thousands_decimal_comma_and_scale_words():
    text = "Alls 2.315.925 ferðamenn, 478.510 í júlí, 5,5 og 43,7%, um 1,3 milljónir, 464 þúsund, 2 milljarðar"
    assert {Decimal("2315925"), Decimal("478510"), Decimal("5.5"), Decimal("43.7"), Decimal("1300000"),
            Decimal("464000"), Decimal("2000000000")} <= numbers_in(text, "is")
    assert states("1,3 milljónum farþega", 1300000, "is")  # an inflected form of "milljón"


def test_english_scale_words():
    text = "around 2.2 million visitors, 459 thousand in summer and 1.3 billion in spending"
    assert {Decimal("2200000"), Decimal("459000"), Decimal("1300000000")} <= numbers_in(text, "en")
    assert value_span(text, 2200000, "en") == (7, 18)  # all of "2.2 million" is highlighted


def test_german_and_french_forms():
    assert states("2,3 Millionen Übernachtungen, 12 % mehr", 2300000, "de")
    assert states("2,3 Millionen Übernachtungen, 12 % mehr", 12, "de")
    assert states("1.234 Gäste", 1234, "de")
    assert states("1,2 million de nuitées", 1200000, "fr")
    assert states(f"2{NARROW_NO_BREAK_SPACE}914 chambres, 8,5{NO_BREAK_SPACE}%", 2914, "fr")
    assert states(f"2{NARROW_NO_BREAK_SPACE}914 chambres, 8,5{NO_BREAK_SPACE}%", 8.5, "fr")
    assert states("1'234 Franken", 1234, "de-CH") and states("1’234.5 Franken", 1234.5, "de-CH")


def test_korean_units_keep_working():
    found = numbers_in("누적 탈북민 수는 총 3만 4314명(남 9568명·여 2만 4746명)", "ko")
    assert Decimal("34314") in found and Decimal("24746") in found
    assert Decimal("34538") in numbers_in("2만4천 538명", "ko") | numbers_in("3만4천538명", "ko")
    assert states("3만 4천 명", 34000, "ko") and states("1억 원", 100000000, "ko")
    assert states("1억 2천만 원", 120000000, "ko") and states("3,500만 원", 35000000, "ko")
    assert value_span("누적 3만 4314명", 34314, "ko") == (3, 10)


def test_the_decimal_symbol_of_the_language_decides_an_ambiguous_comma():
    """"1,234" is 1.234 in German and 1234 in English, never both: a German source is read as German."""
    assert states("1,234", 1.234, "de") and not states("1,234", 1234, "de")
    assert states("1,234", 1234, "en") and not states("1,234", 1.234, "en")
    assert states("1.234", 1234, "de") and not states("1.234", 1234, "en")


def test_a_wrong_value_is_still_caught():
    assert not states("Alls 2.315.925 ferðamenn", 2315926, "is")
    assert not states("Alls 2.315.925 ferðamenn", 2.315925, "is")  # not an English reading of the dots
    assert not states("1,3 milljónir farþega", 1400000, "is")
    assert not states("2,3 Millionen", 2300, "de")
    assert not states("3만 4314명", 34315, "ko")
    assert not states("around 2.2 million", 2100000, "en")


def test_negative_values():
    assert states(f"the share fell to {MINUS}5.1%", -5.1, "en")
    assert not states(f"the share fell to {MINUS}5.1%", 5.1, "en")  # a minus sign is a sign, not a dash
    assert states("a balance of -12", -12, "en") and states("a balance of -12", 12, "en")  # or a dash
    assert not states("10-12 people", -12, "en") and not states("COVID-19", -19, "en")


def test_unknown_language_tags_fall_back_to_the_language_then_english():
    assert str(locale_for("pt-BR")) == "pt_BR" and str(locale_for("en-XX")) == "en"
    assert str(locale_for("qq")) == "en" and str(locale_for("is-IS-x-private")) == "is"
    assert states("2.914", 2914, "is-XX")


@given(st.text(st.sampled_from(list("0123456789٣,. \u202f\u00a0'’-−%만천억万千þúsundmillionMillionen²\x00"))) | st.text(),
       st.sampled_from(["en", "de", "fr", "is", "ko", "zh", "ja", "en-IN", "qq"]))
def test_any_text_in_any_language_is_read_without_error(text, language):
    for start, end, _ in numbers_with_spans(text, language):
        assert 0 <= start < end <= len(text)


def test_years_are_four_digit_numbers_in_range():
    assert is_year("2009") and not is_year("2,009") and not is_year("1234") and not is_year("211")


# The check, acknowledgements and a site in Icelandic --------------------------------------------------------------

def _load_iceland(edit=None):
    inputs, problems = read_inputs(ICELAND)
    assert not problems
    data = dict(inputs.data)
    if edit:
        path = next(path for path in data if path.name == "ferdamenn.json")
        document = json.loads(data[path])
        edit({item["id"]: item for item in document["facts"]})
        data[path] = json.dumps(document, ensure_ascii=False, indent=1)
    store, problems = load_fact_store(data, inputs.settings.language)
    return store, problems + check_fact_store(store)


def test_icelandic_german_french_and_english_excerpts_state_their_values():
    store, problems = _load_iceland()
    assert problems == [], [p.format() for p in problems]
    assert store.facts["visitors-2018"].display == "2.315.925"  # in the site's language


def test_a_wrong_value_in_an_icelandic_excerpt_is_a_warning():
    store, problems = _load_iceland(lambda facts: facts["visitors-2018"].update(value=2315952))
    assert [p.message for p in problems] == [
        'excerpt "gestir" does not state the value 2315952 of fact "visitors-2018": it states 2.315.925, 2018 and '
        '478.510; point at the excerpt that gives this figure, or correct the value. If the words state it in a form no parser reads ("two-thirds", '
        '"a record"), say how the value follows from them in the fact\'s "acknowledged".']
    assert problems[0].severity == "warning"


def test_without_its_acknowledgement_an_unreadable_value_is_a_warning():
    store, problems = _load_iceland(lambda facts: facts["rooms-booked"].pop("acknowledged"))
    assert [p.message.split(":")[0] for p in problems] == ['fact "rooms-booked"']
    assert 'highlighted words "Two-thirds of the 2,914 hotel rooms" do not state 1943' in problems[0].message


def test_an_acknowledgement_of_a_value_the_build_reads_is_a_warning_to_remove_it():
    store, problems = _load_iceland(lambda facts: facts["visitors-2018"].update(acknowledged="as written"))
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert problems[0].message.startswith('excerpt "gestir" state 2315925 in a form the build reads: remove '
                                          '"acknowledged"')
    assert problems[0].source_line.strip().startswith('"acknowledged": "as written"')


def run(*arguments):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)


def test_the_icelandic_site_passes_strict_and_check_lists_its_acknowledgement(tmp_path):
    root = tmp_path / "iceland"
    shutil.copytree(ICELAND, root)
    built = run("--root", root, "--out", tmp_path / "out", "--strict", "--url", "https://example.org/iceland/")
    assert built.returncode == 0 and "warning" not in built.stderr, built.stderr
    assert "acknowledged" not in built.stdout  # only `check` lists them
    checked = run("check", "--root", root)
    assert checked.returncode == 0, checked.stderr
    lines = checked.stdout.splitlines()
    assert lines[1:] == ["1 acknowledged value(s), stated in words the build cannot read:",
                         "data/facts/ferdamenn.json:21:6: rooms-booked: two-thirds of 2,914 rooms, rounded"]
    text = (root / "data/facts/ferdamenn.json").read_text(encoding="utf-8").splitlines()[20]
    assert text[5:].startswith('"acknowledged"')


def test_the_icelandic_site_writes_its_values_in_icelandic_and_tags_each_excerpt(tmp_path):
    build_to(ICELAND, tmp_path / "out")
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    values = re.findall(r'class="card-value">([^<]*)<', page)
    assert values[:4] == ["2.315.925", "478.510", "43,7%", "5,5%"] and "1.943" in values
    assert '<html lang="is"' in page
    assert re.search(r'<q class="excerpt-text" lang="fr-FR">Les Islandais ont passé <mark>1,2 million</mark>', page)
    assert '<mark>2,3 Millionen</mark>' in page and '<mark>1,3 milljónir</mark>' in page
