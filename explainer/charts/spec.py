"""From a chart module's definition to the Vega-Lite spec the page embeds, and the specs of its static SVGs.

The engine owns a chart's data, width and colours, so that every chart fits the page and the theme:
- the definition's rows become the dataset "rows" that the chart was built on (alt.Chart(ROWS));
- the chart is as wide as its container (width "container", autosize fit-x), so it fits a 360-px phone;
- the alt text becomes the spec's description, which Vega gives the interactive SVG as its accessible name;
- the light config is the spec's own, and the dark config rides along in usermeta for charts.js.
"""
from __future__ import annotations

import io
import math
import tokenize

from . import theme as chart_theme
from .definition import ROWS, ChartDefinition
from .modules import ChartModule
from ..errors import Problem, did_you_mean

# The static pictures, shown at the width of the text column. Narrow: drawn for a 360-px phone (328 px),
# shown up to 1.55 times that on screens up to 540 px; wide: drawn for the 672-px column less a little,
# shown from 0.8 to 1.05 times. Labels drawn at 13 px so stay between 10 and 20 px.
PICTURE_WIDTHS = {"narrow": 328, "wide": 640}
NARROW_MEDIA = "(max-width: 540px)"

# What Altair adds to every chart unless told otherwise; anything else in "config" was set by the module.
_ALTAIR_DEFAULT_CONFIG = {"view": {"continuousWidth": 300, "continuousHeight": 300}}
_SPREAD_VIEWS = ("hconcat", "concat", "facet", "repeat")


def chart_spec(module: ChartModule, themes: dict[str, dict] | None = None) -> tuple[dict | None, list[Problem]]:
    """The spec the page embeds, or None with the problems that prevent it. themes: each scheme's config
    (theme.site_configs: the site's colours and font), the default theme's when not given."""
    definition = module.definition
    problem = lambda message, severity="error": Problem(module.path, module.line, 1, message, severity)  # noqa: E731
    messages = check_rows(definition)
    if messages:
        return None, [problem(message) for message in messages]
    try:
        spec = definition.chart.to_dict()
    except Exception as error:  # Altair validates the chart against the Vega-Lite schema here
        return None, [problem(f"the Altair chart is not valid Vega-Lite: {error}")]
    problems = []
    module_config = spec.pop("config", None)
    if module_config not in (None, _ALTAIR_DEFAULT_CONFIG):
        problems.append(problem("configure_*() and theme settings are ignored: the site's theme "
                                "(explainer/charts/theme.py) styles every chart, in light and dark.", "warning"))
    foreign = [repr(data) for data in _data_references(spec) if data != ROWS]
    if foreign or "datasets" in spec:
        return None, problems + [problem(
            f"the chart reads data other than its rows ({(foreign or ['datasets'])[0]}): build every part of it on "
            "alt.Chart(ROWS), so the chart, its table and its downloads show the same rows.")]
    if any(key in spec for key in _SPREAD_VIEWS):
        return None, problems + [problem("side-by-side, faceted and repeated charts do not fit a phone: stack "
                                         "the parts with alt.vconcat() instead.")]
    empty = _empty_fields(spec, definition)
    if empty:
        return None, problems + [Problem(module.path, _line_naming(module, field), 1, message)
                                 for field, message in empty]
    unmarked = _annotation_problems(spec, definition)
    if unmarked:
        return None, problems + [problem(message) for message in unmarked]
    spec["datasets"] = {"rows": [dict(row) for row in definition.rows]}
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    for view in spec["vconcat"] if "vconcat" in spec else [spec]:
        view["width"] = "container"
    spec["description"] = definition.alt
    themes = themes or chart_theme.configs()
    spec["config"] = themes["light"]
    spec["usermeta"] = {"darkConfig": themes["dark"]}
    return spec, problems


def static_spec(spec: dict, scheme: str, width: int) -> dict:
    """The spec of one static picture: one scheme's config, and a fixed width where the page has a container.

    It shares the spec's parts (its data, its configs) rather than copying them: a chart's four pictures were four
    deep copies of its rows and both configs, for every chart of every edition at every rebuild. Neither the spec
    nor a picture's is changed in place after this (one_layout.probe copies what it changes)."""
    picture = {key: value for key, value in spec.items() if key != "usermeta"}
    picture["config"] = spec["config"] if scheme == "light" else spec["usermeta"]["darkConfig"]
    if "vconcat" in picture:
        picture["vconcat"] = [{**view, "width": width} for view in picture["vconcat"]]
    else:
        picture["width"] = width
    return picture


def check_rows(definition: ChartDefinition) -> list[str]:
    """What is wrong with the rows: each a dict of exactly the columns, with plain JSON values."""
    names = [column.name for column in definition.columns]
    if not names:
        return ["the definition has no columns: list the columns of its rows with ChartColumn(name, label)."]
    if not isinstance(definition.rows, (list, tuple)) or not definition.rows:
        return ["the definition has no rows: a chart plots at least one row."]
    for index, row in enumerate(definition.rows):
        if not isinstance(row, dict) or list(row) != names:
            keys = list(row) if isinstance(row, dict) else type(row).__name__
            return [f"row {index} has the keys {keys}, but the columns are {names}: give every row exactly the "
                    "columns' names, in the same order."]
        for name, value in row.items():
            if value is not None and not isinstance(value, (str, int, float)) or isinstance(value, bool):
                return [f"row {index}, {name}: {value!r} is a {type(value).__name__}; plotted values are text, "
                        "numbers or None."]
            if isinstance(value, float) and not math.isfinite(value):
                return [f"row {index}, {name}: {value} is not a finite number."]
    return []


def _annotation_problems(spec: dict, definition: ChartDefinition) -> list[str]:
    """An annotation the chart does not write, or the alt text does not say, is one that some readers never get."""
    drawn = set(_drawn_text(spec))
    found = []
    for note in definition.annotations:
        missing = [line for line in note.label if line not in drawn]
        if missing or not note.label:
            found.append(f"the annotation {note.text!r} is not drawn: write its label ({missing or 'empty'}) in a "
                         "text mark, e.g. mark_text(text=list(note.label), style=\"annotation\").")
        if note.text not in definition.alt:
            found.append(f"the alt text does not say the annotation {note.text!r}: add that sentence to alt=, so "
                         "readers who cannot see the chart learn what it marks.")
    return found


def _drawn_text(node) -> list[str]:
    """Every fixed text a mark writes: mark_text(text=...) as one line or several, or a text encoding's value."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            elif key == "text" and isinstance(value, list):
                found += [line for line in value if isinstance(line, str)]
            elif key == "text" and isinstance(value, dict) and isinstance(value.get("value"), (str, list)):
                found += _drawn_text({"text": value["value"]})
            elif key not in ("datasets", "data"):
                found += _drawn_text(value)
    elif isinstance(node, list):
        for item in node:
            found += _drawn_text(item)
    return found


def _data_references(node) -> list:
    """Every "data" property anywhere in a spec: the top level, layers, stacked views, lookups."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "data":
                found.append(value)
            else:
                found += _data_references(value)
    elif isinstance(node, list):
        for item in node:
            found += _data_references(item)
    return found


# Fields that transforms add to the rows, by default, when they are given no "as".
_DEFAULT_OUTPUTS = {"fold": ["key", "value"], "density": ["value", "density"], "quantile": ["prob", "value"],
                    "loess": [], "regression": []}


def _empty_fields(spec: dict, definition: ChartDefinition) -> list[tuple[str, str]]:
    """(field, message) for each field the chart encodes that no row has, or that is None in every row:
    Vega-Lite draws nothing for it, and the page would publish an empty chart without a word."""
    names = [column.name for column in definition.columns]
    made = set(_transform_outputs(spec, definition))
    found = []
    for field in dict.fromkeys(_encoded_fields(spec)):
        name = field.replace("\\.", ".")  # to Vega-Lite, a\.b is the field "a.b"; a.b is b in a
        column = name if name in names or "\\." in field else name.split(".")[0]
        if column in names:
            if all(row.get(column) is None for row in definition.rows):
                found.append((field, f'the chart encodes the field "{field}", but it is None in every row: the '
                              "chart would be empty. Fill the column or plot another."))
        elif name not in made:
            found.append((field, f'the chart encodes the field "{field}", which no row has: the chart would be '
                          f"empty.{did_you_mean(name, names)} The rows' columns: {', '.join(names)}."))
    return found


def _encoded_fields(node, in_encoding: bool = False) -> list[str]:
    """Every "field" named in an encoding (its channels, tooltips, conditions and sort orders), in any view."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if in_encoding and key == "field" and isinstance(value, str):
                found.append(value)
            elif key not in ("data", "datasets", "transform", "params"):
                found += _encoded_fields(value, in_encoding or key == "encoding")
    elif isinstance(node, list):
        for item in node:
            found += _encoded_fields(item, in_encoding)
    return found


def _transform_outputs(node, definition: ChartDefinition) -> list[str]:
    """The fields transforms add to the rows: their "as", the defaults of those that have one, and the
    columns a pivot makes from the values of its field."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "transform" and isinstance(value, list):
                for step in value:
                    found += _step_outputs(step, definition) if isinstance(step, dict) else []
            else:
                found += _transform_outputs(value, definition)
    elif isinstance(node, list):
        for item in node:
            found += _transform_outputs(item, definition)
    return found


def _step_outputs(step: dict, definition: ChartDefinition) -> list[str]:
    found = []
    for key, value in step.items():
        if key == "as":
            found += [value] if isinstance(value, str) else [item for item in value if isinstance(item, str)]
        elif isinstance(value, list):  # aggregate, window, joinaggregate: [{"op", "field", "as"}, …]
            found += [item["as"] for item in value if isinstance(item, dict) and isinstance(item.get("as"), str)]
    kind = next((name for name in _DEFAULT_OUTPUTS if name in step), None)
    if kind and "as" not in step:
        found += _DEFAULT_OUTPUTS[kind]
    if kind in ("loess", "regression") and "as" not in step:
        found += [step[kind], step.get("on", "")]
    if "pivot" in step:
        found += [str(row.get(step["pivot"])) for row in definition.rows]
    return found


def _line_naming(module: ChartModule, field: str) -> int:
    """The line of the module that writes the field in a string ("yeer", "yeer:Q"); else the chart function's."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(module.source).readline))
    except (tokenize.TokenError, SyntaxError):
        return module.line or 1
    strings = [(token.string.lstrip("rRbBuUfF").strip("\"'"), token.start[0]) for token in tokens
               if token.type == tokenize.STRING]
    # Altair's shorthand ("yeer:O") is surely the encoding; a bare "yeer" may be a row's key, so it comes second.
    shorthand = [line for text, line in strings if text.startswith(f"{field}:")]
    exact = [line for text, line in strings if text == field]
    return [*shorthand, *exact, module.line or 1][0]
