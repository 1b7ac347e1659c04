"""What Pagefind reads of a page (explainer/publish/search_pages.py): the excluded elements emptied, exactly where
this engine writes them and nowhere else; Pagefind makes the same index of the reduced pages as of the whole
ones (every page's record, every word's index chunk; only the text beside the ids of non-headings differs, which
no result shows, and a heading's with a fact in it); a fact's label, which only its cards and references show in a chapter, indexes no chapter's
shard again, while a word of prose indexes its page's shard."""
from __future__ import annotations

import gzip
import json
import shutil
import sys

import pytest

from explainer.effects.boundary import BuildEffects
from explainer.pipeline import build
from explainer.publish import search
from explainer.publish.search_pages import EXCLUDED, search_page
from explainer.publish.search_shards import FRAGMENT_HEADER, shard_count, shard_of
from explainer.site_folder.inputs import read_inputs

from conftest import PROJECT, SITES

sys.path.insert(0, str(PROJECT / "bench"))
from build_speed import edit_fact, edit_page  # noqa: E402
from generate_corpus import generate  # noqa: E402

CORPUS_PAGES = 24
PER_SHARD = 4
CARD = ('<span class="fact" data-fact="a"><a aria-describedby="card-1" class="fact-value" href="#ref-1">'
        '<data value="1">1</data><sup class="cite">[1]</sup></a><span class="fact-card" id="card-1" role="tooltip">'
        '<span class="card-head"><span class="card-label">Label</span> <span class="card-value">1</span></span>'
        '<span class="card-note">A note<span>nested</span></span></span></span>')


def wrapped(body: str) -> bytes:
    return f'<!doctype html><html lang="en"><head><title>T</title></head><body><main>{body}</main></body></html>'.encode()


def test_an_excluded_element_keeps_its_tags_and_loses_its_content():
    reduced = search_page(wrapped(f"<p>Counted {CARD} in all.</p>"))
    assert reduced == wrapped('<p>Counted <span class="fact" data-fact="a"><a aria-describedby="card-1" '
                              'class="fact-value" href="#ref-1"><data value="1">1</data><sup class="cite"></sup></a>'
                              '<span class="fact-card" id="card-1" role="tooltip"></span></span> in all.</p>')
    header = '<header class="site-header" id="top"><nav><a href="index.html">Home</a></nav></header>'
    assert search_page(wrapped(header + "<p>Text</p>")) == wrapped('<header class="site-header" id="top"></header><p>Text</p>')


def test_only_the_excluded_classes_are_emptied():
    """A class that starts like one (cite-page), or an excluded class not written first, is left to Pagefind."""
    for body in ('<details class="cite-page"><summary>Cite</summary></details>',
                 '<div class="site-header-bar">Bar</div>',
                 '<span data-x="1" class="cite">[1]</span>',
                 '<span class="factcard">words</span>'):
        assert search_page(wrapped(body)) == wrapped(body), body
    assert search_page(wrapped('<sup class="cite verdict-true">[checked]</sup>')) == \
        wrapped('<sup class="cite verdict-true"></sup>')
    assert {selector.removeprefix(".") for selector in EXCLUDED} == {"site-header", "skip-link", "fact-card", "cite",
                                                                    "references"}


@pytest.mark.parametrize("body", [
    # A class in a comment or raw text is no element; nor is a tag in one inside an element.
    f'<!-- {CARD} --><p>Prose</p></span>',
    f'<script type="application/json">"{CARD}"</script>',
    '<span class="fact-card"><!-- </span> --></span>',
    # What Pagefind records even from an element it leaves out: metadata, filters, the title, an image.
    '<span class="fact-card"><span data-pagefind-meta="x">y</span></span>',
    '<span class="fact-card" data-pagefind-filter="kind">z</span>',
    '<span class="fact-card"><img src="a.png" alt="a"></span>',
    '<section class="references"><h1>Title</h1></section>',
    # Tags that cannot be counted: one never closed, one closed by "/>".
    '<span class="fact-card"><span>open',
    '<span class="fact-card"><span/>x</span>',
])
def test_a_page_it_cannot_read_exactly_is_given_whole(body):
    assert search_page(wrapped(body)) == wrapped(body)


def build_files(root) -> dict[str, bytes]:
    inputs, problems = read_inputs(root)
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    result = build(inputs, BuildEffects(index_search=None), hashed_names=True)
    assert not result.failed(strict=False), "\n".join(p.format() for p in result.problems)
    return dict(result.files)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-pages") / "corpus"
    generate(root, CORPUS_PAGES)
    shutil.copytree(PROJECT / "templates", root / "templates")
    return root


def records(files: dict[str, bytes]) -> dict[str, tuple[str, dict]]:
    """Each page's record in an index (its fragment's name, its JSON), by URL."""
    found = {}
    for name, data in files.items():
        if name.startswith("fragment/"):
            record = json.loads(gzip.decompress(data)[len(FRAGMENT_HEADER):])
            found[record["url"]] = (name.removeprefix("fragment/").removesuffix(".pf_fragment"), record)
    return found


def without_unshown_text(record: dict) -> dict:
    """The record as a result can show it: Pagefind keeps the text inside each element with an id, but
    pagefind.js reads it for headings only (a result's sections)."""
    anchors = [{**anchor, "text": anchor["text"] if anchor["element"] in ("h1", "h2", "h3", "h4", "h5", "h6") else ""}
               for anchor in record["anchors"]]
    return {**record, "anchors": anchors}


def unpacked(name: str, data: bytes, renamed: dict[str, str]) -> bytes:
    data = gzip.decompress(data) if name.endswith((".pf_meta", ".pf_index")) else data
    for whole, reduced in renamed.items():  # the pages' ids are hashes of their records
        data = data.replace(whole.encode(), reduced.encode())
    return data


@pytest.mark.parametrize("site", ["corpus", "two-editions", "rtl"])
def test_pagefind_makes_the_same_index_of_the_reduced_pages_as_of_the_whole_ones(site, corpus, tmp_path):
    if site != "corpus":
        shutil.copytree(SITES / site, tmp_path / site)
    files = build_files(corpus if site == "corpus" else tmp_path / site)
    pages = {path: files[path] for path in sorted(files) if search.searchable(path)}
    binary = search.pagefind_binary()
    whole = search.run_pagefind(binary, pages)
    reduced_pages = {path: search_page(html) for path, html in pages.items()}
    assert sum(len(html) for html in reduced_pages.values()) < sum(len(html) for html in pages.values())
    reduced = search.run_pagefind(binary, reduced_pages)
    whole_records, reduced_records = records(whole), records(reduced)
    assert whole_records.keys() == reduced_records.keys() == {f"/{path}" for path in pages}
    for url, (_, record) in whole_records.items():
        assert without_unshown_text(record) == without_unshown_text(reduced_records[url][1]), url
    # Every other file (the words' index chunks, the pages' list) is the same once each page's id is, and so is
    # the entry once the pages' list's name (a hash of it) is.
    renamed = {whole_records[url][0]: reduced_records[url][0] for url in whole_records}
    reduced_files = {unpacked(name, data, {}): name for name, data in reduced.items() if not name.startswith("fragment/")}
    for name, data in whole.items():
        if not name.startswith("fragment/") and name != "pagefind-entry.json":
            assert unpacked(name, data, renamed) in reduced_files, name
            other = reduced_files[unpacked(name, data, renamed)]
            renamed[name.split(".")[-2]] = other.split(".")[-2]  # pagefind.en_<hash>.pf_meta
    assert unpacked("pagefind-entry.json", whole["pagefind-entry.json"], renamed) == reduced["pagefind-entry.json"]


class CountedRuns:
    """search_index's run: Pagefind itself, with the pages of each shard's run kept (the vocabulary's aside)."""

    def __init__(self):
        self.runs: list[set[str]] = []

    def __call__(self, binary, pages, niceness):
        if not all(path.split("/")[0].isdigit() for path in pages):
            self.runs.append(set(pages))
        return search.run_pagefind(binary, pages, niceness)


def test_a_fact_label_indexes_no_chapter_again_and_a_word_of_prose_indexes_its_page(corpus, tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(corpus, root)
    counted = CountedRuns()
    before = build_files(root)
    search.search_index(before, root, pages_per_shard=PER_SHARD, run=counted)
    shards = shard_count(sum(map(search.searchable, before)), PER_SHARD)

    edit_fact(root, 0)
    after = build_files(root)
    changed = {path for path in before if search.searchable(path) and before[path] != after[path]}
    label_shown = {path for path in changed if path.startswith("page-")}
    assert len(label_shown) > 1 and all(search_page(before[path]) == search_page(after[path]) for path in label_shown)
    # The pages that show the label where a reader can search it: the Data and Sources pages list every fact.
    searchable_change = {path for path in changed if search_page(before[path]) != search_page(after[path])}
    assert searchable_change == {"data.html", "sources.html"}
    counted.runs.clear()
    index, problems = search.search_index(after, root, pages_per_shard=PER_SHARD, run=counted)
    assert problems == [] and index.pages == len([path for path in after if search.searchable(path)])
    indexed = {shard_of(next(iter(run)), shards) for run in counted.runs}
    assert indexed == {shard_of(path, shards) for path in searchable_change}

    edit_page(root, 0, "page-0007.md")
    edited = build_files(root)
    counted.runs.clear()
    search.search_index(edited, root, pages_per_shard=PER_SHARD, run=counted)
    assert [run for run in counted.runs] == [{path for path in edited if search.searchable(path)
                                               and shard_of(path, shards) == shard_of("page-0007.html", shards)}]


def test_the_kept_hashes_of_the_reduced_pages_are_checked_not_trusted(corpus, tmp_path):
    """A damaged or foreign list of kept hashes costs time, never a stale index."""
    root = tmp_path / "corpus"
    shutil.copytree(corpus, root)
    files = build_files(root)
    first, _ = search.search_index(files, root, pages_per_shard=PER_SHARD)
    [kept] = (root / ".cache" / "search").glob("search-pages-*.json")
    kept.write_bytes(b"garbage")
    again, problems = search.search_index(files, root, pages_per_shard=PER_SHARD)
    assert problems == [] and again.files == first.files and again.cached


def test_a_heading_with_a_fact_is_titled_by_its_own_words():
    """The one difference a reader could see: Pagefind titles a result's section with the text inside its
    heading's elements, a card's among them; from the reduced page, the heading's own words."""
    heading = wrapped(f'<h1>Title</h1><h2 id="arrivals">Arrivals {CARD}</h2><p>Words here.</p>')
    titles = []
    for page in (heading, search_page(heading)):
        [record] = [record for _, record in records(search.run_pagefind(search.pagefind_binary(), {"a.html": page})).values()]
        titles.append([anchor["text"] for anchor in record["anchors"] if anchor["element"] == "h2"])
    whole, reduced = titles
    assert reduced == ["Arrivals"] and whole[0].startswith("Arrivals") and "Label" in whole[0]
