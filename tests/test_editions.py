"""One site, several editions (issue 18, items 1 and 4): tests/sites/two-editions/ (English and Korean, with a page
not translated into Korean) built as `python build.py` publishes it, and the settings' and content's errors.

A site without "editions" is unchanged: tests/test_cli.py compares tests/sites/tiny with tiny.expected byte for
byte.
"""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from conftest import SITES
from explainer.pipeline import build
from explainer.publish.site_writer import write_site
from explainer.site_folder.inputs import read_inputs

URL = "https://example.org/x/"
TWO = SITES / "two-editions"
GENERATED = ("sources.html", "data.html", "corrections.html", "contents.html", "search.html", "404.html",
             "embed/women_share.html")


def published(root: Path, out: Path, url: str = URL) -> dict[str, bytes]:
    """The site as `python build.py --url URL` writes it (hashed names, the search index)."""
    inputs, problems = read_inputs(root)
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    inputs = dataclasses.replace(inputs, settings=dataclasses.replace(inputs.settings, url=url))
    result = build(inputs, hashed_names=True)
    assert not result.failed(strict=False), "\n".join(p.format() for p in result.problems)
    write_site(result.files, out)
    return result.files


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, str]:
    files = published(TWO, tmp_path_factory.mktemp("two") / "site")
    return {path: data.decode("utf-8") for path, data in files.items() if path.endswith((".html", ".xml", ".txt"))} | {
        path: "" for path in files if not path.endswith((".html", ".xml", ".txt"))}


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def alternates(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


def switcher(page: str) -> dict[str, str]:
    """The switcher's links: edition name → href (the current edition: "")."""
    nav = re.search(r'<nav class="edition-switcher".*?</nav>', page, re.DOTALL).group(0)
    links = {name: "" for name in re.findall(r'aria-current="true">([^<]+)<', nav)}
    links |= {name: href for href, name in re.findall(r'<a href="([^"]+)" hreflang="[^"]+"[^>]*>([^<]+)</a>', nav)}
    links |= {name + " (not yet translated)": href for href, name in
              re.findall(r'<a class="edition-untranslated" href="([^"]+)"><span[^>]*>([^<]+)</span>', nav)}
    return links


def test_each_edition_has_its_chapters_and_every_generated_page_under_its_folder(site):
    assert {"index.html", "people.html", "plain.html", "ko/index.html", "ko/people.html"} <= site.keys()
    assert "ko/plain.html" not in site  # not translated: not in the Korean edition
    for name in GENERATED:
        assert name in site and f"ko/{name}" in site, name
    assert "ko/untranslated.html" in site and "untranslated.html" not in site
    for once in ("sitemap.xml", "robots.txt", "_headers"):
        assert once in site and f"ko/{once}" not in site
    # The theme's files once, at the root; the Korean pages lead there.
    assert not [path for path in site if path.startswith("ko/assets/")]
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', site["ko/people.html"]).group(1)
    assert stylesheet.startswith("../assets/style.") and stylesheet.removeprefix("../") in site


def test_every_page_says_its_language_and_direction(site):
    for path, text in site.items():
        if path.endswith(".html"):
            language = "ko" if path.startswith("ko/") else "en"
            assert html_tag(text) == f'<html lang="{language}" dir="ltr">', path


def test_hreflang_alternates_lead_both_ways_with_x_default(site):
    both = {"en": URL + "people.html", "ko": URL + "ko/people.html", "x-default": URL + "people.html"}
    assert alternates(site["people.html"]) == both
    assert alternates(site["ko/people.html"]) == both
    assert alternates(site["ko/index.html"]) == {"en": URL, "ko": URL + "ko/", "x-default": URL}
    assert alternates(site["ko/sources.html"])["en"] == URL + "sources.html"
    assert alternates(site["plain.html"]) == {"en": URL + "plain.html", "x-default": URL + "plain.html"}


def test_the_switcher_leads_to_the_same_chapter_or_to_the_notice(site):
    assert switcher(site["people.html"]) == {"English": "", "한국어": "ko/people.html"}
    assert switcher(site["ko/people.html"]) == {"English": "../people.html", "한국어": ""}
    assert switcher(site["ko/sources.html"])["English"] == "../sources.html"
    assert switcher(site["ko/404.html"])["English"] == "/x/404.html"  # published, 404 pages lead from the root
    assert switcher(site["plain.html"]) == {"English": "", "한국어 (not yet translated)": "ko/untranslated.html#plain"}


def test_the_notice_names_each_untranslated_page_and_links_it_in_the_default_edition(site):
    notice = site["ko/untranslated.html"]
    section = re.search(r'<section id="plain">.*?</section>', notice, re.DOTALL).group(0)
    assert 'href="../plain.html"' in section and "Not translated" in section
    assert 'id="people"' not in notice  # translated
    assert switcher(notice)["English"] == "../index.html"


def test_the_sitemap_lists_every_edition_with_its_alternates(site):
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = etree.fromstring(site["sitemap.xml"].encode("utf-8"))
    entries = {url.find("s:loc", namespaces).text: {link.get("hreflang"): link.get("href")
                                                     for link in url.findall("x:link", namespaces)}
               for url in root.findall("s:url", namespaces)}
    both = {"en": URL + "people.html", "ko": URL + "ko/people.html", "x-default": URL + "people.html"}
    assert entries[URL + "people.html"] == both and entries[URL + "ko/people.html"] == both
    assert entries[URL + "plain.html"] == {"en": URL + "plain.html", "x-default": URL + "plain.html"}
    assert URL + "ko/sources.html" in entries and URL + "ko/plain.html" not in entries
    assert URL + "ko/untranslated.html" not in entries and URL + "ko/search.html" not in entries


def test_each_edition_is_indexed_in_its_own_language(site):
    assert any(path.startswith("pagefind/pagefind.ko") for path in site)
    assert any(path.startswith("pagefind/pagefind.en") for path in site)
    assert re.search(r'data-pagefind="\.\./pagefind/pagefind\.js"', site["ko/search.html"])


def test_an_rtl_site_is_right_to_left(tmp_path):
    files = published(SITES / "rtl", tmp_path / "site")
    pages = [path for path in files if path.endswith(".html")]
    assert pages and all(html_tag(files[path].decode()) == '<html lang="ar" dir="rtl">' for path in pages)


# ---------------------------------------------------------------------------------------------------------------
# Mistakes, each at its place.

def copy_of_two(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(TWO, root, ignore=shutil.ignore_patterns(".cache"))
    return root


def settings_problems(root: Path, settings: dict) -> list[str]:
    (root / "site.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    return [problem.format(root) for problem in read_inputs(root)[1]]


@pytest.mark.parametrize("settings, said", [
    ({"language": "en", "editions": ["en", "k o"]}, 'site.json:1:20: "editions": "k o" is not a BCP 47 language tag'),
    ({"language": "en", "editions": ["ko", "en"]}, 'site.json:1:20: the first of "editions" is the default edition'),
    ({"language": "en", "editions": "ko"}, 'site.json:1:20: "editions" must be a list of language tags'),
    ({"language": "en", "editions": ["en", "ko", "en"]}, "names an edition twice"),
    ({"language": "en", "editions": ["en", "ko"], "edition_names": {"fr": "Français"}},
     '"edition_names" names "fr", which is not one of "editions"'),
    ({"language": "en", "editions": ["en", "ko"], "edition_settings": {"fr": {"title": "Deux"}}},
     '"edition_settings" names "fr", which is not one of "editions"'),
    ({"language": "en", "editions": ["en", "ko"], "edition_settings": {"ko": {"url": "https://x.org/"}}},
     '"edition_settings": "url" is not a setting an edition gives in its own language'),
    ({"language": "en", "editions": ["en", "ko"], "edition_settings": {"ko": {"title": "a\u0000"}}},
     "control character U+0000"),
])
def test_bad_edition_settings_are_errors_at_their_place(tmp_path, settings, said):
    found = settings_problems(copy_of_two(tmp_path), settings)
    assert any(said in problem for problem in found), found


def test_an_edition_gives_its_own_title_and_description(tmp_path):
    root = copy_of_two(tmp_path)
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    settings["edition_settings"] = {"ko": {"title": "두 판", "description": "두 언어로 된 사이트"}}
    (root / "site.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    files = published(root, tmp_path / "out")
    korean, english = files["ko/index.html"].decode(), files["index.html"].decode()
    assert "두 판</title>" in korean and 'content="두 언어로 된 사이트"' in korean
    assert "Two editions</title>" in english and "두 판" not in english


def test_a_content_folder_of_no_edition_is_an_error(tmp_path):
    root = copy_of_two(tmp_path)
    (root / "content" / "fr").mkdir()
    (root / "content" / "fr" / "index.md").write_text("---\ntitle: Accueil\n---\nBonjour.\n", encoding="utf-8")
    found = [problem.format(root) for problem in read_inputs(root)[1]]
    assert any(problem.startswith("content/fr:1:1:") and '"fr" is not one of' in problem for problem in found), found


def test_a_translated_page_without_a_default_counterpart_is_an_error(tmp_path):
    root = copy_of_two(tmp_path)
    (root / "content" / "ko" / "extra.md").write_text("---\ntitle: 더\n---\n본문.\n", encoding="utf-8")
    inputs, _ = read_inputs(root)
    result = build(inputs)
    said = [problem.format(root) for problem in result.problems if problem.severity == "error"]
    assert result.failed(strict=False)
    assert any(problem.startswith("content/ko/extra.md:1:1:") and "no counterpart content/extra.md" in problem
               for problem in said), said


def test_a_site_without_editions_reads_no_edition_folder(tmp_path):
    root = copy_of_two(tmp_path)
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    del settings["editions"], settings["edition_names"]
    assert settings_problems(root, settings) == []  # content/ko/ is not read, as before editions
    inputs, _ = read_inputs(root)
    assert inputs.edition_content == {}
    result = build(inputs)
    assert not [path for path in result.files if path.startswith("ko/")]
    assert 'dir="' not in result.files["index.html"].decode().split("\n", 2)[1]
