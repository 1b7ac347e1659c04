"""Both colour schemes' pictures of a chart from one rendering: the light and the dark picture of one size are the
same layout in different colours, and laying it out is what costs (vl-convert measures every label with the
system's fonts: about 0.1 s a picture with the CJK font of the charts' font stack).

    probe(specs)            the spec to render once for the specs of one picture in each scheme, its theme
                            colours replaced by stand-ins (one per set of colours at one place of the configs);
                            None when the specs differ in anything but colours written as #rrggbb
    coloured(probe, svg)    the picture of each scheme, the stand-ins put back; None when the rendered picture
                            holds a colour that is neither a stand-in nor one the spec names itself

Why this is the picture vl-convert would render for each scheme's own spec: Vega lays out marks and text by sizes,
fonts and data, never by colours, and writes a colour it was given into the SVG as it was given (the project's
charts show every theme colour that way). A colour Vega computed instead (blended, interpolated, brightened, from a
stand-in) shows in the rendered picture as a colour nobody named, so coloured() declines it and the build renders
each scheme's spec as before; a colour Vega only rewrote (#FFF as #ffffff) cannot differ, since only colours already
written as Vega writes them (#rrggbb, lower case) are stood in for; and a spec naming a stand-in is never probed. tests/test_chart_one_layout.py
compares both ways for every chart of the project and for specs where colours are computed.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass

_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b")
_STOOD_IN = re.compile(r"#[0-9a-f]{6}")  # a theme colour a stand-in replaces
_COMPUTED_COLOUR = re.compile(r"\b(?:rgba?|hsla?)\(")
_STAND_IN = "#5e7{:03x}"  # the index of a pair of colours, in a colour no theme is likely to use


@dataclass(frozen=True)
class Probe:
    spec: dict  # the picture's spec, its theme colours replaced by stand-ins
    colours: dict[str, dict[str, str]]  # scheme → stand-in → that scheme's colour
    named: frozenset[str]  # the colours the spec names outside its config (as written, lower case)


def probe(specs: dict[str, dict]) -> Probe | None:
    """The probe of one picture's specs, one per scheme, which differ in their config alone; None if they do not,
    or if a config differs in anything but colours written as #hex."""
    first, *others = [{key: value for key, value in spec.items() if key != "config"} for spec in specs.values()]
    if any(other != first for other in others):
        return None
    pairs: dict[tuple[str, ...], str] = {}  # the schemes' colours at one place → their stand-in
    try:
        config = _stand_ins([spec.get("config") for spec in specs.values()], pairs)
    except _Differs:
        return None
    text = json.dumps(first, ensure_ascii=False).lower()
    if not pairs or any(stand_in in text for stand_in in pairs.values()):
        return None
    colours = {scheme: {stand_in: pair[index] for pair, stand_in in pairs.items()}
               for index, scheme in enumerate(specs)}
    return Probe({**copy.deepcopy(first), "config": config}, colours, frozenset(_COLOUR.findall(text)))


def coloured(found: Probe, svg: str) -> dict[str, str] | None:
    """Each scheme's picture from the probe's rendered SVG; None if it holds a colour the probe cannot place."""
    stand_ins = next(iter(found.colours.values()))
    if _COMPUTED_COLOUR.search(svg) or any(colour not in stand_ins and colour.lower() not in found.named
                                           for colour in set(_COLOUR.findall(svg))):
        return None
    return {scheme: _COLOUR.sub(lambda match: colours.get(match.group(0), match.group(0)), svg)
            for scheme, colours in found.colours.items()}


class _Differs(Exception):
    """The schemes' configs differ in something other than a colour."""


def _stand_ins(values: list, pairs: dict[tuple[str, ...], str]):
    """The configs' common value, with a stand-in wherever they hold colours."""
    first = values[0]
    if all(isinstance(value, dict) for value in values):
        if any(value.keys() != first.keys() for value in values):
            raise _Differs
        return {key: _stand_ins([value[key] for value in values], pairs) for key in first}
    if all(isinstance(value, list) for value in values):
        if any(len(value) != len(first) for value in values):
            raise _Differs
        return [_stand_ins([value[index] for value in values], pairs) for index in range(len(first))]
    if all(isinstance(value, str) and _STOOD_IN.fullmatch(value) for value in values):
        return pairs.setdefault(tuple(values), _STAND_IN.format(len(pairs)))
    if any(type(value) is not type(first) or value != first for value in values):
        raise _Differs
    return first
