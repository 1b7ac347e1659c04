"""Arrivals by year, 1998–2025: the climb to the 2009 peak, the lower plateau, and the pandemic collapse."""
from __future__ import annotations

import math

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, series
from explainer.facts import FactStore
from explainer.numbers import format_value

SERIES = "arrivals-by-year"
PLATEAU = [str(year) for year in range(2012, 2020)]  # after the peak years, before the pandemic
PANDEMIC = ("2020", "2021", "2022")  # the years North Korea's border was closed


def chart(store: FactStore) -> ChartDefinition:
    arrivals = series(store, SERIES)
    # Annual rows only: the series keys years as text ("1998"); grouped periods would not be one bar each.
    rows = tuple({"period": row.values["period"], "total": row.values["total"]} for row in arrivals.rows
                 if str(row.values["period"]).isdigit() and row.values["total"] is not None)
    peak = max(rows, key=lambda row: row["total"])
    low = min((row for row in rows if row["period"] in PANDEMIC), key=lambda row: row["total"])
    first, last = rows[0], rows[-1]
    count = lambda row: format_value(row["total"], "people")  # noqa: E731
    plateau = [row["total"] for row in rows if row["period"] in PLATEAU]
    # Room above the tallest bar for its label: the axis ends at the first multiple of 500 above 115% of it.
    top = math.ceil(peak["total"] * 1.15 / 500) * 500

    x = alt.X("period:O", title="Year of arrival",
              axis=alt.Axis(values=[row["period"] for row in rows if int(row["period"]) % 5 == 0], labelAngle=0))
    y = alt.Y("total:Q", title="Arrivals in the year (people)", scale=alt.Scale(domain=[0, top]))
    bars = alt.Chart(ROWS).mark_bar().encode(
        x=x, y=y, tooltip=[alt.Tooltip("period:O", title="Year"),
                           alt.Tooltip("total:Q", title="Arrivals", format=",")])
    peak_label = alt.Chart(ROWS).mark_text(
        text=f"Peak: {count(peak)} in {peak['period']}", style="annotation", dy=-10, align="center",
    ).encode(x=x, y=y).transform_filter(alt.datum.period == peak["period"])
    # A callout above the pandemic trough, with a line down to the low. It is as wide as ten bars on a phone,
    # so it stands clear of the five years' bars before the pandemic.
    before = [row["total"] for row in rows if PANDEMIC[0] > row["period"] >= str(int(PANDEMIC[0]) - 5)]
    callout = max(before, default=low["total"]) * 1.1
    low_line = alt.Chart(ROWS).mark_rule(aria=False).encode(x=x, y=y, y2=alt.datum(callout)).transform_filter(
        alt.datum.period == low["period"])
    low_label = alt.Chart(ROWS).mark_text(
        text=["Pandemic:", f"{count(low)} in {low['period']}"], style="annotation", baseline="bottom", dy=-4,
    ).encode(x=x, y=alt.datum(callout)).transform_filter(alt.datum.period == low["period"])
    return ChartDefinition(
        title=f"North Koreans arriving in South Korea each year, {first['period']}–{last['period']}",
        caption=(f"Arrivals climbed to a peak of {count(peak)} in {peak['period']}, settled lower through the "
                 f"2010s and collapsed to {count(low)} in {low['period']}, when the pandemic closed the border."),
        alt=(f"Bar chart of arrivals per year from {first['period']} to {last['period']}. Arrivals rose from "
             f"{count(first)} in {first['period']} to a peak of {count(peak)} in {peak['period']}, stayed between "
             f"{format_value(min(plateau), 'people')} and {format_value(max(plateau), 'people')} a year from "
             f"{PLATEAU[0]} to {PLATEAU[-1]}, dropped to {count(low)} in "
             f"{low['period']} and were {count(last)} in {last['period']}."),
        cites=(SERIES,),
        columns=(ChartColumn("period", "Year"), ChartColumn("total", "Arrivals", "people")),
        rows=rows,
        chart=alt.layer(bars, peak_label, low_line, low_label).properties(height=260),
    )
