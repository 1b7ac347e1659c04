"""Defectors' employment and unemployment rates against the whole population's, from the Korea Hana
Foundation's surveys of 2024 and 2025. Where the foundation's report gave no rate for everyone (2025), the chart
shows none and says so, with the gap the report did publish: nothing is computed."""
from __future__ import annotations

import math

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts
from explainer.charts.definition import Annotation
from explainer.charts.theme import text_lines
from explainer.facts import FactStore
from explainer.numbers import format_value

# Per measure and survey year: the defectors' rate, everyone's rate (None: not published) and the published gap
# between them (None: not published), as fact ids; and which way the gap runs.
MEASURES = (
    ("Employment rate", "below", (
        ("2024", "employment-defectors-2024", "employment-general-2024", None),
        ("2025", "employment-defectors-2025", None, "employment-gap-2025"),
    )),
    ("Unemployment rate", "above", (
        ("2024", "unemployment-defectors-2024", "unemployment-general-2024", None),
        ("2025", "unemployment-defectors-2025", None, "unemployment-gap-2025"),
    )),
)
STEP = 84  # pixels per survey year: room for a label above each dot and one below


def chart(store: FactStore) -> ChartDefinition:
    rows, cites = [], []
    notes: dict[str, Annotation] = {}  # measure → the note on the year without everyone's rate
    for measure, direction, years in MEASURES:
        for year, defectors_id, everyone_id, gap_id in years:
            defectors, everyone, gap = (facts(store, fact_id)[0] if fact_id else None
                                        for fact_id in (defectors_id, everyone_id, gap_id))
            cites += [fact.id for fact in (defectors, everyone, gap) if fact]
            rows.append({"measure": measure, "survey": year, "defectors": defectors.value,
                         "everyone": everyone.value if everyone else None, "gap": gap.value if gap else None})
            if everyone is None:
                # "points", not "percentage points": the longer line would not fit a phone.
                published = (f"defectors {format_value(gap.value, 'number', gap.decimals)} points {direction}"
                             if gap else "no gap published")
                notes[measure] = (Annotation(
                    label=("Everyone: no rate published;", f"{published}"),
                    text=(f"The {year} survey's report gave no {measure.lower()} for the whole population"
                          + (f", only that defectors' rate was {gap.display} {direction} it." if gap else ".")),
                ))

    def panel(measure: str) -> alt.LayerChart:
        values = [row[group] for row in rows if row["measure"] == measure for group in ("defectors", "everyone")
                  if row[group] is not None]
        # Unemployment from zero; employment rates, all near 60%, on a window 5 points wider than them each side.
        domain = ([0, math.ceil(max(values) * 1.25)] if measure.startswith("Unemployment")
                  else [5 * math.floor(min(values) / 5) - 5, 5 * math.ceil(max(values) / 5) + 5])
        base = alt.Chart(ROWS).transform_filter(alt.datum.measure == measure)
        y = alt.Y("survey:N", title=None, sort="ascending", axis=alt.Axis(labelFontWeight=600))
        x = alt.X("rate:Q", title=f"{measure} (%)", scale=alt.Scale(domain=domain))
        tooltip = [alt.Tooltip("survey:N", title="Survey"), alt.Tooltip("defectors:Q", title="Defectors (%)"),
                   alt.Tooltip("everyone:Q", title="Everyone (%)")]
        folded = base.transform_fold(["defectors", "everyone"], as_=["group", "rate"]).transform_filter(
            alt.datum.rate != None)  # noqa: E711 — a Vega expression: not published
        gap_line = base.mark_rule(strokeWidth=2, aria=False).encode(
            y=y, x=alt.X("defectors:Q", scale=alt.Scale(domain=domain)), x2="everyone:Q").transform_filter(
            alt.datum.everyone != None)  # noqa: E711
        # Everyone's rate in the muted grey and as a diamond, so the two differ in more than colour.
        dots = [folded.mark_point(filled=True, size=110, opacity=1, shape=shape, **style).encode(
                    y=y, x=x, tooltip=tooltip).transform_filter(alt.datum.group == group)
                for group, shape, style in (("defectors", "circle", {}), ("everyone", "diamond", {"style": "muted"}))]
        named = "(datum.group == 'defectors' ? 'Defectors: ' : 'Everyone: ') + format(datum.rate, '.1f') + '%'"
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

    by_measure = {measure: [row for row in rows if row["measure"] == measure] for measure, _, _ in MEASURES}
    employment, unemployment = (by_measure[measure] for measure, _, _ in MEASURES)
    percent = lambda value: f"{value:.1f}%"  # noqa: E731
    (e24, e25), (u24, u25) = employment, unemployment
    return ChartDefinition(
        title="Defectors are less often in work, and more often out of it, than South Koreans as a whole",
        label="Employment and unemployment rates of defectors and of the whole population, 2024 and 2025 surveys",
        caption=("The Korea Hana Foundation's surveys against Statistics Korea's figures for everyone. The report "
                 "of the 2025 survey gives only the gaps, not everyone's rates, so no dot is drawn for them."),
        alt=(f"Two dot charts, one per measure, of the 2024 and 2025 surveys. Employment rate: defectors "
             f"{percent(e24['defectors'])} against {percent(e24['everyone'])} for everyone in 2024, and "
             f"{percent(e25['defectors'])} in 2025. Unemployment rate: defectors {percent(u24['defectors'])} "
             f"against {percent(u24['everyone'])} for everyone in 2024, and {percent(u25['defectors'])} in 2025. "
             + " ".join(note.text for note in notes.values())),
        cites=tuple(dict.fromkeys(cites)),
        columns=(ChartColumn("measure", "Measure"), ChartColumn("survey", "Survey"),
                 ChartColumn("defectors", "Defectors (%)", "percent", decimals=1),
                 ChartColumn("everyone", "Everyone (%)", "percent", decimals=1),
                 ChartColumn("gap", "Published gap (points)", "percentage-points", decimals=1)),
        rows=tuple(rows),
        annotations=tuple(notes.values()),
        note="Everyone: Statistics Korea's figures as the surveys' reports give them; \"–\": not published.",
        chart=alt.vconcat(*(panel(measure) for measure, _, _ in MEASURES), spacing=28),
    )
