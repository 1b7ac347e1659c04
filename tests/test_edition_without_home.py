"""An edition that has not translated its home page yet builds (issue 18: "an edition's page that is not
translated yet is left out of that edition, with a visible notice where the switcher would lead").

tests/sites/two-editions with a French edition instead of the Korean one, one chapter translated and no
content/fr/index.md. The French edition's home links (the site's title on every page, the 404 page's "home page",
an embed page's link back) lead to its notice's section for the home page, fr/untranslated.html#index, as the
switcher does (docs/editions.md, "Translate a page"); no hreflang and no sitemap entry names a French home page
or a French page that does not exist.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as etree

import pytest

from test_editions import TWO, URL, alternates, published, switcher

FRENCH_PEOPLE = """---
title: Les arrivants
summary: Qui arrive.
order: 1
---
## Moins d'arrivées

Après le pic de {{arrivals-2009}}, les arrivées ont diminué.
"""
NOTICE_OF_HOME = "untranslated.html#index"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("fr") / "site"
    shutil.copytree(TWO, root, ignore=shutil.ignore_patterns(".cache", "ko"))
    (root / "content" / "fr").mkdir()
    (root / "content" / "fr" / "people.md").write_text(FRENCH_PEOPLE, encoding="utf-8")
    settings = {"title": "Two editions", "language": "en", "editions": ["en", "fr"]}
    (root / "site.json").write_text(json.dumps(settings), encoding="utf-8")
    files = published(root, root / "out")  # asserts that nothing is an error, not even the output gate's links
    return {path: data.decode("utf-8") for path, data in files.items() if path.endswith((".html", ".xml"))}


def site_title_link(page: str) -> str:
    return re.search(r'<a class="site-title" href="([^"]*)">', page).group(1)


def test_the_edition_has_its_one_chapter_its_generated_pages_and_no_home_page(site):
    assert "fr/people.html" in site and "fr/index.html" not in site and "fr/plain.html" not in site
    assert {"fr/sources.html", "fr/contents.html", "fr/search.html", "fr/404.html", "fr/untranslated.html"} <= set(site)


def test_every_french_page_leads_home_to_the_notice_of_the_home_page(site):
    french = [path for path in site if path.startswith("fr/") and path.endswith(".html")]
    for path in french:
        expected = "/x/fr/" + NOTICE_OF_HOME if path == "fr/404.html" else NOTICE_OF_HOME  # 404: from the root
        assert site_title_link(site[path]) == expected, path
    assert f'Start from <a href="/x/fr/{NOTICE_OF_HOME}">the home page</a>' in site["fr/404.html"]
    # The notice's section for the home page leads to it in the default edition, in its language.
    notice = site["fr/untranslated.html"]
    section = re.search(r'<section id="index">.*?</section>', notice, re.DOTALL).group(0)
    assert 'href="../index.html" hreflang="en" lang="en"' in section
    # The default edition keeps its own home page.
    assert site_title_link(site["people.html"]) == "index.html" and site_title_link(site["404.html"]) == "/x/index.html"


def test_the_switcher_leads_to_the_notice_and_hreflang_names_only_pages_that_exist(site):
    # Without "edition_names", each edition is named in its own language, as CLDR writes it.
    assert switcher(site["index.html"]) == {"English": "", "français (not yet translated)": "fr/untranslated.html#index"}
    assert switcher(site["people.html"]) == {"English": "", "français": "fr/people.html"}
    assert alternates(site["index.html"]) == {"en": URL, "x-default": URL}
    assert alternates(site["fr/people.html"]) == {"en": URL + "people.html", "fr": URL + "fr/people.html",
                                                  "x-default": URL + "people.html"}
    # The French pages do not show the chart, so the French edition has no embed page for it to be an alternate.
    assert "fr/embed/women_share.html" not in site
    assert alternates(site["embed/women_share.html"]) == {"en": URL + "embed/women_share.html",
                                                          "x-default": URL + "embed/women_share.html"}
    written = {URL + path.removesuffix("index.html") for path in site}
    for path, page in site.items():
        for language, href in alternates(page).items():
            assert href in written, (path, language, href)


def test_the_sitemap_lists_no_french_home_page(site):
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = etree.fromstring(site["sitemap.xml"].encode("utf-8"))
    addresses = {url.find("s:loc", namespaces).text for url in root.findall("s:url", namespaces)}
    addresses |= {link.get("href") for link in root.iter("{http://www.w3.org/1999/xhtml}link")}
    assert URL + "fr/people.html" in addresses and URL + "fr/sources.html" in addresses
    assert URL + "fr/" not in addresses and URL + "fr/index.html" not in addresses
