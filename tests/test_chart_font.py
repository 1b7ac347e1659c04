"""The charts' bundled font (charts/chart_font.py): every process that renders draws with it, whatever fonts the
machine has; a site's own font stack falls back to it; and the pictures' and cards' cache keys follow its bytes and
the machine's font files."""
from __future__ import annotations

import html
import shutil

import pytest

from test_chart_renderers import rendered_by_renderers
from explainer.charts import chart_font, svg as pictures
from explainer.charts.theme import FONT, configs, font_stack
from explainer.effects.worker_pool import has_fork_server, worker_count
from explainer.incremental.disk_store import DiskCache

LINE = ('<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48"><rect width="160" height="48" fill="#fdfcf8"/>'
        '<text x="4" y="34" font-family="{family}" font-size="28" fill="#1a1a1a">{text}</text></svg>')


def drawn(text: str, family: str = chart_font.FAMILY) -> bytes:
    png, error = pictures.render_card(LINE.format(family=html.escape(family), text=text))
    assert error is None
    return png


def test_the_bundled_family_draws_each_hangul_syllable_and_latin_letter_as_its_own():
    """Named alone, so no machine's font can stand in: a family vl-convert cannot find draws nothing (a blank line
    like an empty one), and a glyph the font lacks draws the same empty box for every letter."""
    blank = drawn("")
    syllables = [drawn(text) for text in ("가", "나", "탈북민", "A", "g")]
    assert blank not in syllables
    assert len(set(syllables)) == len(syllables)


@pytest.mark.skipif(not has_fork_server() or worker_count() < 2, reason="renderers run only with two cores and a fork server")
def test_a_renderer_process_draws_with_the_bundled_font_as_this_one_does(tmp_path):
    cards = {f"{index}.png": LINE.format(family=chart_font.FAMILY, text=text)
             for index, text in enumerate(("입국 인원", "Arrivals"))}
    rendered_by_renderers({}, DiskCache(tmp_path / "pictures"))  # starts them
    assert pictures.render_cards(cards, DiskCache(tmp_path / "cards")).pictures == \
        {path: pictures.render_card(svg)[0] for path, svg in cards.items()}


def test_the_charts_name_the_bundled_family_first_and_after_a_sites_own_fonts():
    assert FONT.startswith(f'"{chart_font.FAMILY}", ')
    assert font_stack("Georgia, serif") == f'Georgia, serif, "{chart_font.FAMILY}"'
    assert configs(font="Georgia, serif")["light"]["font"] == font_stack("Georgia, serif")
    # A stack of fonts no machine has still draws, in the bundled font: it is never left with nothing.
    assert drawn("가 A", font_stack("No Such Font")) == drawn("가 A")


@pytest.fixture
def fonts_copy(tmp_path, monkeypatch):
    copy = tmp_path / "fonts"
    shutil.copytree(chart_font.FOLDER, copy)
    monkeypatch.setattr(chart_font, "FOLDER", copy)
    machine = tmp_path / "machine"
    machine.mkdir()
    monkeypatch.setattr(chart_font, "machine_font_folders", lambda: [machine])
    forget_keys()
    yield copy
    forget_keys()


def forget_keys() -> None:
    chart_font.key.cache_clear()
    pictures.drawing_key.cache_clear()


def keys() -> tuple[str, str]:
    """A picture's key in the store, and a card's."""
    return pictures.picture_key(pictures.PictureJob({"mark": "point", "config": {"font": FONT}})), \
        pictures.card_key(LINE.format(family=html.escape(FONT), text="가"))


def test_the_pictures_and_cards_keys_follow_the_fonts_bytes(fonts_copy):
    before = keys()
    forget_keys()
    assert keys() == before, "the same bytes, wherever they are"
    regular = next(fonts_copy.glob("*-Regular.otf"))
    data = bytearray(regular.read_bytes())
    data[-1] ^= 1
    regular.write_bytes(bytes(data))
    forget_keys()
    edited = keys()
    assert edited[0] != before[0] and edited[1] != before[1]


def test_the_pictures_keys_follow_the_machines_fonts(fonts_copy, tmp_path):
    """A letter the bundled font lacks is drawn from the machine's: a font installed there is a new key."""
    before = keys()
    (tmp_path / "machine" / "NotoSansCJK-Regular.ttc").write_bytes(b"a font")
    forget_keys()
    assert keys()[0] != before[0] and keys()[1] != before[1]
