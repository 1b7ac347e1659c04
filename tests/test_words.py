"""The words readers see come from one message catalogue (explainer/render/words.py): locale/messages.pot is current
with the templates and the Python, no template writes a word outside it, and a site in another language with
a catalogue for it gets that language's words."""
from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from markupsafe import escape

from conftest import PROJECT
from explainer.render import words
from explainer.store.dates import AsOf, date_label, is_valid_date
from explainer.site_folder.inputs import read_inputs
from explainer.render.layout import OUTPUTS, SOURCES
from explainer.pipeline import build
from explainer.incremental.reads import Fingerprints

EXTRACT = ("pybabel extract -F babel.cfg -k lazy_gettext -c Translators: --no-location --sort-output "
           "--project=explainer -o locale/messages.pot .")


def extracted() -> Catalog:
    """What `pybabel extract` (EXTRACT) would write, made in memory."""
    with (PROJECT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalogue = Catalog()
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
    for filename, lineno, message, comments, context in extract_from_dir(
            PROJECT, method_map, options_map, keywords=keywords, comment_tags=("Translators:",),
            strip_comment_tags=False):
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue


def messages(catalogue: Catalog) -> dict:
    return {(message.context, message.id): message for message in catalogue if message.id}


def test_the_catalogue_template_is_current():
    with (PROJECT / "locale" / "messages.pot").open("rb") as pot:
        committed = messages(read_po(pot))
    found = messages(extracted())
    assert found, "no message was extracted: babel.cfg no longer finds the templates and the engine"
    missing = sorted(map(repr, found.keys() - committed.keys()))
    stale = sorted(map(repr, committed.keys() - found.keys()))
    assert not missing and not stale, (
        f"locale/messages.pot is out of date: run `{EXTRACT}` (docs/themes.md, \"Words readers see\").\n"
        f"Not in it: {missing}\nNo longer used: {stale}")
    def comments(message) -> str:  # as words: the .pot wraps long comments
        return " ".join(" ".join(message.auto_comments).split())

    changed = [key for key, message in found.items() if comments(message) != comments(committed[key])]
    assert not changed, f"translators' comments changed for {changed}: run `{EXTRACT}`"


def test_the_catalogue_has_the_words_named_in_the_issue():
    ids = {message.id for message in extracted() if message.id}
    for word in ("Sources", "Previous", "Our translation from %(language)s:", "Page not found", "Data"):
        assert word in ids


_READER_ATTRIBUTES = re.compile(r'\b(aria-label|title|alt|placeholder|data-label)="([^"]*)"')
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def words_outside_the_catalogue(source: str) -> list[str]:
    """What a template writes in words of its own: its text and readers' attributes, less the Jinja parts
    (comments, {% trans %} blocks, {{ … }}, {% … %})."""
    text = re.sub(r"\{#.*?#\}", "", source, flags=re.DOTALL)
    text = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", "", text, flags=re.DOTALL)
    text = re.sub(r"\{\{.*?\}\}", "", text, flags=re.DOTALL)
    text = re.sub(r"\{%.*?%\}", "", text, flags=re.DOTALL)
    found = [f'{name}="{value}"' for name, value in _READER_ATTRIBUTES.findall(text) if _LETTERS.search(value)]
    return found + _LETTERS.findall(re.sub(r"<[^>]*>", " ", text))


def test_no_template_writes_a_word_outside_the_catalogue():
    for path in sorted((PROJECT / "templates").iterdir()):
        if path.suffix in (".html", ".svg"):
            found = words_outside_the_catalogue(path.read_text(encoding="utf-8"))
            assert not found, (f"templates/{path.name} writes {found[:8]}: mark them with _() or {{% trans %}} "
                               f"and run `{EXTRACT}`")


def test_the_check_finds_a_word_outside_the_catalogue():
    assert words_outside_the_catalogue('<p>{{ _("Menu") }}</p><nav aria-label="{{ _("Chapters") }}"></nav>') == []
    assert words_outside_the_catalogue("<p>Back to top</p>") == ["Back", "to", "top"]
    assert words_outside_the_catalogue('<nav aria-label="Chapters"></nav>') == ['aria-label="Chapters"']


# A stand-in Korean catalogue: a few of the theme's words, enough to see each kind of place they come from.
KOREAN = {
    "Sources": "출처", "Menu": "메뉴", "Back to top": "맨 위로", "Previous": "이전", "Next": "다음",
    "Source:": "출처:", "all it supports": "이 출처의 모든 수치", "References": "참고 자료",
    ("%(count)s figure", "%(count)s figures"): ("수치 %(count)s개",),
    ("date pattern", "d MMMM y"): "y년 MMMM d일", ("date pattern", "MMMM y"): "y년 MMMM", ("date pattern", "y"): "y년",
    "accessed %(date)s": "%(date)s 접속", "Our translation from %(language)s:": "%(language)s 원문, 우리 번역:",
}


def korean_catalogue() -> Catalog:
    catalogue = Catalog(locale="ko", domain=words.DOMAIN)
    for key, text in KOREAN.items():
        context, message = key if isinstance(key, tuple) and key[0] == "date pattern" else (None, key)
        catalogue.add(message, text, context=context)
    return catalogue


@pytest.fixture
def korean(tmp_path, monkeypatch):
    """A locale/ folder with the stand-in Korean catalogue, in place of the project's."""
    folder = tmp_path / "locale"
    (folder / "ko" / "LC_MESSAGES").mkdir(parents=True)
    with (folder / "ko" / "LC_MESSAGES" / "messages.po").open("wb") as po:
        write_po(po, korean_catalogue())
    monkeypatch.setattr(words, "LOCALE_FOLDER", folder)
    words.words_for.cache_clear()
    yield folder
    words.words_for.cache_clear()


def korean_site(root: Path) -> Path:
    """A small site in Korean: a Korean source, and an English one whose excerpt carries our translation."""
    files = {
        "site.json": {"title": "작은 설명서", "language": "ko"},
        "data/sources/tongil.json": {
            "id": "tongil", "title": "북한이탈주민 현황", "language": "ko", "publisher": "통일부",
            "url": "https://example.org/tongil", "published": "2025-05-16", "accessed": "2026-11-22",
            "excerpts": [{"id": "e1", "text": "누적 입국 인원은 34,314명"}]},
        "data/sources/desk.json": {
            "id": "desk", "title": "Arrivals", "title_translation": "입국", "publisher": "Example Desk",
            "published": None, "accessed": "2026-11-22",
            "excerpts": [{"id": "e1", "text": "In all, 34,314 people arrived", "translation": "모두 34,314명이 입국했다"}]},
        "data/facts/main.json": {"facts": [
            {"id": "arrivals", "value": 34314, "unit": "people", "label": "누적 입국 인원", "as_of": "2024-12-31",
             "source": "tongil", "excerpt": "e1"},
            {"id": "arrivals-desk", "value": 34314, "unit": "people", "label": "누적 입국 인원", "as_of": "2024",
             "source": "desk", "excerpt": "e1"}]},
    }
    for name, value in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    (root / "content").mkdir()
    (root / "content" / "index.md").write_text("---\ntitle: 첫 장\norder: 0\n---\n누적 {{arrivals}}.\n",
                                               encoding="utf-8")
    (root / "content" / "desk.md").write_text("---\ntitle: 둘째 장\norder: 1\n---\n모두 {{arrivals-desk}}.\n",
                                              encoding="utf-8")
    return root


def test_a_site_in_korean_with_a_korean_catalogue_gets_korean_theme_words(tmp_path, korean):
    inputs, problems = read_inputs(korean_site(tmp_path / "site"))
    assert not problems, [problem.format() for problem in problems]
    result = build(inputs)
    assert not result.failed(strict=False), [problem.format() for problem in result.problems]
    home = result.files["index.html"].decode("utf-8")
    assert '<html lang="ko">' in home
    assert "<summary>메뉴</summary>" in home and ">맨 위로</a>" in home and "Back to top" not in home
    assert '<a href="sources.html">출처</a>' in home  # a title from the table of outputs
    assert "<span>다음</span>" in home and '<h2 id="references-title">참고 자료</h2>' in home
    assert "· 수치 1개</span>" in home  # a plural
    sources = result.files["sources.html"].decode("utf-8")
    assert "<title>출처 · 작은 설명서</title>" in sources and "<h1>출처</h1>" in sources
    assert "2026년 11월 22일 접속" in sources  # the catalogue's date pattern, CLDR's month
    # Words Python writes while a template renders (an excerpt's translation) are in the site's language too.
    assert ('<span class="translation" lang="ko"><span class="translation-label">영어 원문, 우리 번역: </span>'
            "모두 34,314명이 입국했다</span>") in sources
    # Words not in the stand-in catalogue stay English, the source language.
    assert '<h2 id="source-index-title">Index</h2>' in sources


def test_a_language_without_a_catalogue_shows_the_english_words(korean):
    assert words.words_for("de") is words.SOURCE and words.words_for("en-GB") is words.SOURCE
    assert words.words_for("ko-KR").language == "ko"  # the most specific catalogue there is
    assert words.words_for("not a tag") is words.SOURCE


def test_python_words_follow_the_language_spoken(korean):
    assert words.gettext("Source:") == "Source:" and date_label("2024-12-31") == "31 December 2024"
    with words.speaking("ko"):
        assert words.language() == "ko"
        assert words.gettext("Source:") == "출처:"
        assert words.ngettext("%(count)s figure", "%(count)s figures", 3, count=3) == "수치 3개"
        assert (date_label("2024-12-31"), date_label("2025-05"), date_label("2025")) == (
            "2024년 12월 31일", "2025년 5월", "2025년")
        assert words.language_name("en") == "영어"
    assert words.language() == "en" and words.gettext("Source:") == "Source:"


def test_english_dates_and_language_names_are_as_before():
    assert [date_label(iso) for iso in ("2025", "2025-05", "2024-12-31", "2024-01-01", "not a date")] == [
        "2025", "May 2025", "31 December 2024", "1 January 2024", "not a date"]
    assert AsOf("1997-07", "2011-12").label == "July 1997 – December 2011"
    assert [words.language_name(tag) for tag in ("ko", "zh", "ja", "en", "zh-Hant", "KO-kr")] == [
        "Korean", "Chinese", "Japanese", "English", "Chinese", "Korean"]
    assert words.language_name("de") == "German"  # from CLDR: any language, not a hand-written four
    assert words.language_name("xx") == "xx"


def test_a_day_not_on_the_calendar_is_not_a_valid_date():
    assert is_valid_date("2024-02-29") and is_valid_date("2025-12") and is_valid_date("2025")
    assert not is_valid_date("2025-02-30") and not is_valid_date("2025-13") and not is_valid_date("2025-00-16")
    assert date_label("2025-02-30") == "2025-02-30"


def test_a_title_from_the_table_of_outputs_acts_as_its_text(korean):
    title = SOURCES.title
    assert title == "Sources" and f"{title} · Site" == "Sources · Site" and str(escape(title)) == "Sources"
    assert title.lower() == "sources" and title + "!" == "Sources!" and len(title) == 7
    assert hash(SOURCES) == hash(SOURCES) and pickle.loads(pickle.dumps(title)) == "Sources"
    Fingerprints().of(list(OUTPUTS))  # what a template reads of an output can be recorded (incremental/reads.py)
    with words.speaking("ko"):
        assert title == "출처" and f"{title}" == "출처"
