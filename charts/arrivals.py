"""Arrivals by year, 1998–2025: the climb to the 2009 peak, the lower plateau and the pandemic collapse, with
Kim Jong Il's death, the press-reported years before the ministry's table and the provisional last count marked."""
from __future__ import annotations

import math

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts, series
from explainer.charts.definition import Annotation, cell_fact, provisional_note
from explainer.charts.theme import text_lines
from explainer.facts import FactStore
from explainer.numbers import format_value

SERIES = "arrivals-by-year"
PLATEAU = [str(year) for year in range(2012, 2020)]  # after the peak years, before the pandemic
PANDEMIC = ("2020", "2021", "2022")  # the years North Korea's border was closed
FIRST_IN_TABLE = "2002"  # the ministry's table gives single years from 2002; earlier ones come from the press
SUCCESSION_YEAR = "2011"  # Kim Jong Il died in December: the line is drawn at that year's end


def chart(store: FactStore) -> ChartDefinition:
    arrivals = series(store, SERIES)
    # Annual rows only: the series keys years as text ("1998"); grouped periods would not be one bar each.
    rows = tuple({"period": row.values["period"], "total": row.values["total"]} for row in arrivals.rows
                 if str(row.values["period"]).isdigit() and row.values["total"] is not None)
    peak = max(rows, key=lambda row: row["total"])
    low = min((row for row in rows if row["period"] in PANDEMIC), key=lambda row: row["total"])
    first, last = rows[0], rows[-1]
    last_fact = cell_fact(store, SERIES, last["period"], "total")  # None: nothing more known about the cell
    count = lambda row: format_value(row["total"], "people")  # noqa: E731
    plateau = [row["total"] for row in rows if row["period"] in PLATEAU]
    from_press = [row["period"] for row in rows if row["period"] < FIRST_IN_TABLE]
    # Room above the tallest bar for its label and the notes: the axis ends at the first multiple of 500 above
    # 125% of it.
    top = math.ceil(peak["total"] * 1.25 / 500) * 500

    succession = Annotation(
        label=("December 2011:", "Kim Jong Il dies,", "Kim Jong Un", "takes power"),
        text="A dashed line marks December 2011, when Kim Jong Il died and Kim Jong Un took power.",
        # The excerpt of this count says it: "… before the death of … Kim Jong-il in December 2011, while 134 have
        # defected since Kim Jong-un took power."
        source=facts(store, "elite-before-kji-death")[0].citation)
    press = Annotation(
        label=("Press", "figures"),
        text=(f"The grey bars, {from_press[0]} to {from_press[-1]}, come from a news report of ministry figures: "
              "the ministry's own table groups those years."))
    provisional = provisional_note(last_fact, "its bar is hollow") if last_fact and last_fact.provisional else None
    notes = (succession, press, provisional) if provisional else (succession, press)

    x = alt.X("period:O", title="Year of arrival",
              axis=alt.Axis(values=[row["period"] for row in rows if int(row["period"]) % 5 == 0], labelAngle=0))
    y = alt.Y("total:Q", title="Arrivals in the year (people)", scale=alt.Scale(domain=[0, top]))
    tooltip = [alt.Tooltip("period:O", title="Year"), alt.Tooltip("total:Q", title="Arrivals", format=",")]
    in_table = (alt.datum.period >= FIRST_IN_TABLE) & (alt.datum.period != last["period"])
    bars = alt.Chart(ROWS).mark_bar().encode(x=x, y=y, tooltip=tooltip).transform_filter(
        in_table if provisional else alt.datum.period >= FIRST_IN_TABLE)
    press_bars = alt.Chart(ROWS).mark_bar(style="muted").encode(x=x, y=y, tooltip=tooltip).transform_filter(
        alt.datum.period < FIRST_IN_TABLE)
    # Over the grey bars, clear of the taller bars that follow on a phone.
    press_label = alt.Chart(ROWS).mark_text(
        style="annotation", align="left", **text_lines(press.label, above=True, gap=8),
    ).encode(x=alt.X("period:O", bandPosition=0), y=alt.datum(max(
        row["total"] for row in rows if row["period"] <= str(int(FIRST_IN_TABLE) + 1)))).transform_filter(
        alt.datum.period == from_press[0])
    # Ending at the peak bar's right edge: centred, it would run into the December 2011 line on a phone.
    peak_label = alt.Chart(ROWS).mark_text(
        style="annotation", align="right", **text_lines(["Peak:", f"{count(peak)} in {peak['period']}"], above=True),
    ).encode(x=alt.X("period:O", bandPosition=1), y=y).transform_filter(alt.datum.period == peak["period"])
    # The line between the last bar of 2011 and the first of 2012; the note hangs from its top, to the right.
    after = str(int(SUCCESSION_YEAR) + 1)
    edge = alt.X("period:O", bandPosition=0)
    succession_line = alt.Chart(ROWS).mark_rule(strokeDash=[4, 3], aria=False).encode(
        x=edge, y=alt.datum(0), y2=alt.datum(top)).transform_filter(alt.datum.period == after)
    succession_label = alt.Chart(ROWS).mark_text(
        style="annotation", align="left", dx=4, **text_lines(succession.label, gap=0),
    ).encode(x=edge, y=alt.datum(top)).transform_filter(alt.datum.period == after)
    # A callout above the pandemic trough, with a line down to the low.
    before = [row["total"] for row in rows if PANDEMIC[0] > row["period"] >= str(int(PANDEMIC[0]) - 5)]
    callout = max(before, default=low["total"]) * 1.1
    low_line = alt.Chart(ROWS).mark_rule(aria=False).encode(x=x, y=y, y2=alt.datum(callout)).transform_filter(
        alt.datum.period == low["period"])
    low_label = alt.Chart(ROWS).mark_text(
        style="annotation", **text_lines(["Pandemic:", f"{count(low)} in {low['period']}"], above=True),
    ).encode(x=x, y=alt.datum(callout)).transform_filter(alt.datum.period == low["period"])
    layers = [bars, press_bars, peak_label, press_label, succession_line, succession_label, low_line, low_label]
    if provisional:
        # Hollow: drawn, but not yet settled. The word runs up from the bar, where a phone has room for it.
        layers += [
            alt.Chart(ROWS).mark_bar(filled=False, strokeWidth=1.5).encode(
                x=x, y=y, tooltip=tooltip).transform_filter(alt.datum.period == last["period"]),
            alt.Chart(ROWS).mark_text(text=list(provisional.label), style="annotation", angle=270, align="left",
                                      baseline="middle", dx=6).encode(x=x, y=y).transform_filter(
                alt.datum.period == last["period"]),
        ]
    return ChartDefinition(
        title=(f"Arrivals peaked in {peak['period']}, fell after Kim Jong Un took power and collapsed in the "
               "pandemic"),
        label=f"North Koreans arriving in South Korea each year, {first['period']}–{last['period']}",
        caption=(f"Arrivals climbed to a peak of {count(peak)} in {peak['period']}, settled lower through the "
                 f"2010s and collapsed to {count(low)} in {low['period']}, when the pandemic closed the border."),
        alt=(f"Bar chart of arrivals per year from {first['period']} to {last['period']}. Arrivals rose from "
             f"{count(first)} in {first['period']} to a peak of {count(peak)} in {peak['period']}, stayed between "
             f"{format_value(min(plateau), 'people')} and {format_value(max(plateau), 'people')} a year from "
             f"{PLATEAU[0]} to {PLATEAU[-1]}, dropped to {count(low)} in "
             f"{low['period']} and were {count(last)} in {last['period']}. "
             + " ".join(note.text for note in notes)),
        cites=(SERIES,),
        columns=(ChartColumn("period", "Year"), ChartColumn("total", "Arrivals", "people")),
        rows=rows,
        annotations=notes,
        chart=alt.layer(*layers).properties(height=280),
    )

