"""Themes that extend the default: a site's stylesheet on top of ours, templates that extend ours, chart colours
and fonts from site.json, the site's description, and default texts that name nothing of our own site."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from conftest import PROJECT, SITES
from explainer.charts import chart_font
from explainer.charts.spec import static_spec
from explainer.site_folder.inputs import read_inputs
from explainer.pipeline import build

SPEC = re.compile(r'<script type="application/json" class="chart-spec">(.*?)</script>', re.DOTALL)


def tiny_copy(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "tiny", root)
    # With the address it is published at: without one, --strict stops at the share images' warning.
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    (root / "site.json").write_text(json.dumps({**settings, "url": "https://example.org/tiny-explainer/"}),
                                    encoding="utf-8")
    return root


def built(root: Path):
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    return inputs, build(inputs)


def page(result, name: str) -> str:
    return result.files[name].decode("utf-8")


def stylesheet_links(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)


def test_a_site_css_is_linked_after_the_default_stylesheet_on_every_page(tmp_path):
    root = tiny_copy(tmp_path)
    (root / "assets").mkdir()
    (root / "assets" / "site.css").write_text(":root { --accent: #8a2be2; }\n", encoding="utf-8")
    _, result = built(root)
    assert not result.failed(strict=True), [p.format() for p in result.problems]
    pages = [name for name in result.files if name.endswith(".html")]
    assert {"index.html", "elite.html", "sources.html", "data.html", "404.html"} <= set(pages)
    for name in pages:
        assert stylesheet_links(page(result, name)) == ["assets/style.css", "assets/site.css"], name
    # the default stylesheet is still the project's, whole; the site's is published beside it
    assert result.files["assets/style.css"] == (PROJECT / "assets" / "style.css").read_bytes()
    assert result.files["assets/site.css"] == b":root { --accent: #8a2be2; }\n"


def test_without_a_site_css_only_the_default_is_linked_and_a_site_style_css_replaces_it(tmp_path):
    root = tiny_copy(tmp_path)
    _, result = built(root)
    assert stylesheet_links(page(result, "index.html")) == ["assets/style.css"]
    assert "assets/site.css" not in result.files
    (root / "assets").mkdir()
    (root / "assets" / "style.css").write_text("body { color: teal; }\n", encoding="utf-8")
    _, result = built(root)
    assert result.files["assets/style.css"] == b"body { color: teal; }\n"
    assert stylesheet_links(page(result, "index.html")) == ["assets/style.css"]


def test_a_site_template_extends_the_default_base(tmp_path):
    root = tiny_copy(tmp_path)
    (root / "assets").mkdir()
    (root / "assets" / "site.js").write_text("document.documentElement.dataset.theme = 'ours';\n", encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text(
        '{% extends "default/base.html" %}\n'
        '{% block head %}<meta name="theme" content="ours">{% endblock %}\n'
        '{% block scripts %}<script src="assets/site.js" defer></script>{% endblock %}\n', encoding="utf-8")
    _, result = built(root)
    assert not result.failed(strict=True), [p.format() for p in result.problems]
    for name in ("index.html", "elite.html", "sources.html", "404.html"):
        html = page(result, name)
        assert '<meta name="theme" content="ours">' in html, name
        # the default's own structure is all there, around the site's additions
        assert '<header class="site-header" id="top">' in html and '<footer class="site-footer">' in html, name
        assert html.index('<footer class="site-footer">') < html.index('<script src="assets/site.js" defer>'), name
    assert '<span class="fact" data-fact="residents">' in page(result, "index.html")


def test_a_site_template_that_extends_its_own_name_is_an_error_with_the_fix(tmp_path):
    root = tiny_copy(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text('{# ours #}\n{% extends "base.html" %}\n', encoding="utf-8")
    _, result = built(root)
    assert result.failed(strict=False)
    problems = [p for p in result.problems if "extends itself" in p.message]
    assert problems, [p.format() for p in result.problems]
    assert (problems[0].path.resolve(), problems[0].line) == ((root / "templates" / "base.html").resolve(), 2)
    assert '{% extends "default/base.html" %}' in problems[0].message


def test_chart_colours_and_font_from_site_json_reach_the_spec_and_its_pictures(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "charts", root, ignore=shutil.ignore_patterns("content"))
    (root / "content").mkdir()
    (root / "content" / "index.md").write_text("---\ntitle: One chart\n---\nArrivals.\n\n{{chart:arrivals}}\n",
                                                encoding="utf-8")
    colours, dark, font = ["#8a2be2", "#2e8b57", "rgb(200, 80, 0)"], ["#d8b4fe", "#86efac"], "Georgia, serif"
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    settings.update(chart_colors=colours, chart_colors_dark=dark, chart_font=font, url="https://example.org/c/")
    (root / "site.json").write_text(json.dumps(settings), encoding="utf-8")
    _, result = built(root)
    assert not result.failed(strict=True), [p.format() for p in result.problems]
    spec = json.loads(SPEC.search(page(result, "index.html")).group(1))
    light, dark_config = spec["config"], spec["usermeta"]["darkConfig"]
    assert light["range"]["category"] == colours and light["mark"]["color"] == light["line"]["color"] == colours[0]
    assert dark_config["range"]["category"] == dark and dark_config["bar"]["color"] == dark[0]
    # The site's fonts, then the bundled one for the letters they lack (charts/chart_font.py).
    assert light["font"] == light["axis"]["labelFont"] == dark_config["legend"]["titleFont"] == \
        f'{font}, "{chart_font.FAMILY}"'
    assert light["background"] == "#fdfcfa"  # what the site did not set stays the default's
    assert static_spec(spec, "dark", 328)["config"] == dark_config
    svg = result.files["charts/arrivals.svg"].decode("utf-8")  # the static picture is drawn in them too
    assert colours[0] in svg and "Georgia" in svg


def test_without_chart_settings_the_charts_keep_the_default_look(tmp_path):
    _, result = built(SITES / "charts")
    spec = json.loads(SPEC.search(page(result, "index.html")).group(1))
    assert spec["config"]["range"]["category"][:2] == ["#0072b2", "#e69f00"]
    assert spec["config"]["font"].startswith(f'"{chart_font.FAMILY}", system-ui')  # the bundled font, then the page's


def test_bad_chart_colours_are_an_error_at_their_line(tmp_path):
    root = tiny_copy(tmp_path)
    (root / "site.json").write_text('{\n  "title": "Tiny",\n  "chart_colors": ["#12", "red"]\n}\n', encoding="utf-8")
    _, problems = read_inputs(root)
    assert [(p.line, p.col) for p in problems] == [(3, 3)]
    assert '"chart_colors" must be a list of CSS colours' in problems[0].message


def test_the_site_description_is_the_home_pages_and_the_fallback_for_pages_without_a_summary(tmp_path):
    root = tiny_copy(tmp_path)
    description = "Tourism in Iceland, in figures & with sources."
    (root / "site.json").write_text(json.dumps({"title": "Tiny", "description": description}), encoding="utf-8")
    _, result = built(root)
    meta = lambda name: re.findall(r'<meta name="description" content="([^"]*)">', page(result, name))  # noqa: E731
    assert meta("index.html") == ["Tourism in Iceland, in figures &amp; with sources."]
    assert meta("elite.html") == ["Elite defectors."]  # its own summary
    assert meta("404.html") == ["Tourism in Iceland, in figures &amp; with sources."]  # it has none


def test_default_texts_name_no_chapter_of_ours(tmp_path):
    _, result = built(tiny_copy(tmp_path))
    not_found = page(result, "404.html")
    assert '<a href="index.html">the home page</a>' in not_found
    for path in sorted((PROJECT / "templates").glob("*.html")):
        text = path.read_text(encoding="utf-8").lower()
        for ours in ("overview", "defector", "korea", "ministry of unification"):
            assert ours not in text, f"{path.name} names {ours!r}, which belongs to our own site"
