"""Arrivals from the last year before the pandemic to the latest, at their own scale: beside 2009's peak the
recovery since the pandemic low is too small to see."""
from __future__ import annotations

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, series
from explainer.charts.definition import cell_fact, provisional_note
from explainer.charts.theme import text_lines
from explainer.facts import FactStore
from explainer.numbers import format_value

SERIES = "arrivals-by-year"
FIRST = "2019"  # the last year before the pandemic closed the border: the level the recovery is measured against


def chart(store: FactStore) -> ChartDefinition:
    arrivals = series(store, SERIES)
    rows = tuple({"period": row.values["period"], "total": row.values["total"]} for row in arrivals.rows
                 if str(row.values["period"]).isdigit() and row.values["period"] >= FIRST
                 and row.values["total"] is not None)
    first, last = rows[0], rows[-1]
    low = min(rows, key=lambda row: row["total"])
    last_fact = cell_fact(store, SERIES, last["period"], "total")  # None: nothing more known about the cell
    is_provisional = last_fact is not None and last_fact.provisional
    count = lambda row: format_value(row["total"], "people")  # noqa: E731
    notes = (provisional_note(last_fact, "its bar is hollow"),) if is_provisional else ()

    x = alt.X("period:O", title="Year of arrival", axis=alt.Axis(labelAngle=0))
    # Room above the tallest bar for its count.
    top = max(row["total"] for row in rows) * 1.15
    y = alt.Y("total:Q", title="Arrivals in the year (people)", scale=alt.Scale(domain=[0, top], nice=False))
    # The callout's height: well above the bars after the first year, whose counts sit over them.
    callout = max(row["total"] for row in rows[1:]) + top * 0.25 if len(rows) > 1 else top
    tooltip = [alt.Tooltip("period:O", title="Year"), alt.Tooltip("total:Q", title="Arrivals", format=",")]
    settled = alt.datum.period != last["period"] if is_provisional else alt.datum.period != ""
    layers = [
        alt.Chart(ROWS).mark_bar().encode(x=x, y=y, tooltip=tooltip).transform_filter(settled),
        # Every bar's count over it: at this scale there is room, and the small years are the point.
        alt.Chart(ROWS).mark_text(style="annotation", baseline="bottom", dy=-4).encode(
            x=x, y=y, text=alt.Text("total:Q", format=",")),
    ]
    if notes:
        layers += [
            alt.Chart(ROWS).mark_bar(filled=False, strokeWidth=1.5).encode(
                x=x, y=y, tooltip=tooltip).transform_filter(alt.datum.period == last["period"]),
            # A callout in the empty space above the recovery, with a line down to just over the bar's count (a
            # tenth of the axis): a word right over the bar would sit over its neighbour's count too on a phone.
            alt.Chart(ROWS).mark_rule(aria=False).encode(
                x=x, y=alt.datum(last["total"] + top * 0.1), y2=alt.datum(callout)).transform_filter(
                alt.datum.period == last["period"]),
            alt.Chart(ROWS).mark_text(style="annotation", align="right",
                                      **text_lines(notes[0].label, above=True)).encode(
                x=alt.X("period:O", bandPosition=1), y=alt.datum(callout)).transform_filter(
                alt.datum.period == last["period"]),
        ]
    recovered = [row for row in rows if row["period"] > low["period"]]
    best = max(recovered, key=lambda row: row["total"]) if recovered else low
    return ChartDefinition(
        title=f"Since the pandemic low, arrivals have picked up, but stay far below the {first['period']} level",
        label=f"North Koreans arriving in South Korea each year, {first['period']}–{last['period']}",
        caption=(f"At their own scale, the years since the pandemic: from {count(first)} in {first['period']} "
                 f"to {count(low)} in {low['period']}, then back up to {count(best)} in {best['period']} and "
                 f"{count(last)} in {last['period']}."),
        alt=(f"Bar chart of arrivals per year from {first['period']} to {last['period']}, each bar labelled with "
             "its count: " + ", ".join(f"{count(row)} in {row['period']}" for row in rows) + ". "
             + " ".join(note.text for note in notes)),
        cites=(SERIES,),
        columns=(ChartColumn("period", "Year"), ChartColumn("total", "Arrivals", "people")),
        rows=rows,
        annotations=notes,
        chart=alt.layer(*layers).properties(height=220),
    )
