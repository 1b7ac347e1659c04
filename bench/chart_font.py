"""What the charts' font costs vl-convert: one picture with 30 labels in English and Korean, laid out (SVG) and drawn
(PNG), in the bundled Chart Sans KR (explainer/charts/chart_font.py) and, where the machine has them, in the fonts it
would otherwise take (Noto Sans CJK KR, a 19 MB collection, and DejaVu Sans, which has no Hangul).

    python bench/chart_font.py              # 5 runs of each, medians
    python bench/chart_font.py --runs 20

Each font runs in a process of its own, since vl-convert keeps the fonts it was given for the life of a process.
Not a test: it prints medians, asserts nothing. It also says whether each PNG drew the same pixels as the bundled
font's (the same glyphs: the bundled font is a subset, so where Noto Sans CJK KR is installed they should match).
"""
from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
FAMILIES = ('"Chart Sans KR"', '"Noto Sans CJK KR"', '"DejaVu Sans"')


def measure(family: str, runs: int) -> str:
    """In this process: vl-convert with the bundled fonts registered (as every renderer has them) only for
    Chart Sans KR, so the others are the machine's alone."""
    sys.path.insert(0, str(PROJECT))
    if family == FAMILIES[0]:
        from explainer.charts.chart_font import engine
        vl_convert = engine()
    else:
        import vl_convert
    labels = [f"{'탈북민' if index % 2 else 'Defectors'} {index} 2019년" for index in range(30)]
    spec = {"data": {"values": [{"label": label, "count": index} for index, label in enumerate(labels)]},
            "mark": "bar", "title": "북한이탈주민 입국 Arrivals", "config": {"font": family},
            "encoding": {"y": {"field": "label", "type": "nominal", "title": "연도 Year"},
                         "x": {"field": "count", "type": "quantitative"}}}
    vl_convert.vegalite_to_svg(spec)  # the engine started
    laid_out, drawn = [], []
    for _ in range(runs):
        started = time.perf_counter()
        svg = vl_convert.vegalite_to_svg(spec)
        laid_out.append(time.perf_counter() - started)
        started = time.perf_counter()
        png = vl_convert.svg_to_png(svg)
        drawn.append(time.perf_counter() - started)
    return (f"{statistics.median(laid_out) * 1000:.0f} {statistics.median(drawn) * 1000:.0f} "
            f"{hashlib.sha256(png).hexdigest()[:12]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a family, measured in this process
    arguments = parser.parse_args()
    if arguments.one:
        print(measure(arguments.one, arguments.runs))
        return
    results = {}
    for family in FAMILIES:
        answer = subprocess.run([sys.executable, __file__, "--one", family, "--runs", str(arguments.runs)],
                                capture_output=True, text=True, check=True).stdout.split()
        results[family] = answer
    bundled_png = results[FAMILIES[0]][2]
    print(f"30 labels, medians of {arguments.runs}:")
    for family, (svg_ms, png_ms, png) in results.items():
        same = "the same PNG as Chart Sans KR" if png == bundled_png else "a different PNG"
        print(f"  {family:20s} layout (SVG) {svg_ms:>4} ms, drawing (PNG) {png_ms:>4} ms, {same}")


if __name__ == "__main__":
    main()
