"""Publishing, without a browser: sitemap.xml and robots.txt list exactly the reader pages (only with site.json's
url; without it no absolute address to the site is written), `python build.py` gives hashed names whose every
reference resolves, the same bytes twice, and a _headers file with the pages' policy and a year's caching for the
hashed files only; site.json's url and licence are checked; each page's "last updated" date, citation and licence."""
from __future__ import annotations

import fnmatch
import html
import json
import posixpath
import re
import shutil
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from explainer import cli
from explainer.site_folder.inputs import DEFAULT_LICENCE
from explainer.render.layout import reader_pages

from conftest import SITES, build_to

URL = "https://example.org/explainer/"
HASHED = re.compile(r"\.[0-9a-f]{10}\.[A-Za-z0-9]+$")  # name.<10 hex digits>.ext (explainer/publish/fingerprint.py)
IMMUTABLE = "Cache-Control: public, max-age=31536000, immutable"
ABSOLUTE = re.compile(r"https?://[^\s\"'<>)\\]+")


# --- the fixture site (tests/sites/charts: chapters, charts, so embed pages and share images) ----------------------

@pytest.fixture(scope="module")
def chart_site(tmp_path_factory) -> Path:
    """One copy of tests/sites/charts; its .cache/ (the charts' SVGs) is warm after the first build."""
    root = tmp_path_factory.mktemp("charts") / "charts"
    shutil.copytree(SITES / "charts", root)
    return root


def site_copy(source: Path, folder: Path, **settings) -> Path:
    """A copy of a site folder (with its warm cache) whose site.json has these settings added or replaced."""
    shutil.copytree(source, folder)
    path = folder / "site.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), **settings}, indent=2) + "\n",
                    encoding="utf-8")
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def chapter_urls(root: Path) -> list[str]:
    return sorted(f"{path.stem}.html" for path in (root / "content").glob("*.md"))


def listed_paths(root: Path) -> set[str]:
    """What sitemap.xml must list: outputs.reader_pages, the chapters and then the listed outputs."""
    return {page if isinstance(page, str) else page.url for page in reader_pages(chapter_urls(root))}


def cli_build(root: Path, out: Path, capsys, *extra: str) -> int:
    code = cli.main(["build", "--root", str(root), "--out", str(out), *extra])
    capsys.readouterr()
    return code


@pytest.fixture(scope="module")
def published(chart_site, tmp_path_factory):
    """`python build.py` of the fixture with a url (twice, into two folders) and without one."""
    folder = tmp_path_factory.mktemp("published")
    with_url = site_copy(chart_site, folder / "with-url", url=URL)
    without = site_copy(chart_site, folder / "without-url")
    outs = {"first": folder / "first", "second": folder / "second", "no-url": folder / "no-url"}
    for name, root in (("first", with_url), ("second", with_url), ("no-url", without)):
        code = cli.main(["build", "--root", str(root), "--out", str(outs[name])])
        assert code == 0, name
    return outs


class Links(HTMLParser):
    """Every URL a page names: (tag, attribute, value), and its <meta> properties and names."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.times: list[str] = []
        self.in_page_meta = False

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta[key] = attributes.get("content") or ""
                if key in ("og:image", "og:url", "twitter:image"):
                    self.urls.append((tag, key, attributes.get("content") or ""))
        if tag == "link" and attributes.get("rel") == "canonical":
            self.canonical.append(attributes.get("href") or "")
        if tag == "p" and "page-meta" in (attributes.get("class") or "").split():
            self.in_page_meta = True
        if tag == "time" and self.in_page_meta:
            self.times.append(attributes.get("datetime") or "")
        for name, value in attributes.items():
            if value is None:
                continue
            if name in ("href", "src", "poster"):
                self.urls.append((tag, name, value))
            elif name == "srcset":
                self.urls += [(tag, name, candidate.strip().split(" ")[0]) for candidate in value.split(",")]
            elif name.startswith("data-") and re.fullmatch(r"[\w./-]+\.(?:html|js|css|svg|png|json|csv)(?:#.*)?", value):
                self.urls.append((tag, name, value))

    def handle_endtag(self, tag):
        if tag == "p":
            self.in_page_meta = False


def parse(text: str) -> Links:
    parser = Links()
    parser.feed(text)
    return parser


def css_urls(text: str) -> list[str]:
    return [next(group for group in match.groups() if group is not None) for match in re.finditer(
        r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", text)]


def site_target(file: str, url: str, site_url: str) -> str | None:
    """The site-relative path a reference in file names, or None if it names nothing of the site."""
    if site_url and url.startswith(site_url):  # an absolute address of the site: relative to its root
        return posixpath.normpath(unquote(urlsplit(url[len(site_url):]).path) or "index.html")
    site_path = urlsplit(site_url).path
    if site_path and url.startswith(site_path):  # from the root of the site's address, as 404.html's are
        return posixpath.normpath(unquote(urlsplit(url[len(site_path):]).path) or "index.html")
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:  # another site, mailto:, data:, or "#anchor" alone
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(file), unquote(parts.path)))


def headers_rules(text: str) -> dict[str, list[str]]:
    """A _headers file (Netlify, Cloudflare Pages): each path pattern and its header lines."""
    rules: dict[str, list[str]] = {}
    pattern = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            pattern = line.strip()
            rules.setdefault(pattern, [])
        else:
            rules[pattern].append(line.strip())
    return rules


def policy(text: str) -> dict[str, set[str]]:
    directives: dict[str, set[str]] = {}
    for directive in text.split(";"):
        if directive.split():
            name, *sources = directive.split()
            directives.setdefault(name, set()).update(sources)
    return directives


def page_policy(page: str) -> dict[str, set[str]]:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert match, "a page without its Content-Security-Policy"
    return policy(html.unescape(match.group(1)))


# --- sitemap.xml and robots.txt --------------------------------------------------------------------------------------

def test_with_a_url_the_sitemap_lists_exactly_the_reader_pages_with_absolute_addresses(chart_site, tmp_path):
    root = site_copy(chart_site, tmp_path / "site", url=URL)
    result = build_to(root, tmp_path / "out")
    assert [page.url for page in result.pages] and set(page.url for page in result.pages) == set(chapter_urls(root))
    tree = etree.fromstring(result.files["sitemap.xml"])
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [element.text for element in tree.findall("s:url/s:loc", namespace)]
    assert len(locations) == len(set(locations))
    assert all(location.startswith(URL) for location in locations), locations
    listed = {location[len(URL):] or "index.html" for location in locations}
    expected = listed_paths(root)
    assert {"sources.html", "data.html", "corrections.html", "contents.html"} <= expected
    assert listed == expected
    assert URL in locations  # the home page is the site's address itself, not …/index.html
    # Every other page the site writes is one readers do not land on: the 404 page, search and the embeds.
    pages = {path for path in result.files if path.endswith(".html")}
    assert any(path.startswith("embed/") for path in pages)
    assert pages - listed == {"404.html", "search.html", *(path for path in pages if path.startswith("embed/"))}
    # Each page's <lastmod> is the "last updated" date its footer shows.
    for element in tree.findall("s:url", namespace):
        path = element.find("s:loc", namespace).text[len(URL):] or "index.html"
        footer = parse(result.files[path].decode()).times
        lastmod = element.find("s:lastmod", namespace)
        assert (lastmod.text if lastmod is not None else None) == (footer[0] if footer else None), path


def test_with_a_url_robots_txt_names_the_sitemap(chart_site, tmp_path):
    root = site_copy(chart_site, tmp_path / "site", url=URL)
    robots = build_to(root, tmp_path / "out").files["robots.txt"].decode()
    lines = [line.strip() for line in robots.splitlines() if line.strip()]
    assert "User-agent: *" in lines
    assert f"Sitemap: {URL}sitemap.xml" in lines
    assert not [line for line in lines if line.lower().startswith("disallow:") and line.split(":", 1)[1].strip()]


def test_with_a_url_each_reader_page_has_its_canonical_address_and_og_url(chart_site, tmp_path):
    root = site_copy(chart_site, tmp_path / "site", url=URL)
    files = build_to(root, tmp_path / "out").files
    for path in listed_paths(root):
        page = parse(files[path].decode())
        address = URL if path == "index.html" else URL + path
        assert page.canonical == [address], path
        assert page.meta.get("og:url") == address, path
        assert page.meta["og:image"].startswith(URL), path


def test_without_a_url_there_is_no_sitemap_and_no_absolute_address_to_the_site(chart_site, tmp_path):
    root = site_copy(chart_site, tmp_path / "site")
    files = build_to(root, tmp_path / "out").files
    assert "sitemap.xml" not in files
    assert "sitemap" not in files["robots.txt"].decode().lower()
    for path in (path for path in files if path.endswith(".html")):
        page = parse(files[path].decode())
        assert page.canonical == [], path
        assert "og:url" not in page.meta, path
        for key in ("og:image", "twitter:image"):
            assert not page.meta.get(key, "").startswith(("http:", "https:", "//")), (path, key)
    # The only absolute addresses are other sites' (sources, the licence): exactly those a build with a url has
    # besides its own addresses.
    with_url = build_to(site_copy(chart_site, tmp_path / "with-url", url=URL), tmp_path / "out-url").files

    def absolute(built, own=None):
        found = set()
        for path, data in built.items():
            if path.startswith("pagefind/") or path in ("sitemap.xml", "corrections.xml") or not path.endswith(
                    (".html", ".xml", ".txt", ".json", ".css", ".svg")):
                continue  # written only with a url (their XML namespaces are addresses too)
            found |= {html.unescape(url) for url in ABSOLUTE.findall(data.decode("utf-8", errors="replace"))}
        return {url for url in found if not (own and url.startswith(own))}

    others = absolute(files)
    assert others and others == absolute(with_url, own=URL)


# --- python build.py: hashed names, references, identical builds, _headers --------------------------------------

def test_published_assets_and_chart_pictures_have_a_content_hash_in_their_names(published):
    files = files_of(published["first"])
    assets = [path for path in files if path.startswith("assets/")]
    pictures = [path for path in files if re.fullmatch(r"charts/[^/]+\.(svg|png)", path)]
    assert len(assets) >= 5 and len(pictures) >= 8
    assert [path for path in assets + pictures if not HASHED.search(path)] == []
    assert any(path.startswith("assets/vendor/") for path in assets)  # the chart runtime, when a page has a chart
    # Share cards too; what people link to keeps its name: pages, data downloads and the search index.
    assert [path for path in files if path.startswith("share/") and not HASHED.search(path)] == []
    kept = [path for path in files if path.endswith((".html", ".csv", ".json", ".xml", ".txt"))
            or path.startswith(("data/", "pagefind/")) or path == "_headers"]
    assert "charts/arrivals.csv" in kept and "charts/arrivals.json" in kept and "index.html" in kept
    assert [path for path in kept if HASHED.search(path) and not path.startswith("pagefind/")] == []


@pytest.mark.parametrize("build", ["first", "no-url"])
def test_every_reference_in_every_published_page_and_stylesheet_reaches_a_file(published, build):
    out = published[build]
    files = files_of(out)
    site_url = URL if build == "first" else ""
    broken, checked = [], 0
    for path, data in files.items():
        if path.startswith("pagefind/"):
            continue
        if path.endswith(".html"):
            references = [value for _, _, value in parse(data.decode()).urls]
        elif path.endswith(".css"):
            references = css_urls(data.decode())
        else:
            continue
        for reference in references:
            target = site_target(path, reference.strip(), site_url)
            if target is None:
                continue
            checked += 1
            if target not in files:
                broken.append((path, reference))
    assert broken == []
    assert checked > 100
    # The pages name the hashed files, the stylesheet among them.
    index = files["index.html"].decode()
    assert re.search(r'href="assets/style\.[0-9a-f]{10}\.css"', index)


def test_two_published_builds_of_the_same_input_are_byte_identical(published):
    first, second = files_of(published["first"]), files_of(published["second"])
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []


def test_headers_send_the_union_of_the_pages_policies_and_the_referrer_policy(published):
    out = published["first"]
    rules = headers_rules((out / "_headers").read_text(encoding="utf-8"))
    every_page = rules["/*"]
    [header] = [line for line in every_page if line.startswith("Content-Security-Policy:")]
    sent = policy(header.split(":", 1)[1])
    pages = {path: (out / path).read_text(encoding="utf-8") for path in files_of(out) if path.endswith(".html")}
    union: dict[str, set[str]] = {}
    for text in pages.values():
        for name, sources in page_policy(text).items():
            union.setdefault(name, set()).update(sources)
    assert sent == union
    assert "'wasm-unsafe-eval'" in sent["script-src"]  # the search page's, for Pagefind's WebAssembly
    assert "'wasm-unsafe-eval'" in page_policy(pages["search.html"])["script-src"]
    others = [path for path, text in pages.items() if path != "search.html"
              and "'wasm-unsafe-eval'" in page_policy(text)["script-src"]]
    assert others == []
    assert not [path for path, text in pages.items() if any("'unsafe-eval'" in sources or "'unsafe-inline'" in sources
                                                            for sources in page_policy(text).values())]
    assert "'unsafe-eval'" not in sent["script-src"]
    assert "Referrer-Policy: no-referrer" in every_page
    assert not [line for line in every_page if line.startswith("Cache-Control")]  # pages are revalidated


def test_headers_cache_the_hashed_files_for_a_year_and_nothing_else(published):
    out = published["first"]
    rules = headers_rules((out / "_headers").read_text(encoding="utf-8"))
    forever = [pattern for pattern, lines in rules.items() if IMMUTABLE in lines]
    assert forever and "/*" not in forever

    def cached(path: str) -> bool:
        return any(fnmatch.fnmatchcase("/" + path, pattern) for pattern in forever)

    files = files_of(out)
    hashed = [path for path in files if HASHED.search(path) and not path.startswith("pagefind/")]
    assert len(hashed) > 10
    assert [path for path in hashed if not cached(path)] == []
    fresh = [path for path in files if path.endswith(".html") or path.startswith(("data/", "pagefind/"))
             or re.fullmatch(r"charts/[^/]+\.(csv|json)", path) or path in ("robots.txt", "sitemap.xml")]
    assert "data.html" in fresh and "charts/arrivals.csv" in fresh and "sitemap.xml" in fresh
    assert [path for path in fresh if cached(path)] == []


# --- site.json: url and licence ---------------------------------------------------------------------------------

def site_json_problem(root: Path, tmp_path: Path, key: str, value, capsys) -> tuple[int, str, tuple[str, str]]:
    """Write site.json with key on its own line, build, and say (exit code, stderr, the two places the problem may
    be reported at: the setting's name or its value, on line 4)."""
    text = ('{\n  "title": "Charts fixture",\n  "language": "en",\n'
            f'  "{key}": {json.dumps(value)}\n}}\n')
    (root / "site.json").write_text(text, encoding="utf-8")
    code = cli.main(["build", "--root", str(root), "--out", str(tmp_path / "out")])
    errors = capsys.readouterr().err
    line = text.splitlines()[3]
    name_column, value_column = line.index(json.dumps(key)) + 1, line.index(json.dumps(value)) + 1
    return code, errors, (f"site.json:4:{name_column}: ", f"site.json:4:{value_column}: ")


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://x", "https://x/?q=1", "https://x/#top", "//x/",
                                   "https://user@x/", "x/y/", "https://x/ y", 42, ["https://x/"]])
def test_a_bad_url_in_site_json_is_one_problem_at_its_line_and_column_and_no_traceback(chart_site, tmp_path,
                                                                                       capsys, value):
    root = site_copy(chart_site, tmp_path / "site")
    code, errors, where = site_json_problem(root, tmp_path, "url", value, capsys)
    # README: "Exit codes: 0 built, 1 problems in the input, 2 bad arguments"; site.json is input.
    assert code == cli.EXIT_PROBLEMS
    assert errors.startswith(tuple(place + '"url" must be the absolute http(s) address the site is published at'
                                   for place in where)), errors
    assert errors.count("site.json:") == 1  # one problem
    assert "Traceback" not in errors and "internal error" not in errors
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://x", "https://x/?q=1", "not a url"])
def test_a_bad_url_on_the_command_line_is_a_bad_argument(chart_site, tmp_path, capsys, value):
    code = cli.main(["build", "--root", str(chart_site), "--out", str(tmp_path / "out"), "--url", value])
    errors = capsys.readouterr().err
    assert code == cli.EXIT_USAGE
    assert "--url" in errors and "http(s)" in errors and "Traceback" not in errors
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["https://example.org/explainer", "http://127.0.0.1:8000/a/b/"])
def test_a_good_url_in_site_json_builds_and_ends_in_a_slash(chart_site, tmp_path, capsys, value):
    root = site_copy(chart_site, tmp_path / "site", url=value)
    assert cli_build(root, tmp_path / "out", capsys) == cli.EXIT_OK
    expected = value if value.endswith("/") else value + "/"
    assert f"Sitemap: {expected}sitemap.xml" in (tmp_path / "out" / "robots.txt").read_text()
    assert f'<link rel="canonical" href="{expected}people.html">' in (tmp_path / "out" / "people.html").read_text()


@pytest.mark.parametrize("value", ["CC BY 4.0", {"name": ""}, {"url": "https://x/"}, {"name": "X", "url": "ftp://x"},
                                   {"name": "X", "url": "javascript:alert(1)"}, {"name": "X", "year": 2026}])
def test_a_bad_licence_in_site_json_is_one_problem_at_its_line_and_column(chart_site, tmp_path, capsys, value):
    root = site_copy(chart_site, tmp_path / "site")
    code, errors, where = site_json_problem(root, tmp_path, "licence", value, capsys)
    assert code == cli.EXIT_PROBLEMS
    assert errors.startswith(tuple(place + '"licence" must be {"name": ' for place in where)), errors
    assert errors.count("site.json:") == 1
    assert "Traceback" not in errors and not (tmp_path / "out").exists()


# --- "last updated", the citation and the licence ---------------------------------------------------------------

def source(source_id: str, accessed: str, text: str) -> dict:
    return {"id": source_id, "title": f"Report {source_id}", "publisher": "Example Office", "kind": "official",
            "url": f"https://example.com/{source_id}", "published": "2025-01-10", "accessed": accessed,
            "excerpts": [{"id": "main", "text": text}]}


def fact(fact_id: str, value: int, source_id: str, corrected: str) -> dict:
    return {"id": fact_id, "value": value, "unit": "people", "label": f"People counted in {fact_id}",
            "as_of": "2024-12-31", "source": source_id, "excerpt": "main",
            "corrections": [{"value": value + 1, "date": corrected, "reason": "We first wrote one more."}]}


@pytest.fixture
def dated_site(tmp_path) -> Path:
    """A site whose pages each have a known "last updated" date:
    index: cites alpha (accessed 2026-03-01), shows a fact corrected on 2026-05-10   → 2026-05-10 (the correction)
    beta:  shows a fact of beta (accessed 2026-04-02), corrected on 2026-01-15       → 2026-04-02 (the access)
    gamma: cites gamma (accessed 2026-06-20), shows no fact                           → 2026-06-20
    delta: shows a fact of delta (accessed 2026-08-30), corrected on 2025-02-01      → 2026-08-30
    Sources, Data, Corrections, Contents show or list the whole store: the latest of all, 2026-08-30."""
    root = tmp_path / "dated"
    for folder in ("content", "data/sources", "data/facts"):
        (root / folder).mkdir(parents=True)
    sources = [source("alpha", "2026-03-01", "We counted 120 people."), source("beta", "2026-04-02", "There were 45."),
               source("gamma", "2026-06-20", "The office keeps the register."),
               source("delta", "2026-08-30", "The register has 7 entries.")]
    for item in sources:
        (root / "data" / "sources" / f"{item['id']}.json").write_text(json.dumps(item, indent=1), encoding="utf-8")
    facts = [fact("alpha-count", 120, "alpha", "2026-05-10"), fact("beta-count", 45, "beta", "2026-01-15"),
             fact("delta-count", 7, "delta", "2025-02-01")]
    (root / "data" / "facts" / "counts.json").write_text(json.dumps({"facts": facts}, indent=1), encoding="utf-8")
    pages = {"index": ("Dated", 0, "The office counted {{alpha-count}} people [@alpha]."),
             "beta": ("Beta", 1, "It found {{beta-count}} more."),
             "gamma": ("Gamma", 2, "The office keeps a register [@gamma]."),
             "delta": ("Delta", 3, "The register has {{delta-count}} entries.")}
    for slug, (title, order, body) in pages.items():
        (root / "content" / f"{slug}.md").write_text(f"---\ntitle: {title}\nsummary: The {title} page.\n"
                                                     f"order: {order}\n---\n{body}\n", encoding="utf-8")
    (root / "site.json").write_text(json.dumps({"title": "Dated site", "language": "en"}), encoding="utf-8")
    return root


def footer(page: str) -> str:
    match = re.search(r'<p class="page-meta">(.*?)</p>', page, re.S)
    assert match, "the page has no page-meta footer"
    return match.group(1)


def citation(page: str) -> str:
    match = re.search(r'<p class="citation">(.*?)</p>', page, re.S)
    assert match, "the page has no citation"
    return html.unescape(match.group(1))


def test_a_pages_last_updated_date_is_the_latest_of_its_sources_access_and_its_facts_corrections(dated_site,
                                                                                                 tmp_path):
    expected = {"index.html": ("2026-05-10", "10 May 2026"), "beta.html": ("2026-04-02", "2 April 2026"),
                "gamma.html": ("2026-06-20", "20 June 2026"), "delta.html": ("2026-08-30", "30 August 2026")}
    # Pages that show or list the whole store take the latest date of all.
    expected |= {path: ("2026-08-30", "30 August 2026") for path in
                 ("sources.html", "data.html", "corrections.html", "contents.html")}
    files = build_to(dated_site, tmp_path / "out").files
    for path, (iso, label) in expected.items():
        page = files[path].decode()
        assert f'Last updated <time datetime="{iso}">{label}</time>' in footer(page), path
        assert f'<meta property="article:modified_time" content="{iso}">' in page, path
        assert f"last updated {label}." in citation(page), path
        assert f"last updated {label}." in re.search(r'<p class="print-address">(.*?)</p>', page, re.S).group(1)
    # Pages that show no figure carry no date.
    for path in ("404.html", "search.html"):
        assert "Last updated" not in files[path].decode(), path
        assert "article:modified_time" not in files[path].decode(), path


def test_a_correction_moves_the_date_of_only_the_pages_that_show_the_fact(dated_site, tmp_path):
    facts_path = dated_site / "data" / "facts" / "counts.json"
    store = json.loads(facts_path.read_text())
    store["facts"][1]["corrections"][0]["date"] = "2026-07-04"  # beta-count, shown on beta.html only
    facts_path.write_text(json.dumps(store), encoding="utf-8")
    files = build_to(dated_site, tmp_path / "out").files
    assert '<time datetime="2026-07-04">' in footer(files["beta.html"].decode())
    assert '<time datetime="2026-05-10">' in footer(files["index.html"].decode())
    assert '<time datetime="2026-06-20">' in footer(files["gamma.html"].decode())


def test_the_licence_defaults_to_cc_by_4_0_and_the_citation_names_title_site_and_date(dated_site, tmp_path):
    files = build_to(dated_site, tmp_path / "out").files
    assert DEFAULT_LICENCE.name == "CC BY 4.0"
    for path in ("index.html", "beta.html", "sources.html", "data.html"):
        page = files[path].decode()
        assert ('Text and data may be reused under <a href="https://creativecommons.org/licenses/by/4.0/" '
                'rel="license noopener noreferrer">CC BY 4.0</a>') in footer(page), path
        assert footer(page).startswith("Last updated")  # no author in site.json: no byline
    assert citation(files["beta.html"].decode()) == "“Beta”, Dated site, last updated 2 April 2026."
    assert citation(files["index.html"].decode()) == "“Dated site”, last updated 10 May 2026."
    dataset = re.search(r'<script type="application/ld\+json">(.*?)</script>', files["data.html"].decode(), re.S)
    document = json.loads(dataset.group(1))
    assert document["@type"] == "Dataset" and document["license"] == DEFAULT_LICENCE.url
    assert document["dateModified"] == "2026-08-30"
    assert all(not item["contentUrl"].startswith("http") for item in document["distribution"])


def test_site_json_gives_the_author_licence_and_address_of_the_citation(dated_site, tmp_path):
    settings = {"title": "Dated site", "language": "en", "url": "https://example.org/news/",
                "author": "The Example Desk",
                "licence": {"name": "CC BY-SA 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0/"}}
    (dated_site / "site.json").write_text(json.dumps(settings), encoding="utf-8")
    files = build_to(dated_site, tmp_path / "out").files
    beta = files["beta.html"].decode()
    assert "The Example Desk." in footer(beta).split("Last updated")[0]  # the byline comes first
    assert ('<a href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license noopener noreferrer">'
            'CC BY-SA 4.0</a>') in footer(beta)
    assert "CC BY 4.0" not in beta
    assert citation(beta) == ("The Example Desk. “Beta”, Dated site, last updated 2 April 2026. "
                              "https://example.org/news/beta.html")
    assert citation(files["index.html"].decode()).endswith("last updated 10 May 2026. https://example.org/news/")
    document = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                    files["data.html"].decode(), re.S).group(1))
    assert document["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert document["creator"] == {"@type": "Organization", "name": "The Example Desk"}
    assert all(item["contentUrl"].startswith("https://example.org/news/") for item in document["distribution"])


def test_a_tag_written_alike_in_two_folders_names_each_folders_hashed_file():
    """The same tag text in pages of two folders names two files: each page's reference is rewritten to its own
    folder's hashed name, though the rewriting of a tag is remembered (fingerprint.Renaming.rewritten_tags)."""
    from explainer.publish.fingerprint import renaming

    files = {"charts/pic.png": b"a chart's picture", "ko/charts/pic.png": b"the Korean edition's picture"}
    names = renaming(files)
    tag = '<img src="charts/pic.png" alt="">'
    _, root_page = names.finished("index.html", tag.encode())
    _, korean_page = names.finished("ko/index.html", tag.encode())
    _, root_again = names.finished("other.html", tag.encode())
    assert names.renamed["charts/pic.png"] != names.renamed["ko/charts/pic.png"]
    assert root_page == root_again == f'<img src="{names.renamed["charts/pic.png"]}" alt="">'.encode()
    assert korean_page == f'<img src="{names.renamed["ko/charts/pic.png"].removeprefix("ko/")}" alt="">'.encode()
