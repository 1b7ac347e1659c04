"""Every word in its language (issue 18): the theme's words from locale/ko's catalogue, data/'s words per language
(facts.Text: a string in the site's language or {"en": …, "ko": …}), shown in the language of the page's edition
with the default language's words and a warning where one is missing, and figures, units and dates written in
the page's language."""
from __future__ import annotations

import json
import pickle
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from conftest import PROJECT
from explainer.pipeline import build
from explainer.render import words
from explainer.render.cards import fact_card, html
from explainer.site_folder.inputs import read_inputs
from explainer.store.dates import date_label
from explainer.incremental import kept_pickle
from explainer.store.facts import Text, record_fingerprint
from explainer.store.loading import load_fact_store
from explainer.store.numbers import format_value

POT = PROJECT / "locale" / "messages.pot"
KO_CATALOGUE = PROJECT / "locale" / "ko" / "LC_MESSAGES" / "messages.po"


# --- Text: one field, its words per language -------------------------------------------------------------------

def test_a_string_is_the_default_languages_words_and_an_object_gives_each_language():
    plain = Text.from_json("Arrivals", "en")
    assert plain == "Arrivals" and repr(plain) == repr("Arrivals")  # as before: what records' fingerprints read
    assert plain.in_language("ko") is None and plain.in_language("ko", "fallback") == "fallback"
    both = Text.from_json({"en": "Arrivals", "ko": "입국 인원"}, "en")
    assert both == "Arrivals" and both.in_language("ko") == "입국 인원" and both.in_language("ko-KR") == "입국 인원"
    assert both.shown_in("ko") == "입국 인원" and both.shown_in("ko").in_language("en") == "Arrivals"
    assert plain.shown_in("ko") == "Arrivals"  # a missing language: the default language's words
    only_korean = Text.from_json({"ko": "우리 번역"}, "en")  # the translation of an English excerpt
    assert only_korean == "" and not only_korean and only_korean.shown_in("ko") == "우리 번역"
    assert Text.from_json(None, "en") is None
    for copied in (pickle.loads(pickle.dumps(both)), kept_pickle.loads(kept_pickle.dumps(both))):  # the Markdown
        # workers; the kept build, which refuses anything but plain data and the engine's records
        assert isinstance(copied, Text) and copied.languages == both.languages and copied.default == "en"
    # A record's fingerprint sees every language, so an edited Korean label is a changed fact.
    assert record_fingerprint(both) != record_fingerprint(Text.from_json({"en": "Arrivals", "ko": "입국"}, "en"))


# --- data/: every field kind, read in each edition -----------------------------------------------------------------

def both(en: str, ko: str) -> dict:
    return {"en": en, "ko": ko}


SOURCE = {"id": "news", "title": "정부 통계", "language": "ko", "publisher": "Example News",
          "title_translation": both("Government statistics", "—"), "published": "2025-05-16",
          "accessed": "2026-11-22", "url": "https://example.org/news", "note": both("Our note.", "우리 메모."),
          "excerpts": [{"id": "jobs", "text": "공공부문에 근무하는 북한이탈주민은 211명",
                        "translation": both("211 North Korean defectors work in the public sector", "쓰이지 않음")},
                       {"id": "rise", "text": "전년보다 17명 늘어난 수치", "translation": "17 more than the year before"}]}
ENGLISH_SOURCE = {"id": "wire", "title": "Defectors at work", "publisher": "Example Wire", "published": "2025-05-16",
                  "accessed": "2026-11-22", "title_translation": {"ko": "일하는 탈북민"},
                  "excerpts": [{"id": "share", "text": "1.22 percent out of 10,985",
                                "translation": {"ko": "10,985명 가운데 1.22퍼센트"}},
                               {"id": "plain", "text": "There are 2,914 arrivals"}]}
FACTS = {"facts": [
    {"id": "jobs", "value": 211, "unit": "people", "label": both("Defectors in public-sector jobs", "공공부문 근무 탈북민"),
     "note": both("A count at year's end.", "연말 집계."), "as_of": "2024-12-31", "source": "news", "excerpt": "jobs",
     "corrections": [{"value": 210, "date": "2025-09-01", "reason": both("We misread it.", "잘못 읽었습니다."),
                      "source": "news", "excerpt": "jobs"}]},
    {"id": "share", "value": 1.22, "unit": "percent", "label": "Elite share", "as_of": "2024",
     "source": "wire", "excerpt": "share"},
    {"id": "arrivals", "value": 2914, "unit": "people", "label": both("Arrivals", "입국 인원"), "as_of": "2009",
     "source": "wire", "excerpt": "plain"}]}
SERIES = {"id": "arrivals-by-year", "title": both("Arrivals by year", "연도별 입국 인원"),
          "description": both("Counted by the ministry.", "통일부 집계."), "key": "year",
          "columns": [{"name": "year", "label": both("Year", "연도")},
                      {"name": "total", "label": both("Arrivals", "입국 인원"), "unit": "people"}],
          "source": "wire", "excerpt": "plain",
          "rows": [{"year": "2009", "total": 2914, "note": both("The peak.", "최고치.")}]}
CLAIMS = {"claims": [{"id": "jobs-claim", "source": "news", "excerpt": "jobs", "verdict": "correct",
                      "finding": both("The same total.", "같은 합계입니다."), "key": "211",
                      "evidence": [{"source": "news", "excerpt": "jobs"}]}]}
CORRECTIONS = {"corrections": [{"id": "wording", "date": "2026-03-02", "pages": ["index"], "before": "Rose.",
                                "after": "Rose in 2024.", "reason": both("The year was missing.", "연도가 빠졌습니다.")}]}


def data_files(**changed) -> dict[Path, str]:
    records = {"data/sources/news.json": SOURCE, "data/sources/wire.json": ENGLISH_SOURCE,
               "data/facts/main.json": FACTS, "data/series/arrivals-by-year.json": SERIES,
               "data/claims.json": CLAIMS, "data/corrections.json": CORRECTIONS, **changed}
    return {Path(path): json.dumps(record, ensure_ascii=False, indent=1) for path, record in records.items()}


def loaded(files=None, editions=("en", "ko")):
    store, problems = load_fact_store(files or data_files(), "en", editions)
    assert [p.format() for p in problems if p.severity == "error"] == []
    return store, problems


def test_every_field_kind_is_shown_in_the_editions_language():
    english, problems = loaded()
    korean = english.in_language("ko")
    fact, series, source = korean.facts["jobs"], korean.series["arrivals-by-year"], korean.sources["news"]
    assert (english.facts["jobs"].label, fact.label) == ("Defectors in public-sector jobs", "공공부문 근무 탈북민")
    assert (english.facts["jobs"].note, fact.note) == ("A count at year's end.", "연말 집계.")
    assert fact.corrections[0].reason == "잘못 읽었습니다."
    assert (series.title, series.description) == ("연도별 입국 인원", "통일부 집계.")
    assert [column.label for column in series.columns] == ["연도", "입국 인원"] and series.rows[0].note == "최고치."
    assert korean.claims["jobs-claim"].finding == "같은 합계입니다."
    assert korean.site_corrections["wording"].reason == "연도가 빠졌습니다."
    assert source.note == "우리 메모."
    # Words in the edition's own language need no translation there; others carry ours.
    assert source.title_translation is None and source.excerpts["jobs"].translation is None
    assert english.sources["news"].excerpts["jobs"].translation == "211 North Korean defectors work in the public sector"
    wire = korean.sources["wire"]
    assert wire.title_translation == "일하는 탈북민" and wire.excerpts["share"].translation == "10,985명 가운데 1.22퍼센트"
    assert not english.sources["wire"].excerpts["share"].translation  # English needs no English translation
    # Each record is still one record: the same figure and excerpt in every edition.
    assert fact.value == english.facts["jobs"].value and source.excerpts["jobs"].text == SOURCE["excerpts"][0]["text"]
    assert english.in_language("en") is english


def test_a_missing_language_falls_back_to_the_default_words_with_a_warning_naming_field_and_language():
    store, problems = loaded()
    warnings = [p.message for p in problems if p.severity == "warning"]
    # The fact "share" has a plain English label; the English excerpt "plain" no Korean translation; the Korean
    # excerpt "rise" needs none in Korean, only its English one.
    assert any('fact "share": "label" has no "ko" words' in message for message in warnings), warnings
    assert any('excerpt "plain": "translation" has no "ko" translation' in message and "shows nothing" in message
               for message in warnings)
    assert not any('"jobs"' in message or '"rise"' in message for message in warnings)
    assert all(p.stops_build(strict=True) and not p.stops_build(strict=False)
               for p in problems if p.severity == "warning")
    assert store.in_language("ko").facts["share"].label == "Elite share"  # the default language's words
    assert store.in_language("ko").sources["news"].excerpts["rise"].translation is None
    assert store.sources["news"].excerpts["rise"].translation == "17 more than the year before"
    # One edition: nothing to say.
    assert [p for p in loaded(editions=("en",))[1] if "has no" in p.message] == []


def test_an_object_without_the_default_language_is_an_error_and_a_foreign_excerpt_needs_the_default_translation():
    label_only_korean = {**FACTS, "facts": [{**FACTS["facts"][1], "label": {"ko": "엘리트 비율"}}]}
    store, problems = load_fact_store(data_files(**{"data/facts/main.json": label_only_korean}), "en", ("en", "ko"))
    errors = [p.message for p in problems if p.severity == "error"]
    assert any('"label" gives no words in "en"' in message for message in errors), errors
    korean_only = {**SOURCE, "excerpts": [{**SOURCE["excerpts"][0], "translation": {"ko": "x"}}, SOURCE["excerpts"][1]]}
    store, problems = load_fact_store(data_files(**{"data/sources/news.json": korean_only}), "en", ("en", "ko"))
    assert any('add a "translation" into the site\'s language ("en")' in p.message and p.severity == "error"
               for p in problems)


@pytest.mark.parametrize("raw", [{"en": 3}, {"not a tag": "x"}, {}, 3])
def test_a_wrong_words_object_is_a_schema_error_at_its_place(raw):
    facts = {"facts": [{**FACTS["facts"][1], "label": raw}]}
    files = data_files(**{"data/facts/main.json": facts})
    problems = load_fact_store(files, "en", ("en", "ko"))[1]
    assert any(p.path == Path("data/facts/main.json") and p.severity == "error" and p.line > 1 for p in problems)


# --- figures, units and dates in the page's language ---------------------------------------------------------------

def test_a_fact_is_written_in_the_language_of_the_page_showing_it():
    store, _ = loaded()
    korean = store.in_language("ko")
    assert store.facts["share"].display == "1.22%" and korean.facts["share"].display == "1.22%"
    assert store.facts["jobs"].display_in("ko") == korean.facts["jobs"].display == "211"  # the prose writes 명
    assert format_value(2.9, "times", 1, False, "ko") == "2.9배"
    assert format_value(3.0, "percentage-points", 1, False, "ko") == "3.0퍼센트포인트"
    assert format_value(30000, "people", None, True, "ko") == "약 30,000"
    assert format_value(3.0, "percentage-points", 1, True, "en") == "about 3.0 percentage points"
    with words.speaking("ko"):
        assert (date_label("2025-12-31"), date_label("2025-05"), date_label("2025")) == (
            "2025년 12월 31일", "2025년 5월", "2025년")


def test_a_card_of_an_edition_shows_its_words_figures_and_data_in_its_language():
    store, _ = loaded()
    with words.speaking("ko"):
        card = html(fact_card(store.in_language("ko").facts["jobs"], store.in_language("ko"), "card-1"))
    assert "공공부문 근무 탈북민" in card and "2024년 12월 31일" in card and "출처:" in card
    assert "Source:" not in card and "Defectors in public-sector jobs" not in card
    english = html(fact_card(store.facts["jobs"], store, "card-1"))
    assert "Source:" in english and "31 December 2024" in english


# --- the catalogue --------------------------------------------------------------------------------------------------

def test_every_message_of_the_template_has_a_korean_translation_and_none_is_fuzzy():
    assert words.catalogue_problems("ko") == [], [p.message for p in words.catalogue_problems("ko")]
    with KO_CATALOGUE.open("rb") as po:
        header = po.read().decode("utf-8").split("msgid")[0]
    assert "translation is ours" in header
    assert not list(KO_CATALOGUE.parent.glob("*.mo"))  # compiled at build time
    assert words.words_for("ko").language == "ko" and words.catalogue_problems("en") == []


def test_a_missing_or_fuzzy_message_is_a_warning_naming_the_msgid_and_the_po_file(tmp_path, monkeypatch):
    with POT.open("rb") as pot:
        template = read_po(pot)
    catalogue = Catalog(locale="de", domain="messages", fuzzy=False)
    for message in template:
        if message.id and message.id not in ("Sources", "Previous"):
            catalogue.add(message.id, ("x",) * catalogue.num_plurals if isinstance(message.id, tuple) else "x",
                          context=message.context,
                          flags=("fuzzy",) if message.id == "Data" else ())
    folder = tmp_path / "locale"
    (folder / "de" / "LC_MESSAGES").mkdir(parents=True)
    (folder / TEMPLATE_NAME).write_bytes(POT.read_bytes())
    with (folder / "de" / "LC_MESSAGES" / "messages.po").open("wb") as po:
        write_po(po, catalogue)
    monkeypatch.setattr(words, "LOCALE_FOLDER", folder)
    words.words_for.cache_clear()
    try:
        problems = words.catalogue_problems("de")
        none = words.catalogue_problems("fr")
    finally:
        words.words_for.cache_clear()
    messages = sorted(p.message for p in problems)
    assert all(p.severity == "warning" and p.path.name == "messages.po" and "de" in p.path.parts for p in problems)
    assert len(problems) == 3 and "'Previous'" in messages[1] and "'Sources'" in messages[2], messages
    assert "'Data' is marked fuzzy" in messages[0]
    assert len(none) == 1 and "no catalogue" in none[0].message and none[0].severity == "warning"


TEMPLATE_NAME = "messages.pot"


# --- a Korean build shows no English word of the theme ---------------------------------------------------------------

KOREAN_SITE = {
    "site.json": {"title": "작은 해설", "description": "시험용 사이트.", "language": "ko"},
    "data/sources/yonhap.json": {
        "id": "yonhap", "title": "탈북민 공직자 역대 최다", "language": "ko", "publisher": "연합뉴스(예시)", "kind": "news",
        "url": "https://example.org/yonhap", "published": "2025-05-16", "accessed": "2026-11-22",
        "note": "시험용으로 만든 기사입니다.",
        "excerpts": [{"id": "jobs", "text": "공공부문에 근무하는 북한이탈주민은 211명"},
                     {"id": "rise", "text": "이는 전년(194명)대비 17명이 늘어난 수치"},
                     {"id": "residents", "text": "국내에 거주하는 북한이탈주민은 약 30,000명"}]},
    "data/sources/wire.json": {
        "id": "wire", "title": "Elite defectors", "title_translation": "엘리트 탈북민", "publisher": "통신사(예시)",
        "kind": "official", "published": "2025-01-02", "accessed": "2026-11-22", "language": "en",
        "excerpts": [{"id": "share", "text": "1.22 percent out of 10,985", "translation": "10,985명 가운데 1.22퍼센트"},
                     {"id": "table", "text": "Men 662 591, women 2,252 1,811, in all 2,914 2,402",
                      "translation": "남성 662 591, 여성 2,252 1,811, 합계 2,914 2,402"}]},
    "data/facts/main.json": {"facts": [
        {"id": "jobs", "value": 211, "unit": "people", "label": "공공부문 근무 탈북민", "as_of": "2024-12-31",
         "source": "yonhap", "excerpt": "jobs", "provisional": True, "note": "연말 집계입니다."},
        {"id": "jobs-before", "value": 194, "unit": "people", "label": "한 해 전 공공부문 근무 탈북민",
         "as_of": "2023-12-31", "source": "yonhap", "excerpt": "rise"},
        {"id": "rise", "value": 17, "unit": "people", "label": "한 해 동안 늘어난 인원", "as_of": "2024",
         "source": "yonhap", "excerpt": "rise", "derived": {"op": "difference", "of": ["jobs", "jobs-before"],
                                                             "tolerance": 0}},
        {"id": "residents", "value": 30000, "unit": "people", "label": "국내 거주 탈북민", "as_of": "2025-05",
         "source": "yonhap", "excerpt": "residents", "approximate": True,
         "corrections": [{"value": 31000, "date": "2025-09-01", "reason": "처음에 잘못 적었습니다.",
                          "source": "yonhap", "excerpt": "residents"}]},
        {"id": "elite-share", "value": 1.22, "unit": "percent", "label": "엘리트 탈북민 비율",
         "as_of": {"start": "2012", "end": "2024"}, "source": "wire", "excerpt": "share"}]},
    "data/series/arrivals.json": {
        "id": "arrivals", "title": "연도별 입국 인원", "description": "시험용 표입니다.", "key": "year",
        "columns": [{"name": "year", "label": "연도"}, {"name": "total", "label": "입국 인원", "unit": "people"},
                    {"name": "men", "label": "남성", "unit": "people"},
                    {"name": "women", "label": "여성", "unit": "people"}],
        "sum_columns": {"total": ["men", "women"]}, "source": "wire", "excerpt": "table",
        "rows": [{"year": "2009", "total": 2914, "men": 662, "women": 2252, "note": "최고치입니다."},
                 {"year": "2010", "total": 2402, "men": 591, "women": 1811}]},
    "data/claims.json": {"claims": [
        {"id": "jobs-claim", "source": "yonhap", "excerpt": "jobs", "verdict": "caveat", "finding": "같은 합계입니다.",
         "key": "211", "evidence": [{"source": "yonhap", "excerpt": "jobs"}]}]},
    "data/corrections.json": {"corrections": [
        {"id": "wording", "date": "2026-03-02", "pages": ["index"], "before": "늘었다.", "after": "한 해 동안 늘었다.",
         "reason": "기간이 빠져 있었습니다."}]},
    "content/index.md": "---\ntitle: 개요\nsummary: 시험용 작은 사이트입니다.\norder: 0\n---\n"
                        "국내에 사는 탈북민은 {{residents}}명이다.[^note]\n\n## 일자리\n\n"
                        "공공부문에서 일하는 탈북민은 {{jobs}}명으로, 한 해 전보다 {{rise}}명 늘었다 [@yonhap].\n\n"
                        "엘리트 탈북민의 비율은 {{elite-share}}이다 [@wire#share]. 같은 합계를 확인했다 [@claim:jobs-claim].\n\n"
                        "[^note]: 각주입니다.\n",
    "content/more.md": "---\ntitle: 더 보기\nsummary: 두 번째 장입니다.\norder: 1\n---\n## 검증\n\n{{claims}}\n",
}


def korean_site(root: Path) -> Path:
    for name, content in KOREAN_SITE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
                        encoding="utf-8")
    return root


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# What readers see besides the text: attributes read aloud or shown, and the words scripts show (data-*).
_SHOWN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-search-label", "data-nothing-found",
                     "data-found-one", "data-found-many", "data-copy", "data-copied", "data-copy-failed")


class _ShownText(HTMLParser):
    """A page's text as readers of its language see it, less the words of another language a page marks as such
    (lang="en": a source's own title or quote) and code."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language, self.skipped, self.parts = language, [], []

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        language = attributes.get("lang")
        skip = any(self.skipped) or tag in ("script", "style", "code", "pre") or (
            language is not None and not language.startswith(self.language))
        if not skip:
            self.parts += [attributes[name] for name in _SHOWN_ATTRIBUTES if attributes.get(name)]
            if tag == "meta" and attributes.get("name") == "description" or attributes.get("property", "") in (
                    "og:title", "og:description", "og:image:alt"):
                self.parts.append(attributes.get("content") or "")
        if tag not in _VOID:
            self.skipped.append(skip)

    def handle_endtag(self, tag):
        if tag not in _VOID and self.skipped:
            self.skipped.pop()

    def handle_data(self, data):
        if not any(self.skipped):
            self.parts.append(data)


def shown_text(page: str, language: str) -> str:
    parser = _ShownText(language)
    parser.feed(page)
    return " ".join(parser.parts)


def english_of_the_theme() -> list[tuple[str, re.Pattern]]:
    """Each msgid's English, as patterns: its runs of words between placeholders and markup, two words or more
    (or the whole message, when it is one word). Words its Korean keeps (CSV, JSON, Atom) are not English."""
    with POT.open("rb") as pot, KO_CATALOGUE.open("rb") as po:
        template, korean = read_po(pot), read_po(po)
    found = []
    for message in template:
        if not message.id or message.context == "date pattern":
            continue
        translated = korean.get(message.id, message.context)
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        kept = set(re.findall(r"[A-Za-z]{2,}", " ".join(strings)))
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            runs = re.sub(r"<[^>]+>|%\([a-z_]+\)s|\{[a-z_]+\}", "\0", msgid).split("\0")
            for run in runs:
                english = [word for word in re.findall(r"[A-Za-z]{2,}", run) if word not in kept]
                if len(english) >= 2 or (english and run.strip() == msgid.strip()):
                    found.append((msgid, re.compile(r"(?<![A-Za-z])" + r"[^A-Za-z]+".join(english) + r"(?![A-Za-z])")))
    return found


def test_a_korean_build_shows_no_english_word_of_the_theme(tmp_path):
    inputs, problems = read_inputs(korean_site(tmp_path / "site"))
    assert problems == []
    result = build(inputs)
    assert [p.format() for p in result.problems if p.severity == "error"] == []
    pages = {path: data.decode("utf-8") for path, data in result.files.items() if path.endswith(".html")}
    assert {"index.html", "more.html", "sources.html", "data.html", "corrections.html", "search.html",
            "404.html"} <= pages.keys()
    english = english_of_the_theme()
    assert len(english) > 100
    shown = {path: shown_text(page, "ko") for path, page in pages.items()}
    assert "출처" in shown["sources.html"] and "약 30,000" in shown["index.html"]  # the scan reads the pages
    found = {path: sorted({msgid for msgid, pattern in english if pattern.search(text)})
             for path, text in shown.items()}
    assert {path: ids for path, ids in found.items() if ids} == {}
    # The scan sees the theme's English where a page shows it: an English site's pages.
    english_page = shown_text((PROJECT / "tests" / "sites" / "tiny.expected" / "index.html").read_text("utf-8"), "en")
    assert {"Skip to the text", "Sources", "Contents"} <= {msgid for msgid, pattern in english
                                                           if pattern.search(english_page)}


def test_the_project_s_korean_pages_show_no_english_word_of_the_theme(built_project_site):
    """Every Korean page of our own site, as published: the theme's words are Korean, and the English words it
    shows (our corrections quote the English edition) are marked lang="en", which the scan leaves out."""
    english = english_of_the_theme()
    pages = {path.relative_to(built_project_site).as_posix(): path.read_text("utf-8")
             for path in sorted((built_project_site / "ko").rglob("*.html"))}
    assert {"ko/index.html", "ko/corrections.html", "ko/sources.html", "ko/data.html", "ko/search.html"} <= pages.keys()
    # A page's own address, printed at its foot ("about.html"), is no English word.
    shown = {path: re.sub(r"[\w./-]+\.html\b", " ", shown_text(page, "ko")) for path, page in pages.items()}
    found = {path: sorted({msgid for msgid, pattern in english if pattern.search(text)})
             for path, text in shown.items()}
    assert {path: ids for path, ids in found.items() if ids} == {}
    corrections = pages["ko/corrections.html"]
    assert '<q lang="en">Arrivals rose again to 236 in 2024, and the ministry announced 224 for 2025.</q>' in corrections
    assert corrections.count("(영어판 문장)") == 2 * corrections.count('class="correction-before"') > 0
    assert "Arrivals rose again" not in shown["ko/corrections.html"] + shown["ko/arrivals.html"]
