"""bench/compare_generators.py and its floor (bench/floor_build.py), and bench/lower_bounds.py, on tiny corpora: the
report's shape, not speed.

No peer is installed or run here (no network): the end-to-end run picks only ours, beside the floor that always
runs. Figures are never asserted, only that each is there and what each ratio is measured against.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))

import compare_generators  # noqa: E402
import floor_build  # noqa: E402
from explainer.prose.markdown_pool import make_markdown  # noqa: E402

OURS = ["ours, cold", "ours, no change", "ours, one page edited", "ours, one fact edited"]


def processors(md) -> set[tuple[str, str, str]]:
    """(registry, name, class) of every processor a Markdown instance runs: what its extensions put in place."""
    registries = {"preprocessors": md.preprocessors, "blockprocessors": md.parser.blockprocessors,
                  "inlinePatterns": md.inlinePatterns, "treeprocessors": md.treeprocessors,
                  "postprocessors": md.postprocessors}
    return {(registry, name, f"{type(item).__module__}.{type(item).__qualname__}")
            for registry, items in registries.items() for name, item in items._data.items()}


def test_the_floor_uses_the_markdown_extensions_ours_uses():
    """Every processor the floor's Markdown runs, ours runs too, of the same class, but the raw-HTML ones ours
    removes; ours adds only its facts extension's: a Python-Markdown extension added to one and not the other
    (sane_lists, say, which swaps the list processors' classes) fails this."""
    floor, (ours, _) = floor_build.floor_markdown(), make_markdown(None, {})
    assert {name for _, name, _ in processors(floor) - processors(ours)} == {"html_block", "html"}
    added = processors(ours) - processors(floor)
    assert added and all(kind.startswith("explainer.") for _, _, kind in added), added
    assert ours.treeprocessors["toc"].toc_top == floor.treeprocessors["toc"].toc_top
    assert ours.treeprocessors["toc"].toc_bottom == floor.treeprocessors["toc"].toc_bottom


def test_the_floor_writes_every_page_with_its_table_footnote_and_contents(tmp_path):
    source, out = tmp_path / "pages", tmp_path / "site"
    source.mkdir()
    (source / "index.md").write_text("---\ntitle: Home\nsummary: The start.\n---\nWelcome.\n", encoding="utf-8")
    (source / "page-0001.md").write_text(
        "---\ntitle: One & two\nsummary: A page.\n---\nText.[^a]\n\n## Background\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"
        "\n[^a]: A note.\n", encoding="utf-8")
    assert floor_build.build(source, out) == 2
    page = (out / "page-0001" / "index.html").read_text(encoding="utf-8")
    assert "<title>One &amp; two</title>" in page
    assert "<table>" in page and 'class="footnote"' in page
    assert '<h2 id="background">' in page and 'href="#background"' in page  # the heading and its contents entry
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="/page-0001/">One &amp; two</a>' in home


def test_an_unknown_tool_is_refused_with_the_names_to_pick_from():
    assert compare_generators.picked_tools("ours, Hugo") == {"ours", "hugo"}
    with pytest.raises(argparse.ArgumentTypeError, match="unknown tool jekyll: pick from ours, mkdocs"):
        compare_generators.picked_tools("ours,jekyll")


@pytest.mark.slow  # eight whole builds of ours and two of the floor, about 15 s
def test_the_floor_and_ours_in_the_same_rounds(tmp_path):
    report = tmp_path / "compare.json"
    result = subprocess.run([sys.executable, str(PROJECT / "bench" / "compare_generators.py"), "--pages", "6",
                             "--runs", "1", "--tools", "ours", "--cache-dir", str(tmp_path / "bench-env"),
                             "--json", str(report)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "bench-env").exists()  # no peer picked: nothing installed
    results = json.loads(report.read_text(encoding="utf-8"))
    rows = {row["tool"]: row for row in results["results"]}
    assert sorted(rows) == sorted([compare_generators.FLOOR, *OURS])
    assert results["skipped"] == {} and results["tools"] == ["ours"] and results["runs"] == 1
    for name, row in rows.items():
        assert row["output_problems"] == [], name
        assert row["runs"] == 1 and len(row["seconds"]) == 1 and row["peak_mb"] > 0, name
        assert row["html_files"] >= 6, name
        # The medians are rounded to the millisecond and the ratio to two places: on a floor of about 0.1 s the
        # rounding alone moves the ratio by half a percent.
        floor_median = rows[compare_generators.FLOOR]["median_s"]
        assert row["ratio_to_floor"] == pytest.approx(row["median_s"] / floor_median, rel=0.02, abs=0.02), name
    assert rows[compare_generators.FLOOR]["ratio_to_floor"] == 1
    assert rows["ours, cold"]["ratio_to_ours_cold"] == 1
    assert "--no-cache" in rows["ours, cold"]["commands"][0]
    assert all("--no-cache" not in rows[name]["commands"][0] for name in OURS[1:])
    header = result.stdout.splitlines()[0]
    assert "× floor" in header and "× ours (cold)" in header and "peak MB" in header


def test_the_least_builds_add_up_the_parts_they_name(tmp_path):
    report = tmp_path / "bounds.json"
    result = subprocess.run([sys.executable, str(PROJECT / "bench" / "lower_bounds.py"), "--pages", "12", "--runs", "1",
                             "--json", str(report)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    bounds = json.loads(report.read_text(encoding="utf-8"))
    assert bounds["pages"] == 12 and bounds["runs"] == 1 and bounds["cores"] >= 1
    assert bounds["pagefind_all_pages"]["pages"] >= 12  # the chapters, and the Sources, Data and Corrections pages
    assert 1 <= bounds["pagefind_shard_then_vocabulary"]["shard_pages"] <= bounds["pagefind_all_pages"]["pages"]
    for part in (bounds["floor"]["wall"], bounds["floor"]["cpu"], bounds["pagefind_all_pages"]["cpu"],
                 bounds["pagefind_shard_then_vocabulary"]["wall"], bounds["start_with_the_engine"],
                 bounds["gate_scans_cpu"], bounds["reduction_cpu"], bounds["no_change_build"]):
        assert part > 0
    cores = bounds["cores"]
    assert bounds["least_cold"] == pytest.approx((bounds["floor"]["cpu"] + bounds["pagefind_all_pages"]["cpu"]) / cores)
    assert bounds["least_cold_checked"] == pytest.approx(
        bounds["least_cold"] + (bounds["gate_scans_cpu"] + bounds["reduction_cpu"]) / cores)
    assert bounds["least_edit"] == pytest.approx(bounds["start_with_the_engine"]
                                                 + bounds["pagefind_shard_then_vocabulary"]["wall"])
    lines = result.stdout.splitlines()
    assert any(line.startswith("least cold build") and "× the floor" in line for line in lines)
    assert any(line.startswith("least edit of a page's words") and "× the floor" in line for line in lines)
