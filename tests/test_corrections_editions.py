"""Our corrections in an edition that was not the one corrected (issue 18): data/corrections.json quotes the
default (English) edition's words as they were published. A Korean page shows those words, marked lang="en" and
labelled as the English edition's words from the catalogue, never a translation in their place; our Korean
translation, where data/ gives one, follows them, labelled as ours as an excerpt's translation is. The English
pages are unchanged (tests/test_cli.py compares tiny.expected byte for byte)."""
from __future__ import annotations

import dataclasses
import json
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conftest import SITES
from explainer.pipeline import build
from explainer.site_folder.inputs import read_inputs
from explainer.store.loading import load_fact_store
from test_citations import tree

URL = "https://example.org/two/"
PLAIN = {"id": "arrivals-wording", "date": "2026-11-30", "pages": ["index"],
         "before": "Arrivals peaked in 2009.", "after": "Arrivals peaked in 2009, then fell.",
         "reason": {"en": "The fall was missing.", "ko": "감소가 빠져 있었다."}}
TRANSLATED = {"id": "people-wording", "date": "2026-11-30", "pages": ["index"],
              "before": {"en": "Fewer came in 2021.", "ko": "2021년에는 더 적게 왔다."},
              "after": "Fewer came in 2021 than in any year since 2001.",
              "reason": {"en": "The comparison was missing.", "ko": "비교가 빠져 있었다."}}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    """tests/sites/two-editions (English and Korean) with our two corrections, built with a url (the feed)."""
    root = tmp_path_factory.mktemp("corrections") / "two"
    shutil.copytree(SITES / "two-editions", root, ignore=shutil.ignore_patterns(".cache"))
    (root / "data" / "corrections.json").write_text(
        json.dumps({"corrections": [PLAIN, TRANSLATED]}, ensure_ascii=False), encoding="utf-8")
    inputs, problems = read_inputs(root)
    assert [p.format() for p in problems if p.severity == "error"] == []
    inputs = dataclasses.replace(inputs, settings=dataclasses.replace(inputs.settings, url=URL))
    result = build(inputs)
    assert [p.format() for p in result.problems if p.severity == "error"] == []
    assert not [p for p in result.problems if "people-wording" in p.message or "arrivals-wording" in p.message]
    return {path: data.decode("utf-8") for path, data in result.files.items() if path.endswith((".html", ".xml"))}


def entry(page: str, correction_id: str):
    return next(item for item in tree(page).one("ol", "own-corrections").elements()
                if item.attrs["id"] == correction_id)


def test_the_korean_corrections_page_quotes_the_english_words_marked_english_and_labelled(files):
    item = entry(files["ko/corrections.html"], "arrivals-wording")
    before, after = item.one("p", "correction-before"), item.one("p", "correction-after")
    assert before.one("q").attrs["lang"] == "en" and before.one("q").text() == "Arrivals peaked in 2009."
    assert after.one("q").attrs["lang"] == "en" and after.one("q").text() == "Arrivals peaked in 2009, then fell."
    for said in (before, after):
        assert said.one("span", "edition-words").text() == "(영어판 문장)"  # the catalogue's, in Korean
    assert before.text().startswith("정정 전 이 페이지의 내용:")
    assert item.one("p", "correction-reason").text() == "감소가 빠져 있었다."
    assert item.all("p", "translation") == []  # data/ gives no translation: none is shown


def test_our_korean_translation_follows_the_published_words_labelled_as_ours(files):
    item = entry(files["ko/corrections.html"], "people-wording")
    before = item.one("p", "correction-before")
    assert before.one("q").attrs["lang"] == "en" and before.one("q").text() == "Fewer came in 2021."  # as published
    translation = item.one("p", "correction-before-translation")
    assert translation.one("span", "translation-label").text() == "우리 번역(원문: 영어):"
    assert translation.text().endswith("2021년에는 더 적게 왔다.")
    assert "lang" not in translation.attrs  # in the page's language
    assert "2021년에는 더 적게 왔다." not in before.text()  # never quoted as what the page said
    html = files["ko/corrections.html"]
    assert html.index('class="correction-before"', html.index('id="people-wording"')) < html.index(
        'class="correction-before-translation') < html.index('class="correction-after"', html.index(
            'id="people-wording"'))


def test_the_english_page_quotes_its_own_words_without_label_or_translation(files):
    page = files["corrections.html"]
    for correction_id, words in (("arrivals-wording", "Arrivals peaked in 2009."),
                                 ("people-wording", "Fewer came in 2021.")):
        before = entry(page, correction_id).one("p", "correction-before")
        assert before.one("q").text() == words and "lang" not in before.one("q").attrs
    assert "edition-words" not in page and "2021년" not in page and "translation-label" not in page


def test_the_korean_chapter_links_its_corrections_by_their_english_words_marked_english(files):
    (line,) = tree(files["ko/index.html"]).all("p", "corrected-on")
    links = line.all("a")
    assert [a.attrs["href"] for a in links] == ["corrections.html#arrivals-wording", "corrections.html#people-wording"]
    for link, words in zip(links, ("“Arrivals peaked in 2009.”", "“Fewer came in 2021.”")):
        assert link.one("span").attrs["lang"] == "en" and link.one("span").text() == words
    (english,) = tree(files["index.html"]).all("p", "corrected-on")
    assert all(a.elements() == [] for a in english.all("a"))  # the English page: plain words, as before


def test_the_korean_feed_says_whose_words_it_quotes(files):
    A = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.fromstring(files["ko/corrections.xml"].encode()).findall(f"{A}entry")
    content = {item.find(f"{A}id").text.split("#")[1]: item.find(f"{A}content").text for item in entries}
    assert "“Fewer came in 2021.” (영어판 문장) 우리 번역(원문: 영어): 2021년에는 더 적게 왔다." in content["people-wording"]
    assert "“Arrivals peaked in 2009.” (영어판 문장) 바꾼 내용:" in content["arrivals-wording"]
    english = ElementTree.fromstring(files["corrections.xml"].encode()).find(f"{A}entry/{A}content").text
    assert "영어판" not in english and "2021년" not in english


def test_quoted_words_need_the_published_language_and_may_leave_out_a_translation():
    document = {"corrections": [{**TRANSLATED, "before": {"ko": "2021년에는 더 적게 왔다."}}, PLAIN]}
    _, problems = load_fact_store({Path("data/corrections.json"): json.dumps(document, ensure_ascii=False)},
                                  "en", ("en", "ko"))
    (problem,) = problems
    assert problem.severity == "error" and problem.path == Path("data/corrections.json")
    assert 'correction "people-wording": "before" gives no words in "en"' in problem.message
