"""The share of women among arrivals, 2002–2025, computed from the ministry's counts of men and women."""
from __future__ import annotations

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, series
from explainer.facts import FactStore

SERIES = "arrivals-by-year"
SETTLED = [str(year) for year in range(2006, 2020)]  # from the first year above 70% to the pandemic


def share(women: int, total: int) -> float:
    """Women as a percentage of all arrivals, to one decimal, as the ministry's own table gives it."""
    return round(women / total * 100, 1)


def chart(store: FactStore) -> ChartDefinition:
    arrivals = series(store, SERIES)
    # Years with a count of women: 1998–2001 have totals only.
    rows = tuple({"period": row.values["period"], "women": row.values["women"], "total": row.values["total"],
                  "share": share(row.values["women"], row.values["total"])}
                 for row in arrivals.rows
                 if str(row.values["period"]).isdigit() and row.values.get("women") is not None
                 and row.values.get("total"))
    high = max(rows, key=lambda row: row["share"])
    low = min(rows, key=lambda row: row["share"])
    first, last = rows[0], rows[-1]
    majority = [row["period"] for row in rows if row["share"] > 50]
    minority = [row["period"] for row in rows if row["share"] < 50]
    settled = [row["share"] for row in rows if row["period"] in SETTLED]

    x = alt.X("period:O", title="Year of arrival",
              axis=alt.Axis(values=[row["period"] for row in rows if int(row["period"]) % 5 == 0], labelAngle=0))
    y = alt.Y("share:Q", title="Women among arrivals (%)", scale=alt.Scale(domain=[0, 100]),
              axis=alt.Axis(values=[0, 25, 50, 75, 100]))
    tooltip = [alt.Tooltip("period:O", title="Year"), alt.Tooltip("share:Q", title="Women (%)", format=".1f"),
               alt.Tooltip("women:Q", title="Women", format=","),
               alt.Tooltip("total:Q", title="All arrivals", format=",")]
    # aria=False: a guide line, not data; without it, Vega gives screen readers an unnamed graphic.
    half = alt.Chart(ROWS).mark_rule(strokeDash=[4, 4], aria=False).encode(y=alt.datum(50)).transform_filter(
        alt.datum.period == first["period"])
    # Under the line, where the share stayed above half for years: the first years' points sit just above it.
    half_label = alt.Chart(ROWS).mark_text(text="Half", style="annotation", align="left", baseline="top",
                                           dy=4, aria=False).encode(
        x=x, y=alt.datum(50)).transform_filter(alt.datum.period == first["period"])
    line = alt.Chart(ROWS).mark_line(point=True).encode(x=x, y=y, tooltip=tooltip)
    labels = [alt.Chart(ROWS).mark_text(text=f"{row['share']:.1f}% in {row['period']}", style="annotation",
                                        align="right", dx=-8, dy=dy).encode(x=x, y=y).transform_filter(
        alt.datum.period == row["period"]) for row, dy in ((high, -10), (low, 4))]
    percent = lambda row: f"{row['share']:.1f}% in {row['period']}"  # noqa: E731
    dips = " and ".join(minority)
    return ChartDefinition(
        title=(f"Since {majority[0]}, most North Koreans reaching the South have been women"
               # The exceptions by year: 2020 was a pandemic year too, and women were still most arrivals then.
               + (f", except in {dips}" if minority else "")),
        label=f"Women's share of North Koreans arriving in South Korea, {first['period']}–{last['period']}",
        caption=(f"Women have been the majority of arrivals in every year since {majority[0]}"
                 + (f" except {dips}, when the pandemic closed the border" if minority else "")
                 + f"; their share peaked at {percent(high)}."),
        alt=(f"Line chart of the percentage of women among arrivals each year from {first['period']} to "
             f"{last['period']}. It rose from {percent(first)} to between {min(settled):.1f}% and "
             f"{max(settled):.1f}% a year from {SETTLED[0]} to {SETTLED[-1]}"
             + (f", fell below half in {dips} (lowest {percent(low)})" if minority else "")
             + f", and reached {percent(high)}."),
        cites=(SERIES,),
        columns=(ChartColumn("period", "Year"), ChartColumn("women", "Women", "people"),
                 ChartColumn("total", "All arrivals", "people"),
                 ChartColumn("share", "Women (%)", "percent", decimals=1)),
        rows=rows,
        note=("Shares computed by us from the Ministry of Unification's counts of women and of all arrivals; for "
              "2002 to 2019 they are the same as the shares in the ministry's own table."),
        chart=alt.layer(half, half_label, line, *labels).properties(height=240),
    )
