"""The search page with the index in shards, in a real browser: for several queries it finds the same pages as
one index of the same pages (assets/search.js merges the shards, explainer/publish/search_shards.py), served
from a folder at a sub-path, in each edition's language only.

Each site is built once (bench/generate_corpus.py's corpus, small; the two-edition fixture) and written twice
beside each other, /single/ with one index and /sharded/ with the same pages in shards (pages_per_shard
lowered, so that a small site has several). The order of the results may differ (each shard scores its own
pages: search_shards.py); the set of pages must not."""
from __future__ import annotations

import shutil
import sys
from urllib.parse import quote

import pytest

from explainer.effects.boundary import BuildEffects
from explainer.pipeline import build
from explainer.publish import search
from explainer.publish.site_writer import write_site
from explainer.site_folder.inputs import read_inputs

from conftest import PROJECT, SITES

sys.path.insert(0, str(PROJECT / "bench"))
from generate_corpus import generate  # noqa: E402

CORPUS_PAGES = 24
# Query → how many pages one index finds: a word every page has, words of many pages, one page's
# marker, a title (one shard has "0012", the others only "page": each would answer with all its pages), a
# word no page has, and the marker with it (Pagefind leaves such a word out of the query: every page again),
# a word no page has but one word starts (Pagefind searches for that shorter word: page 7 alone).
CORPUS_QUERIES = {"marker": "all", "interview women": "many", "registry recorded": "many", "p0007": 1,
                  "Page 0012": 1, "zanzibarish": 0, "marker zanzibarish": "all", "p0007x": 1}
# 입국 and 인원: ko/corrections.html has neither, but has 이, which starts both as Pagefind compares Korean; its
# shard alone would answer with it (the vocabulary keeps it out).
TWO_QUERIES = {"ko/": ("입국", "인원", "줄었습니다", "연도별 인원", "arrivals"), "": ("arrivals", "people", "Korean counterpart")}
# The search page has said it found nothing for the query (its own words for that, in its language, whole: in
# Korean both that and the count of results start with the quoted query, so a status that merely starts as the
# "nothing" words do was the count, said before the results were shown), or shows results.
NOTHING_OR_RESULTS = """(query) => {
    const nothing = document.querySelector('.search').getAttribute('data-nothing-found').replace('{query}', query);
    return document.querySelector('.search-results').children.length > 0
        || document.querySelector('.search-status').textContent === nothing;
}"""


def served_twice(root, out, pages_per_shard: int) -> int:
    """Build root; write it to out/single (one index) and out/sharded (the same pages in shards); the number of
    shards."""
    inputs, problems = read_inputs(root)
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    result = build(inputs, BuildEffects(index_search=None), hashed_names=True)
    assert not result.failed(strict=False), "\n".join(p.format() for p in result.problems)
    single, problems = search.search_index(result.files, root, pages_per_shard=10_000)
    assert problems == [] and single.shards == 1
    sharded, problems = search.search_index(result.files, root, pages_per_shard=pages_per_shard)
    assert problems == [] and sharded.pages == single.pages
    write_site({**result.files, **single.files}, out / "single")
    write_site({**result.files, **sharded.files}, out / "sharded")
    return sharded.shards


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory, static_server):
    folder = tmp_path_factory.mktemp("shards")
    generate(folder / "corpus", CORPUS_PAGES)
    assert served_twice(folder / "corpus", folder / "out", pages_per_shard=4) > 4
    return static_server(folder / "out")


@pytest.fixture(scope="module")
def two_site(tmp_path_factory, static_server):
    folder = tmp_path_factory.mktemp("shards-two")
    shutil.copytree(SITES / "two-editions", folder / "two")
    assert served_twice(folder / "two", folder / "out", pages_per_shard=1) > 4
    return static_server(folder / "out")


def found(tab, base: str, folder: str, query: str) -> list[str]:
    """The search page of base/folder asked query (?q=), every result shown ("Show more" until none are left):
    the results' addresses, relative to the site's folder, in order."""
    tab.goto(f"{base}/{folder}search.html?q={quote(query)}")
    tab.wait_for_function(NOTHING_OR_RESULTS, arg=query, timeout=20_000)
    while tab.locator(".search-more").is_visible():
        shown = tab.locator(".search-result").count()
        tab.locator(".search-more").click()
        tab.wait_for_function(f"() => document.querySelectorAll('.search-result').length > {shown}", timeout=20_000)
    site = f"{base}/{folder.split('/')[0]}/"
    links = tab.eval_on_selector_all(".search-result-title", "links => links.map(a => a.href)")
    assert all(link.startswith(site) for link in links), links  # served from a sub-path, results stay under it
    return [link.removeprefix(site) for link in links]


def test_the_shards_find_the_same_pages_as_one_index(corpus_site, page):
    differently_ordered = []
    for query, expected in CORPUS_QUERIES.items():
        single = found(page, corpus_site, "single/", query)
        sharded = found(page, corpus_site, "sharded/", query)
        assert sorted(sharded) == sorted(single), query
        if sharded != single:
            differently_ordered.append(query)
        if expected == "all":  # every page of the corpus (index.html and page-0001 on), merged from every shard
            assert {"index.html", *(f"page-{n:04d}.html" for n in range(1, CORPUS_PAGES))} <= set(single), query
        elif expected == "many":
            assert len(single) > 1, query
        else:
            assert len(single) == expected, query
    assert page.console_errors == []
    print("queries whose results came in another order:", differently_ordered or "none")


def test_each_edition_finds_its_own_pages_in_the_shards(two_site, page):
    for edition, queries in TWO_QUERIES.items():
        for query in queries:
            single = found(page, two_site, f"single/{edition}", query)
            sharded = found(page, two_site, f"sharded/{edition}", query)
            assert sorted(sharded) == sorted(single), (edition, query)
            # A shard without the edition's language is not merged: no other edition's page comes back.
            assert all(link.startswith(edition) for link in sharded) if edition else \
                not [link for link in sharded if link.startswith("ko/")], (edition, query, sharded)
    assert page.console_errors == []

