"""The README's pictures, taken from the built site in Debian's Chromium.

    python docs/readme_screenshots.py site/ docs/

Writes home-<width>-<scheme>.png, the home page's first screen at 1,280 and 360 px in light and dark, the same
of the Korean edition's home page and a chapter (ko-home-…, ko-chapter-…), and
card-<kind>-<width>.png, open fact cards (a Korean excerpt, a cell of the ministry's table and a derived
figure) at 1,280 and 360 px. Install fonts-noto-cjk first (apt-get), or Korean and Chinese show as boxes.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, start_static_server, stop  # noqa: E402

# (picture name, page, fact id): the first use of the fact on that page is opened.
CARDS = [("korean", "index.html", "cumulative-end-2024"), ("table", "arrivals.html", "arrivals-2009"),
         ("derived", "women.html", "women-share-2025")]
WIDTHS = {1280: 800, 360: 740}
SCHEMES = ("light", "dark")
# (picture name, page): first screens taken at every width in both schemes.
SCREENS = [("home", "index.html"), ("ko-home", "ko/index.html"), ("ko-chapter", "ko/arrivals.html")]


def main(site: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                                args=CHROMIUM_ARGS)
        tab = browser.new_page()
        server, base = start_static_server(site)
        for scheme in SCHEMES:
            tab.emulate_media(color_scheme=scheme)
            for width, height in WIDTHS.items():
                tab.set_viewport_size({"width": width, "height": height})
                for name, page in SCREENS:
                    tab.goto(f"{base}/{page}")  # over HTTP, as published: search works there, not from disk
                    tab.wait_for_timeout(100)
                    tab.screenshot(path=str(out / f"{name}-{width}-{scheme}.png"))
        stop(server)
        tab.emulate_media(color_scheme="light")
        for name, page, fact_id in CARDS:
            for width, height in WIDTHS.items():
                tab.set_viewport_size({"width": width, "height": height})
                tab.goto((site / page).resolve().as_uri())
                link = tab.locator(f'.prose .fact[data-fact="{fact_id}"] .fact-value').first
                link.focus()  # then put the figure a fifth of the way down, so its card fits below it
                link.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top - window.innerHeight / 5)")
                tab.wait_for_timeout(100)
                tab.screenshot(path=str(out / f"card-{name}-{width}.png"))
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
