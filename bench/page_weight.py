"""What each page of a built site transfers, gzipped, before and after a reader interacts with its charts.

    python bench/page_weight.py SITE_FOLDER [--json OUT]

Serves the folder on 127.0.0.1, opens every top-level page in Debian's Chromium (through Playwright) at 1,280
and 360 px, and records every response the page loads: the sum of each body's gzip size (level 6, what
hosts commonly send) is the page's weight. Then it points at the first chart (which loads the interactive
runtime, assets/charts.js) and records the weight again. Requests that leave the site are counted and
reported (there should be none).
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests")]  # the tests' browser settings and static server

from conftest import CHROMIUM, CHROMIUM_ARGS, start_static_server, stop  # noqa: E402

WIDTHS = (1280, 360)


@contextlib.contextmanager
def served(folder: Path):
    process, base = start_static_server(folder)
    try:
        yield base
    finally:
        stop(process)


def weigh(page, base: str, name: str) -> dict:
    responses: list = []

    def record(response):
        responses.append(response)

    page.on("response", record)
    page.goto(f"{base}/{name}", wait_until="networkidle")
    loaded = len(responses)
    chart = page.locator("figure.chart .chart-view")
    interactive = chart.count() > 0
    if interactive:
        chart.first.hover()
        page.wait_for_function("() => document.querySelector('figure.chart.chart-upgraded') !== null",
                               timeout=20_000)
        page.wait_for_load_state("networkidle")
    page.remove_listener("response", record)
    ours = [response for response in responses if response.url.startswith(base)]
    sizes = {id(response): len(gzip.compress(response.body(), 6)) for response in ours}
    before = sum(sizes.get(id(response), 0) for response in responses[:loaded])
    after = sum(sizes.values())
    return {"page": name, "before_kb": round(before / 1024, 1), "after_kb": round(after / 1024, 1) if interactive
            else None, "foreign": [response.url for response in responses if not response.url.startswith(base)]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args()
    names = sorted(path.name for path in arguments.site.glob("*.html"))
    results = []
    with served(arguments.site) as base, sync_playwright() as playwright:
        # Playwright gives the browser a new, empty profile of its own (a fresh --user-data-dir).
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for width in WIDTHS:
            for name in names:
                context = browser.new_context(viewport={"width": width, "height": 800})  # an empty cache
                results.append({"width": width, **weigh(context.new_page(), base, name)})
                context.close()
        browser.close()
    print(f"{'page':<18}{'width':>6}{'before (KB gz)':>16}{'after (KB gz)':>15}")
    for row in results:
        after = "–" if row["after_kb"] is None else f"{row['after_kb']:.1f}"
        print(f"{row['page']:<18}{row['width']:>6}{row['before_kb']:>16.1f}{after:>15}"
              + (f"  {len(row['foreign'])} foreign request(s)" if row["foreign"] else ""))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
