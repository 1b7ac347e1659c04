"""Chart delivery, in the built files: the runtime is not loaded by the page but named for charts.js; each chart
has SVG and PNG downloads (the PNG rendered once and cached) and an embed page with the same CSP; each figure
carries a copyable embed snippet."""
from __future__ import annotations

import re
import shutil
import struct
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.charts import chart_files, load_charts, renderers, svg as pictures
from explainer.charts.card import CARD_TEMPLATE
from explainer.charts.figure import EMBED_WIDTH, embed_of, Picture
from explainer.charts.runtime import RUNTIME_PATH
from explainer.incremental.disk_store import DiskCache
from explainer.site_folder.inputs import read_inputs
from explainer.store.loading import load_fact_store
from explainer.pipeline import build

CHARTS = ("arrivals", "women_share", "elite_defectors", "public_sector")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def built(root: Path):
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    result = build(inputs)
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The charts fixture site, built once, with the fixture's own chart cache."""
    root = tmp_path_factory.mktemp("delivery") / "site"
    shutil.copytree(SITES / "charts", root)
    return built(root)


def figures(html: bytes) -> list[str]:
    return re.findall(r'<figure class="chart".*?</figure>', html.decode("utf-8"), flags=re.S)


def csp(html: bytes) -> str:
    return re.search(rb'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1).decode()


def test_no_page_loads_the_runtime_but_every_figure_names_it_for_charts_js(site):
    assert RUNTIME_PATH in site.files  # written, to be loaded on the first interaction
    for name in ("index.html", "people.html"):
        html = site.files[name]
        assert RUNTIME_PATH.encode() not in re.sub(rb'data-runtime="[^"]*"', b"", html)
        assert b'<script src="assets/charts.js" defer></script>' in html
        for figure in figures(html):
            assert f'data-runtime="{RUNTIME_PATH}"' in figure


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_offers_svg_and_png_downloads_that_are_valid_pictures(site, chart):
    html = site.files["index.html"] + site.files["people.html"]
    figure = next(f for f in figures(html) if f'id="chart-{chart}"' in f)
    assert f'<a href="charts/{chart}.svg" download="{chart}.svg">SVG</a>' in figure
    assert f'<a href="charts/{chart}.png" download="{chart}.png">PNG</a>' in figure
    svg = etree.fromstring(site.files[f"charts/{chart}.svg"])  # parses as XML
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    png = site.files[f"charts/{chart}.png"]
    assert png.startswith(PNG_SIGNATURE) and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    # the light, wide picture, scaled up to 1,200 px, with its title above and its source line below (card.py)
    scale = 1064 / float(svg.get("width"))
    assert width == 1200 and height > scale * float(svg.get("height")) + 100


def test_the_png_is_rendered_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    root = tmp_path / "site"
    shutil.copytree(SITES / "charts", root, ignore=shutil.ignore_patterns(".cache"))
    first = built(root)
    assert len(list((root / ".cache" / "charts").glob("*.png"))) == 2 * len(CHARTS)  # download, share image

    def refuse(*arguments, **options):
        raise AssertionError("rendered a picture whose chart and words did not change")

    monkeypatch.setattr(renderers, "submit", refuse)  # wherever it would render: a renderer or this process
    second = built(root)
    assert (second.charts.rendered, second.charts.cached) == (0, len(CHARTS))
    assert all(second.files[f"charts/{chart}.png"] == first.files[f"charts/{chart}.png"] for chart in CHARTS)
    monkeypatch.undo()
    facts = root / "data" / "facts" / "charted.json"
    facts.write_text(facts.read_text(encoding="utf-8").replace('"value": 54,', '"value": 55,'), encoding="utf-8")
    third = built(root)
    changed = [chart for chart in CHARTS if third.files[f"charts/{chart}.png"] != first.files[f"charts/{chart}.png"]]
    assert len(changed) == 1 and third.charts.rendered == 1


def test_a_png_card_is_kept_under_its_svg(tmp_path, monkeypatch):
    cache = DiskCache(tmp_path)
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><text y="9">{}</text></svg>'
    first = pictures.render_cards({"a.png": svg.format("a")}, cache)
    assert first.errors == {} and first.fresh == {"a.png"} and first.pictures["a.png"].startswith(PNG_SIGNATURE)
    rendered = []
    real = renderers.submit
    monkeypatch.setattr(renderers, "submit",
                        lambda function, item, when=renderers.NOW: rendered.append(item) or real(function, item, when))
    kept = pictures.render_cards({"b.png": svg.format("a")}, cache)  # the same SVG, under another name
    assert kept.pictures == {"b.png": first.pictures["a.png"]} and kept.fresh == set()
    changed = pictures.render_cards({"a.png": svg.format("b")}, cache)
    assert changed.fresh == {"a.png"} and changed.pictures["a.png"].startswith(PNG_SIGNATURE)
    assert rendered == [svg.format("b")]


def test_the_pngs_render_while_the_build_goes_on_and_a_failed_one_is_reported_each_time(tmp_path):
    """load_charts starts the PNGs and chart_files collects them: what resvg could not render is a problem of the
    chart's module, reported by every chart_files of that chart set (the preview reuses it) and failing the build."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "charts", root, ignore=shutil.ignore_patterns("site", ".cache"))
    card = (PROJECT / "templates" / CARD_TEMPLATE).read_text(encoding="utf-8")
    (root / "templates").mkdir()  # without its namespace the card is not SVG to resvg, though Jinja renders it
    (root / "templates" / CARD_TEMPLATE).write_text(card.replace(' xmlns="http://www.w3.org/2000/svg"', ""),
                                                    encoding="utf-8")
    inputs, _ = read_inputs(root)
    store, _ = load_fact_store(inputs.data, inputs.settings.language)
    charts, problems = load_charts(inputs, store)
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    assert charts.cards is not None and not any(path.endswith(".png") for path in charts.files)
    files, found = chart_files(charts, [])
    assert not any(path.endswith(".png") for path in files)
    assert sorted((p.path.name, p.message.split(",")[0]) for p in found) == sorted(
        (f"{name}.py", f"vl-convert could not render charts/{name}{suffix}.png")
        for name in charts.html for suffix in ("", "-share"))
    assert chart_files(charts, [])[1] == found
    assert build(inputs).failed(strict=False)


def test_each_figure_has_an_embed_snippet_with_a_relative_address_and_a_note(site):
    html = site.files["index.html"].decode("utf-8")
    figure = next(f for f in figures(site.files["index.html"]) if 'id="chart-arrivals"' in f)
    assert '<details class="chart-embed">' in figure and '<span class="embed-relative">' in figure
    code = re.search(r'<pre class="embed-code" data-embed-path="embed/arrivals.html"[^>]*><code>(.*?)</code>', figure,
                     flags=re.S).group(1)
    snippet = code.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&amp;", "&")
    assert re.fullmatch(rf'<iframe src="embed/arrivals.html" title="[^"<]+" width="{EMBED_WIDTH}" height="\d+" '
                        r'loading="lazy" style="[^"]*"></iframe>', snippet), snippet
    assert "<iframe" not in html.replace("&lt;iframe", "")  # shown as text, never as a frame on the page


def test_with_a_site_url_the_snippet_is_absolute_and_its_title_escaped():
    wide = Picture("light", "wide", "charts/x.svg", 640, 300, "<svg/>")
    narrow = Picture("light", "narrow", "charts/x-narrow.svg", 328, 340, "<svg/>")
    embed = embed_of("x", 'Say "no" & <go>', [wide, narrow], "Source: a.", "https://example.org/explainer/")
    assert embed.absolute and embed.path == "embed/x.html"
    assert 'src="https://example.org/explainer/embed/x.html"' in embed.snippet
    assert 'title="Say &quot;no&quot; &amp; &lt;go&gt;"' in embed.snippet
    relative = embed_of("x", "T", [wide, narrow], "Source: a.", None)
    assert not relative.absolute and 'src="embed/x.html"' in relative.snippet


def test_the_snippets_frame_grows_with_the_tallest_picture_and_the_text_that_wraps():
    def height(pictures, title="T", source_line="Source: a.") -> int:
        snippet = embed_of("x", title, pictures, source_line, None).snippet
        return int(re.search(r'height="(\d+)"', snippet).group(1))

    wide = Picture("light", "wide", "charts/x.svg", 640, 300, "<svg/>")
    tall = Picture("light", "narrow", "charts/x-narrow.svg", 328, 340, "<svg/>")
    assert height([wide, tall]) - height([wide]) == 40
    assert height([wide], title="T" * 100) > height([wide]) < height([wide], source_line="S" * 300)


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_has_an_embed_page_with_the_same_csp_and_a_link_back(site, chart):
    page = site.files[f"embed/{chart}.html"]
    assert csp(page) == csp(site.files["index.html"])
    text = page.decode("utf-8")
    assert "frame-ancestors" not in text and "top.location" not in text  # nothing stops it being framed
    (figure,) = figures(page)
    assert f'data-runtime="../{RUNTIME_PATH}"' in figure
    assert f'src="../charts/{chart}.svg"' in figure and 'href="../sources.html#source-' in figure
    assert re.search(r"Data as of [^<.]+\.</p>", figure)
    assert "chart-embed" not in figure and "chart-downloads" not in figure  # the page's extras stay there
    shown_on = "index.html" if chart in figures_on(site, "index.html") else "people.html"
    assert f'href="../{shown_on}#chart-{chart}"' in text
    assert '<script src="../assets/charts.js" defer></script>' in text
    for link in re.findall(r'(?:href|src|srcset)="([^"]*)"', text):
        assert link.startswith("../") and "://" not in link, link


def figures_on(site, name: str) -> set[str]:
    return set(re.findall(r'<figure class="chart" id="chart-([a-z_]+)"', site.files[name].decode("utf-8")))


def test_the_embed_pages_are_deterministic(site, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "charts", root)
    again = built(root)
    assert {path: again.files[path] for path in again.files if path.startswith(("embed/", "charts/"))} == {
        path: site.files[path] for path in site.files if path.startswith(("embed/", "charts/"))}



def test_the_runtime_is_made_once_per_program_even_when_the_store_is_not_read(tmp_path, monkeypatch):
    """--no-cache reads nothing from the store: the second edition took the runtime from this program, not from a
    second making in the build's own process (1.1 s of the project's build); the store still receives it."""
    from explainer.charts import runtime
    from explainer.effects.boundary import WRITE_ONLY

    made: list[str] = []
    monkeypatch.setattr(runtime, "_made", {})
    monkeypatch.setattr(runtime, "_making", {})  # nothing an earlier test started
    monkeypatch.setattr(runtime, "SHIPPED", tmp_path / "none shipped")  # as with another version of vl-convert
    monkeypatch.setattr(runtime, "_shipped_bundle", runtime._shipped_bundle.__wrapped__)  # no answer kept
    monkeypatch.setattr(runtime, "make_bundle", lambda snippet: made.append(snippet) or b"/* the bundle */")
    cache = DiskCache(tmp_path / "runtime")
    with WRITE_ONLY.in_force():
        first, second = runtime.runtime_files(cache), runtime.runtime_files(cache)
    assert first == second == ({RUNTIME_PATH: b"/* the bundle */"}, [])
    assert made == [runtime.SNIPPET]
    assert cache.get(runtime._bundle_name()) == b"/* the bundle */"


def test_the_shipped_runtime_is_the_bundle_the_pinned_vl_convert_makes(tmp_path, monkeypatch):
    """The runtime shipped in explainer/charts/vendor/ is what a build publishes in place of making it: its bytes must
    be the bundle the installed vl-convert makes (vendor/README.md says how to write it again), and a build uses it
    without making one or touching the store."""
    import gzip

    from explainer.charts import runtime

    shipped = runtime._shipped(runtime._bundle_name())
    assert shipped.is_file(), f"no runtime shipped for this vl-convert: write {shipped.name} (vendor/README.md)"
    assert sorted(path.name for path in runtime.SHIPPED.glob("*.gz")) == [shipped.name]  # no other version's left
    assert gzip.decompress(shipped.read_bytes()) == runtime.make_bundle.__wrapped__(runtime.SNIPPET)

    monkeypatch.setattr(runtime, "_made", {})
    monkeypatch.setattr(runtime, "_making", {})
    monkeypatch.setattr(runtime, "make_bundle", lambda snippet: pytest.fail("made a bundle that is shipped"))
    cache = DiskCache(tmp_path / "runtime")
    runtime.start_runtime(cache)
    assert runtime._making == {}
    assert runtime.runtime_files(cache) == ({RUNTIME_PATH: gzip.decompress(shipped.read_bytes())}, [])
    assert cache.get(runtime._bundle_name()) is None


@pytest.mark.parametrize("damage", [lambda data: data[: len(data) // 2], lambda data: data[:-9] + b"\0" * 9,
                                    lambda data: b""])
def test_a_damaged_shipped_runtime_is_made_instead(tmp_path, monkeypatch, damage):
    """A shipped runtime cut short or changed (gzip checks its length and CRC) is never published: the bundle is made,
    as for a version with none shipped."""
    import gzip

    from explainer.charts import runtime

    name = runtime._bundle_name()
    shipped = tmp_path / "vendor"
    shipped.mkdir()
    (shipped / f"{name}.gz").write_bytes(damage(gzip.compress(b"/* the shipped bundle */" * 100, mtime=0)))
    monkeypatch.setattr(runtime, "SHIPPED", shipped)
    monkeypatch.setattr(runtime, "_made", {})
    monkeypatch.setattr(runtime, "_making", {})
    runtime._shipped_bundle.cache_clear()
    monkeypatch.setattr(runtime, "make_bundle", lambda snippet: b"/* made */")
    try:
        assert runtime.runtime_files(DiskCache(tmp_path / "runtime")) == ({RUNTIME_PATH: b"/* made */"}, [])
    finally:
        runtime._shipped_bundle.cache_clear()
