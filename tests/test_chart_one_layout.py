"""A chart's light and dark pictures, rendered once in stand-in colours and coloured for each (charts/one_layout.py),
are byte for byte what vl-convert renders from each scheme's own spec; where that cannot be known, each is rendered
from its own spec."""
from __future__ import annotations

import pytest

from test_chart_content import CHARTS, make_charts, project_store
from explainer.charts import chart_font, one_layout, svg as pictures
from explainer.charts.spec import PICTURE_WIDTHS, static_spec
from explainer.charts.theme import configs
from explainer.incremental.disk_store import DiskCache


def rendered(spec: dict) -> str:
    return pictures.normalise_ids(chart_font.engine().vegalite_to_svg(spec))


def both_schemes(spec: dict, width: int) -> dict[str, dict]:
    return {scheme: static_spec(spec, scheme, width) for scheme in ("light", "dark")}


@pytest.fixture(scope="module")
def specs():
    return {name: spec for name, (_, spec) in make_charts(project_store()).items()}


@pytest.mark.parametrize("name", CHARTS)
def test_each_project_chart_coloured_from_one_layout_is_what_each_scheme_renders(specs, name):
    for width in PICTURE_WIDTHS.values():
        schemes = both_schemes(specs[name], width)
        found = one_layout.probe(schemes)
        assert found is not None
        assert one_layout.coloured(found, rendered(found.spec)) == {scheme: rendered(spec)
                                                                    for scheme, spec in schemes.items()}


def bars(config: dict, **encoding) -> dict:
    return {"data": {"values": [{"x": "a", "y": 1}, {"x": "b", "y": 3}]}, "mark": "bar", "width": 200,
            "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative"},
                         **encoding}, "config": config}


def test_a_colour_vega_computes_from_the_theme_is_rendered_from_each_spec(tmp_path):
    light, dark = (configs()[scheme] | {"range": {"ramp": [configs()[scheme]["background"], configs()[scheme]["mark"]
                                                           ["color"]]}} for scheme in ("light", "dark"))
    schemes = {"light": bars(light, color={"field": "y", "type": "quantitative"}), "dark": bars(dark, color={
        "field": "y", "type": "quantitative"})}
    found = one_layout.probe(schemes)
    assert found is not None and one_layout.coloured(found, rendered(found.spec)) is None  # interpolated: declined
    rendering = pictures.PictureRendering(DiskCache(tmp_path))
    rendering.add({scheme: pictures.PictureJob(spec) for scheme, spec in schemes.items()})
    made = rendering.finish()
    assert made.errors == {} and {scheme: svg.decode("utf-8") for scheme, svg in made.pictures.items()} == \
        {scheme: rendered(spec) for scheme, spec in schemes.items()}


def test_a_chart_naming_its_own_colours_keeps_them_in_both_schemes():
    light, dark = configs()["light"], configs()["dark"]
    schemes = {"light": bars(light, color={"value": light["mark"]["color"]}),  # the light primary, in both
               "dark": bars(dark, color={"value": light["mark"]["color"]})}
    found = one_layout.probe(schemes)
    assert found is not None
    assert one_layout.coloured(found, rendered(found.spec)) == {scheme: rendered(spec)
                                                                for scheme, spec in schemes.items()}


def test_specs_that_differ_in_more_than_colours_or_name_a_stand_in_are_not_probed():
    light, dark = configs()["light"], configs()["dark"]
    assert one_layout.probe({"light": bars(light), "dark": bars(dark | {"font": "serif"})}) is None
    assert one_layout.probe({"light": bars(light), "dark": {**bars(dark), "width": 300}}) is None
    # A colour Vega might write otherwise than it is given (#FDFCFA as #fdfcfa) is not stood in for.
    assert one_layout.probe({"light": bars(light | {"background": "#FDFCFA"}), "dark": bars(dark)}) is None
    stand_in = one_layout._STAND_IN.format(0)
    assert one_layout.probe({"light": bars(light, color={"value": stand_in}),
                             "dark": bars(dark, color={"value": stand_in})}) is None
