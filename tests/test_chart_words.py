"""A chart's words in each edition, from one chart module (issue 18, item 4): the module's WORDS table written in
the store's language by words(store, WORDS), falling back to the site's default language with a warning at the
line that asked; the Korean and English runs of one module kept apart by the chart cache."""
from __future__ import annotations

import html
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.charts import speaking_for, words
from explainer.charts.chart_words import ChartWordsError
from explainer.store.facts import FactStore
from test_incremental_equals_clean import clean_cli_build, describe, run_cli, tree, vega_runtime_made_once

__all__ = ["vega_runtime_made_once"]  # the fixture, used by the build tests here (autouse)

WORDS = {
    "peak": {"en": ("Peak:", "{n} in {year}"), "ko": ("정점:", "{year}년 {n}명")},
    "year": {"en": "Year", "ko": "연도"},
    "english_only": {"en": "Women (%)"},
    "korean_only": {"ko": "연도"},
    "dropped": {"en": "{n} in {year}", "ko": "{year}년"},
}


def test_an_entry_is_written_in_the_store_s_language_with_its_own_word_order():
    say = words(FactStore(language="ko"), WORDS)
    assert say("peak", n="2,914", year="2009") == ("정점:", "2009년 2,914명")
    assert say("year") == "연도"
    assert words(FactStore(language="ko-KR"), WORDS)("year") == "연도"  # the same language
    assert words(FactStore(language="en"), WORDS)("peak", n="2,914", year="2009") == ("Peak:", "2,914 in 2009")


def test_a_missing_language_falls_back_to_the_default_with_a_warning_at_the_asking_line():
    with speaking_for("en") as warnings:
        say = words(FactStore(language="ko"), WORDS)
        asked = sys._getframe().f_lineno + 1
        shown = say("english_only")
        say("english_only")  # asked again (in a loop, say): one warning
    assert shown == "Women (%)"
    assert [(warning.path, warning.line, warning.severity) for warning in warnings] == [
        (Path(__file__), asked, "warning")]
    assert 'WORDS["english_only"] has no "ko" words' in warnings[0].message
    assert warnings[0].stops_build(strict=True)


@pytest.mark.parametrize("language, name, values, wanted", [
    ("en", "korean_only", {}, 'no words in "en", the site\'s language'),
    ("ko", "yaer", {}, 'WORDS has no entry "yaer"'),
    ("ko", "peak", {"n": "2,914"}, "give year=…"),
    ("ko", "dropped", {"n": "2,914", "year": "2009"}, 'the "ko" words fill in {year}, the "en" words {n}, {year}'),
])
def test_words_that_cannot_be_written_are_an_error(language, name, values, wanted):
    with speaking_for("en"), pytest.raises(ChartWordsError, match=re.escape(wanted)):
        words(FactStore(language=language), WORDS)(name, **values)


def _figure(page: bytes) -> str:
    text = page.decode("utf-8")
    return html.unescape(text[text.index("<figure"):text.index("</figure>")])


@pytest.fixture
def two(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "two-editions", root, ignore=shutil.ignore_patterns(".cache"))
    return root


@pytest.mark.slow
def test_each_edition_s_chart_speaks_its_language_and_cached_equals_clean(two, tmp_path):
    out = tmp_path / "out"
    for _ in range(2):  # the second build takes every chart's result from the first's cache
        code, printed = run_cli("--root", str(two), "--out", str(out), "--url", "https://example.org/x/")
        assert code == 0, printed
    assert "0 rendered" in printed, printed
    site = tree(out)
    english, korean = _figure(site["index.html"]), _figure(site["ko/index.html"])
    assert "most North Koreans reaching the South have been women" in english
    assert 'alt="Line chart of the percentage of women among arrivals' in english
    assert '<th scope="col">Year</th><th scope="col">Women</th><th scope="col">All arrivals</th>' in english
    assert not re.search(r"[\uac00-\ud7a3]", english.split('class="chart-source"')[0])  # no Hangul before the sources
    assert "남한에 도착한 북한 주민의 대다수는 여성이었다" in korean
    assert 'alt="2002년부터 2025년까지 해마다 입국 인원 중 여성 비율을 나타낸 선 차트.' in korean
    assert '<th scope="col">연도</th><th scope="col">여성</th><th scope="col">전체 입국 인원</th>' in korean
    assert "Women" not in korean and "Line chart" not in korean
    download = json.loads(site["ko/charts/women_share.json"])
    assert "여성이었다" in download["title"] and [column["label"] for column in download["columns"]][0] == "연도"
    clean_code, clean_printed, clean = clean_cli_build(two, tmp_path / "clean", "--url", "https://example.org/x/")
    assert clean_code == 0, clean_printed
    assert site == clean, describe(site, clean)


@pytest.mark.slow
def test_a_word_without_the_edition_s_language_stops_a_strict_build_naming_module_and_word(two, tmp_path):
    (two / "charts").mkdir()
    module = (PROJECT / "charts" / "women_share.py").read_text(encoding="utf-8")
    korean = '\n                   "ko": "{first_majority_year}년 이후 {dips}년을 제외하면 남한에 도착한 북한 주민의 대다수는 여성이었다"},'
    assert korean in module
    module = module.replace(korean, "},", 1)
    (two / "charts" / "women_share.py").write_text(module, encoding="utf-8")
    line = next(number for number, text in enumerate(module.splitlines(), 1) if 'say("title_dips"' in text)
    code, printed = run_cli("--root", str(two), "--out", str(tmp_path / "out"), "--url", "https://example.org/x/",
                            "--strict")
    assert code != 0
    assert f'charts/women_share.py:{line}:1: error: WORDS["title_dips"] has no "ko" words' in printed, printed
