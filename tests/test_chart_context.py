"""Charts that carry their context off the page, and the addresses the site publishes (issue 21, items 6 and 7):
each chart's PNG download and share image show its title, source line and the site's name, the share image at
1.91:1; 404.html leads from the site's root when site.json gives a url; a build that writes share tags or embed
snippets without a url warns once, and --strict stops it."""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.charts.card import SHARE_SIZE, TEXT, TITLE, CardWords, chart_card, site_words, wrap
from explainer.render.page_meta import root_relative
from explainer.render.templates import make_environment
from explainer.site_folder.inputs import read_inputs
from explainer.pipeline import build

CHARTS = ("arrivals", "women_share", "elite_defectors", "public_sector")
SVG = "{http://www.w3.org/2000/svg}"


def built(root: Path, url: str | None = None):
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    if url is not None:  # as `--url` does (cli.py)
        inputs = dataclasses.replace(inputs, settings=dataclasses.replace(inputs.settings, url=url))
    result = build(inputs, hashed_names=True)
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    return result


def copy_of(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(SITES / name, root, ignore=shutil.ignore_patterns("site"))
    return root


@pytest.fixture(scope="module")
def charts_site(tmp_path_factory):
    return built(copy_of("charts", tmp_path_factory.mktemp("context")))


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def hashed(files: dict[str, bytes], path: str) -> bytes:
    """The file published under path's content-hashed name (charts/arrivals.png → charts/arrivals.<hash>.png)."""
    stem, extension = path.rsplit(".", 1)
    found = [name for name in files if re.fullmatch(re.escape(stem) + r"\.[0-9a-f]{10}\." + extension, name)]
    assert len(found) == 1, (path, found)
    return files[found[0]]


def meta(html: bytes, name: str) -> str:
    return re.search(rf'<meta (?:property|name)="{name}" content="([^"]*)"'.encode(), html).group(1).decode()


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_has_a_download_and_a_share_image_at_1_91_to_1(charts_site, chart):
    download = png_size(hashed(charts_site.files, f"charts/{chart}.png"))
    share = png_size(hashed(charts_site.files, f"charts/{chart}-share.png"))
    assert share == SHARE_SIZE == (1200, 628) and round(share[0] / share[1], 2) == 1.91
    assert download[0] == 1200 and download[1] > 300  # as tall as the chart and its words need


def test_a_chart_page_shares_its_first_chart_s_share_image_and_says_its_size(charts_site):
    page = charts_site.files["index.html"]
    image = meta(page, "og:image")
    assert re.fullmatch(r"charts/arrivals-share\.[0-9a-f]{10}\.png", image), image
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "628")
    assert meta(page, "twitter:image") == image and meta(page, "twitter:card") == "summary_large_image"


def test_title_cards_have_the_same_size(charts_site):
    page = charts_site.files["plain.html"]
    assert meta(page, "og:image").startswith("share/")
    assert png_size(charts_site.files[meta(page, "og:image")]) == SHARE_SIZE


def card(title="Arrivals peaked in 2009", source="Source: Ministry of Unification. Data as of 2025.",
         site="Charts fixture", size=SHARE_SIZE, chart='<svg xmlns="http://www.w3.org/2000/svg" width="640" '
         'height="300" viewBox="0 0 640 300"><text>in the chart</text></svg>'):
    inputs, _ = read_inputs(SITES / "charts")
    return chart_card(make_environment(inputs.templates), chart, CardWords(title, source, site), "#0072b2", size)


def texts(svg: str) -> list[str]:
    return [element.text for element in etree.fromstring(svg).iter(f"{SVG}text")]


def test_the_card_says_the_title_the_source_line_and_the_site_s_name_as_text():
    hostile = 'Arrivals <script>alert(1)</script> & "quotes"'
    svg = card(title=hostile, source="Source: A & B <i>. Data as of 2025.", site="Site <b>name</b>")
    written = texts(svg)  # parses as XML: every word was escaped
    assert " ".join(written[:2]).startswith("Arrivals <script>alert(1)</script>")
    assert "Source: A & B <i>. Data as of 2025." in written and written[-1] == "Site <b>name</b>"
    assert "in the chart" in written  # the chart's own SVG, the one piece of markup, inside the card
    assert "<script" not in svg


def test_the_share_card_is_exactly_its_size_and_the_download_grows_with_the_chart():
    share = etree.fromstring(card())
    assert (share.get("width"), share.get("height")) == ("1200", "628")
    short = etree.fromstring(card(size=None, chart='<svg width="640" height="200"></svg>'))
    tall = etree.fromstring(card(size=None, chart='<svg width="640" height="600"></svg>'))
    assert int(short.get("height")) < int(tall.get("height"))


def test_the_chart_is_drawn_as_a_group_of_its_own_elements_not_a_nested_svg(charts_site):
    """resvg draws an <svg> inside the card's into a clipped layer of the whole card (77 ms of a card's 200): the
    picture vl-convert wrote goes in as a group, its elements unchanged, where its root says nothing a group
    cannot (vl-convert's always: its size, namespaces and class)."""
    picture = hashed(charts_site.files, "charts/arrivals.svg").decode("utf-8")
    share = card(chart=picture)
    assert share.count("<svg") == 1  # the card's own
    group = etree.fromstring(share).find(f"{SVG}g")
    inner = etree.fromstring(picture[picture.index("<svg"):])
    assert [element.tag for element in group[0].iter()][1:] == [element.tag for element in inner.iter()][1:]
    assert group[0].attrib == {} and len(group[0]) == len(inner)


@pytest.mark.parametrize("root", ['<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300" viewBox="0 0 320 150">',
                                  '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300" style="font: 9px serif">',
                                  """<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300" fill='red'>"""])
def test_a_chart_whose_root_scales_or_styles_its_elements_stays_an_svg(root):
    share = card(chart=root + "<text>in the chart</text></svg>")
    assert share.count("<svg") == 2 and root in share and "in the chart" in texts(share)


ROOT = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300" viewBox="0 0 640 300">'


@pytest.mark.parametrize("chart", [ROOT.replace("2000/svg", "2000/other") + "<text>in the chart</text></svg>",
                                   ROOT + '<rect width="100%" height="50%"/><text>in the chart</text></svg>',
                                   ROOT + "<text>in the chart</text></svg><!-- </svg> -->"])
def test_a_chart_whose_elements_need_their_own_svg_keep_it(chart):
    """Another namespace, lengths in percent of the root's viewport, or anything after the root (where the last
    </svg> may not be the root's) would draw otherwise as a group: the picture stays an <svg>, whole."""
    share = card(chart=chart)
    assert share.count("<svg") == 1 + chart.count("<svg") and chart.rstrip() in share
    etree.fromstring(share)  # still one well-formed document


def test_a_long_title_and_source_line_are_cut_on_the_share_image_and_whole_in_the_download():
    title = "A headline that goes on " * 8
    source = "Sources: " + "; ".join(f"Publisher number {n}" for n in range(40)) + "."
    share, download = texts(card(title=title, source=source)), texts(card(title=title, source=source, size=None))
    assert share[1].endswith("…") and len(share) < len(download)
    assert " ".join(download).count("Publisher number") == 40


def test_wrapping_counts_wide_letters_double_and_cuts_words_longer_than_a_line():
    korean = "상반기 탈북민 105명 입국 " * 6
    assert len(wrap(korean, 500, TITLE)) > len(wrap("a" * len(korean), 500, TITLE))
    for line in wrap(korean, 500, TITLE) + wrap("x" * 300, 500, TEXT):
        assert sum(TITLE.size if ord(letter) > 0x1100 else 0 for letter in line) <= 500
    assert wrap("x" * 300, 500, TEXT, most=2)[-1].endswith("…")


def test_the_site_s_words_are_its_title_and_its_address():
    class Settings:
        title, url = "North Korean defectors", "https://example.org/explainer/"
    assert site_words(Settings) == "North Korean defectors · example.org/explainer"
    Settings.url = ""
    assert site_words(Settings) == "North Korean defectors"


def test_the_chart_pngs_follow_the_site_s_title(tmp_path):
    root = copy_of("charts", tmp_path)
    first = built(root)
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    (root / "site.json").write_text(json.dumps({**settings, "title": "Another name"}), encoding="utf-8")
    second = built(root)
    for chart in CHARTS:
        for path in (f"charts/{chart}.png", f"charts/{chart}-share.png"):
            assert hashed(first.files, path) != hashed(second.files, path), path


# --- 404.html and the site's address -----------------------------------------------------------------------------

def test_404_leads_from_the_root_of_the_site_s_address(tmp_path):
    files = built(copy_of("charts", tmp_path), url="https://example.org/explainer/").files
    page = files["404.html"].decode("utf-8")
    addresses = re.findall(r'\s(?:href|src|data-search-page)="([^"]*)"', page)
    assert addresses and all(address.startswith(("/explainer/", "https://", "#")) for address in addresses), addresses
    for address in addresses:
        if address.startswith("/explainer/"):
            assert address.removeprefix("/explainer/") in files, address
    assert re.search(r'<link rel="stylesheet" href="/explainer/assets/style\.[0-9a-f]{10}\.css">', page)
    other = files["index.html"].decode("utf-8")  # the other pages stay relative
    assert 'href="index.html"' in other and "/explainer/" not in re.sub(r"https://example\.org/explainer/", "", other)


def test_root_relative_changes_only_relative_addresses():
    page = (b'<a href="index.html">x</a><a href="#main">y</a><a href="https://a.org/b">z</a><a href="/x">w</a>'
            b'<img srcset="a.svg 1x, b.svg 2x" src="c.svg" alt=""><p data-page-path="404.html">404.html</p>')
    assert root_relative(page, "https://example.org/") == (
        b'<a href="/index.html">x</a><a href="#main">y</a><a href="https://a.org/b">z</a><a href="/x">w</a>'
        b'<img srcset="/a.svg 1x, /b.svg 2x" src="/c.svg" alt=""><p data-page-path="404.html">404.html</p>')
    assert b'href="/sub/dir/index.html"' in root_relative(page, "https://example.org/sub/dir/")


def run(*arguments):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)


def without_url(root: Path) -> Path:
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    settings.pop("url", None)
    (root / "site.json").write_text(json.dumps(settings), encoding="utf-8")
    return root


def test_a_build_without_a_url_warns_once_and_strict_stops_it(tmp_path):
    root = without_url(copy_of("charts", tmp_path))
    result = built(root)
    warnings = [p for p in result.problems if "url" in p.message]
    assert len(warnings) == 1 and warnings[0].severity == "warning" and warnings[0].path == root / "site.json"
    message = warnings[0].message
    for words in ('site.json gives no "url"', "og:image", "embed snippets of 4 charts", "404.html", '"url": "https://'):
        assert words in message, message
    strict = run("--root", root, "--out", tmp_path / "out", "--strict")
    assert strict.returncode == 1 and not (tmp_path / "out").exists()
    assert strict.stderr.count('site.json:1:1: error: site.json gives no "url"') == 1, strict.stderr
    with_url = run("--root", root, "--out", tmp_path / "out", "--url", "https://example.org/x/")
    assert with_url.returncode == 0 and 'gives no "url"' not in with_url.stderr, with_url.stderr


def test_a_control_character_in_a_chart_s_words_is_left_out_rather_than_breaking_the_card():
    svg = card(title="Arrivals\x0b in 2009\x01", source="Source: A\ud800.", site="Site\x1f")
    assert texts(svg)[0] == "Arrivals in 2009" and "Source: A." in texts(svg) and texts(svg)[-1] == "Site"
