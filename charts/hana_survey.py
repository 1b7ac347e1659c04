"""Defectors' employment and unemployment rates against the whole population's, from the Korea Hana
Foundation's surveys of 2024 and 2025. Where the foundation's report gave no rate for everyone (2025), the chart
shows none and says so, with the gap the report did publish: nothing is computed."""
from __future__ import annotations

import math

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts, words
from explainer.charts.definition import Annotation
from explainer.charts.theme import text_lines
from explainer.facts import FactStore
from explainer.numbers import format_value

# Per measure (its name in WORDS) and survey year: the defectors' rate, everyone's rate (None: not published) and
# the published gap between them (None: not published), as fact ids; and which way the gap runs.
MEASURES = (
    ("employment", "below", (
        ("2024", "employment-defectors-2024", "employment-general-2024", None),
        ("2025", "employment-defectors-2025", None, "employment-gap-2025"),
    )),
    ("unemployment", "above", (
        ("2024", "unemployment-defectors-2024", "unemployment-general-2024", None),
        ("2025", "unemployment-defectors-2025", None, "unemployment-gap-2025"),
    )),
)
STEP = 84  # pixels per survey year: room for a label above each dot and one below

WORDS = {
    "employment": {"en": "Employment rate", "ko": "고용률"},
    "unemployment": {"en": "Unemployment rate", "ko": "실업률"},
    "no_rate": {"en": "Everyone: no rate published;", "ko": "전체: 발표된 비율 없음."},
    # "points", not "percentage points": the longer line would not fit a phone.
    "gap_below": {"en": "defectors {gap} points below", "ko": "탈북민이 {gap}%p 낮음"},
    "gap_above": {"en": "defectors {gap} points above", "ko": "탈북민이 {gap}%p 높음"},
    "no_gap": {"en": "no gap published", "ko": "발표된 격차 없음"},
    "note_below": {"en": "The {year} survey's report gave no {measure} for the whole population, only that defectors' "
                         "rate was {gap} below it.",
                   "ko": "{year}년 조사 보고서는 전체 인구의 {measure}을 제시하지 않았고, 탈북민의 비율이 그보다 {gap} "
                         "낮다고만 밝혔다."},
    "note_above": {"en": "The {year} survey's report gave no {measure} for the whole population, only that defectors' "
                         "rate was {gap} above it.",
                   "ko": "{year}년 조사 보고서는 전체 인구의 {measure}을 제시하지 않았고, 탈북민의 비율이 그보다 {gap} "
                         "높다고만 밝혔다."},
    "note_no_gap": {"en": "The {year} survey's report gave no {measure} for the whole population.",
                    "ko": "{year}년 조사 보고서는 전체 인구의 {measure}을 제시하지 않았다."},
    "x": {"en": "{measure} (%)", "ko": "{measure}(%)"},
    "survey": {"en": "Survey", "ko": "조사"},
    "defectors": {"en": "Defectors (%)", "ko": "탈북민(%)"},
    "everyone": {"en": "Everyone (%)", "ko": "전체(%)"},
    "defectors_dot": {"en": "Defectors: ", "ko": "탈북민: "},
    "everyone_dot": {"en": "Everyone: ", "ko": "전체: "},
    "measure": {"en": "Measure", "ko": "지표"},
    "gap": {"en": "Published gap (points)", "ko": "발표된 격차(%p)"},
    "title": {"en": "Defectors are less often in work, and more often out of it, than South Koreans as a whole",
              "ko": "탈북민은 한국인 전체보다 취업한 비율은 낮고 실업 상태인 비율은 높다"},
    "label": {"en": "Employment and unemployment rates of defectors and of the whole population, 2024 and 2025 surveys",
              "ko": "탈북민과 전체 인구의 고용률과 실업률, 2024년·2025년 조사"},
    "caption": {"en": "The Korea Hana Foundation's surveys against Statistics Korea's figures for everyone. The report "
                      "of the 2025 survey gives only the gaps, not everyone's rates, so no dot is drawn for them.",
                "ko": "남북하나재단의 조사를 통계청의 전체 인구 수치와 비교했다. 2025년 조사 보고서는 전체 인구의 비율 "
                      "없이 격차만 제시하므로, 그에 대한 점은 그리지 않았다."},
    "alt": {"en": "Two dot charts, one per measure, of the 2024 and 2025 surveys. Employment rate: defectors {e24} "
                  "against {e24_all} for everyone in 2024, and {e25} in 2025. Unemployment rate: defectors {u24} "
                  "against {u24_all} for everyone in 2024, and {u25} in 2025. ",
            "ko": "2024년과 2025년 조사의 지표별 점 차트 두 개. 고용률: 2024년 탈북민 {e24}, 전체 {e24_all}. 2025년 "
                  "탈북민 {e25}. 실업률: 2024년 탈북민 {u24}, 전체 {u24_all}. 2025년 탈북민 {u25}. "},
    "note": {"en": "Everyone: Statistics Korea's figures as the surveys' reports give them; \"–\": not published.",
             "ko": "전체: 조사 보고서가 제시한 통계청 수치. \"–\": 발표되지 않음."},
}


def _vega_string(text: str) -> str:
    """Words as a string of a Vega expression."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def chart(store: FactStore) -> ChartDefinition:
    say = words(store, WORDS)
    rows, cites = [], []
    notes: dict[str, Annotation] = {}  # measure → the note on the year without everyone's rate
    for key, direction, years in MEASURES:
        measure = say(key)
        for year, defectors_id, everyone_id, gap_id in years:
            defectors, everyone, gap = (facts(store, fact_id)[0] if fact_id else None
                                        for fact_id in (defectors_id, everyone_id, gap_id))
            cites += [fact.id for fact in (defectors, everyone, gap) if fact]
            rows.append({"measure": measure, "survey": year, "defectors": defectors.value,
                         "everyone": everyone.value if everyone else None, "gap": gap.value if gap else None})
            if everyone is None:
                published = (say(f"gap_{direction}", gap=format_value(gap.value, "number", gap.decimals,
                                                                       language=store.language))
                             if gap else say("no_gap"))
                notes[measure] = (Annotation(
                    label=(say("no_rate"), published),
                    text=(say(f"note_{direction}", year=year, measure=measure.lower(), gap=gap.display) if gap
                          else say("note_no_gap", year=year, measure=measure.lower())),
                ))

    def panel(measure: str) -> alt.LayerChart:
        values = [row[group] for row in rows if row["measure"] == measure for group in ("defectors", "everyone")
                  if row[group] is not None]
        # Unemployment from zero; employment rates, all near 60%, on a window 5 points wider than them each side.
        domain = ([0, math.ceil(max(values) * 1.25)] if measure == say("unemployment")
                  else [5 * math.floor(min(values) / 5) - 5, 5 * math.ceil(max(values) / 5) + 5])
        base = alt.Chart(ROWS).transform_filter(alt.datum.measure == measure)
        y = alt.Y("survey:N", title=None, sort="ascending", axis=alt.Axis(labelFontWeight=600))
        x = alt.X("rate:Q", title=say("x", measure=measure), scale=alt.Scale(domain=domain))
        tooltip = [alt.Tooltip("survey:N", title=say("survey")), alt.Tooltip("defectors:Q", title=say("defectors")),
                   alt.Tooltip("everyone:Q", title=say("everyone"))]
        folded = base.transform_fold(["defectors", "everyone"], as_=["group", "rate"]).transform_filter(
            alt.datum.rate != None)  # noqa: E711 — a Vega expression: not published
        gap_line = base.mark_rule(strokeWidth=2, aria=False).encode(
            y=y, x=alt.X("defectors:Q", scale=alt.Scale(domain=domain)), x2="everyone:Q").transform_filter(
            alt.datum.everyone != None)  # noqa: E711
        # Everyone's rate in the muted grey and as a diamond, so the two differ in more than colour.
        dots = [folded.mark_point(filled=True, size=110, opacity=1, shape=shape, **style).encode(
                    y=y, x=x, tooltip=tooltip).transform_filter(alt.datum.group == group)
                for group, shape, style in (("defectors", "circle", {}), ("everyone", "diamond", {"style": "muted"}))]
        named = (f"(datum.group == 'defectors' ? {_vega_string(say('defectors_dot'))} : "
                 f"{_vega_string(say('everyone_dot'))}) + format(datum.rate, '.1f') + '%'")
        # Defectors' rate under their dot, everyone's over theirs: the two never collide, however close.
        below = folded.mark_text(style="annotation", baseline="top", dy=10).transform_filter(
            alt.datum.group == "defectors").transform_calculate(label=named).encode(y=y, x=x, text="label:N")
        above = folded.mark_text(style="annotation", baseline="bottom", dy=-10).transform_filter(
            alt.datum.group == "everyone").transform_calculate(label=named).encode(y=y, x=x, text="label:N")
        layers = [gap_line, *dots, below, above]
        if measure in notes:
            note = notes[measure]
            year = next(row["survey"] for row in rows if row["measure"] == measure and row["everyone"] is None)
            layers.append(base.mark_text(style="annotation", align="left", **text_lines(note.label, above=True,
                                                                                        gap=10)).encode(
                y=y, x=alt.datum(domain[0])).transform_filter(alt.datum.survey == year))
        return alt.layer(*layers).properties(height=alt.Step(STEP))

    by_measure = {say(key): [row for row in rows if row["measure"] == say(key)] for key, _, _ in MEASURES}
    employment, unemployment = by_measure.values()
    percent = lambda value: f"{value:.1f}%"  # noqa: E731
    (e24, e25), (u24, u25) = employment, unemployment
    return ChartDefinition(
        title=say("title"),
        label=say("label"),
        caption=say("caption"),
        alt=(say("alt", e24=percent(e24["defectors"]), e24_all=percent(e24["everyone"]), e25=percent(e25["defectors"]),
                 u24=percent(u24["defectors"]), u24_all=percent(u24["everyone"]), u25=percent(u25["defectors"]))
             + " ".join(note.text for note in notes.values())),
        cites=tuple(dict.fromkeys(cites)),
        columns=(ChartColumn("measure", say("measure")), ChartColumn("survey", say("survey")),
                 ChartColumn("defectors", say("defectors"), "percent", decimals=1),
                 ChartColumn("everyone", say("everyone"), "percent", decimals=1),
                 ChartColumn("gap", say("gap"), "percentage-points", decimals=1)),
        rows=tuple(rows),
        annotations=tuple(notes.values()),
        note=say("note"),
        chart=alt.vconcat(*(panel(measure) for measure in by_measure), spacing=28),
    )
