"""Makes this folder's fonts from Noto Sans CJK KR, for a maintainer (it needs fontTools, which the build does not):

    python3 -m venv /tmp/fontenv && /tmp/fontenv/bin/pip install fonttools==4.68.0
    /tmp/fontenv/bin/python explainer/charts/fonts/subset.py /usr/share/fonts/opentype/noto   # Debian's fonts-noto-cjk

Each weight keeps the glyphs of Latin, Greek and Cyrillic letters, punctuation, the symbols charts write (arrows,
maths, shapes, currencies) and every Hangul letter and syllable, with the font's own metrics and layout features, so
text is measured and drawn exactly as the whole font would; it drops Chinese characters (hanja), kana and the rest,
which a chart falls back to the build machine's fonts for. The family is renamed Chart Sans KR: the licence (SIL
Open Font License 1.1, LICENSE here) lets a modified font be shared only under a name of its own, and a name no
system font has makes vl-convert take this one wherever the build runs.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

FAMILY = "Chart Sans KR"
KOREAN_IN_COLLECTION = 1  # NotoSansCJK-*.ttc: JP, KR, SC, TC, HK, then the Mono faces
UNICODES = ("U+0020-007E,U+00A0-024F,U+02B0-02FF,U+0370-03FF,U+0400-04FF,U+2000-206F,U+20A0-20CF,U+2100-218F,"
            "U+2190-21FF,U+2200-22FF,U+2460-24FF,U+25A0-25FF,U+3000-303F,U+1100-11FF,U+3130-318F,U+A960-A97F,"
            "U+AC00-D7A3,U+D7B0-D7FF,U+FF01-FF60,U+FFE0-FFE6")
HERE = Path(__file__).parent


def make(collection: Path, weight: str) -> None:
    # The source's timestamp kept: made again from the same source, the files are the same bytes (their digest keys
    # every picture drawn with them, chart_font.key).
    font = TTCollection(collection, recalcTimestamp=False).fonts[KOREAN_IN_COLLECTION]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    # vl-convert opens and parses the font file again for every character it measures or draws (vl-convert 1.9's
    # fontdb reads fonts from their files): each table it parses costs that much per character. Vertical text's tables
    # are never read for a chart, and outlines without subroutines are read without jumping through the file; the
    # glyphs and their metrics are the same. 182 -> 88 µs a Latin letter, 137 -> 76 ms a picture of the project's
    # survey chart (bench/README.md, issue 19's ninth round).
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    names = font["name"]
    postscript = f"ChartSansKR-{weight}"
    for record in list(names.names):
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 3:
            record.string = f"{postscript};subset of NotoSansCJKkr-{weight} 2.004"
        elif record.nameID == 4:
            record.string = FAMILY if weight == "Regular" else f"{FAMILY} {weight}"
        elif record.nameID == 6:
            record.string = postscript
        elif record.nameID == 7:  # "Noto is a trademark of Google Inc.": this font is not called Noto
            names.names.remove(record)
    font["CFF "].cff.fontNames = [postscript]
    font.save(HERE / f"{postscript}.otf")


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
    for weight in ("Regular", "Bold"):
        make(folder / f"NotoSansCJK-{weight}.ttc", weight)
