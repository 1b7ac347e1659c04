"""Books lent each year: a line chart over the series "loans-by-year", with its rounded years marked.

Its words are written here in the site's language. A site with editions in several languages keeps them in a WORDS
table instead, one entry per text in every language, written with words(store, WORDS) (the project's
charts/README.md, "Words in each edition")."""
from __future__ import annotations

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, series
from explainer.facts import FactStore
from explainer.numbers import format_value

SERIES = "loans-by-year"


def chart(store: FactStore) -> ChartDefinition:
    loans = series(store, SERIES)
    # One row per year, with exactly the columns below. The chart's table writes "about …" by itself for the
    # cells the series marks approximate (matched on the key "year" and the column "loans").
    rows = tuple({"year": row.values["year"], "loans": row.values["loans"]} for row in loans.rows
                 if row.values["loans"] is not None)
    rounded = [row.values["year"] for row in loans.rows if row.is_approximate("loans")]
    first, last = rows[0], rows[-1]
    count = lambda row: format_value(row["loans"], "number", approximate=row["year"] in rounded)  # noqa: E731

    x = alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0))
    y = alt.Y("loans:Q", title="Books lent in the year", scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip("year:O", title="Year"), alt.Tooltip("loans:Q", title="Books lent", format=",")]
    line = alt.Chart(ROWS).mark_line(point=True).encode(x=x, y=y, tooltip=tooltip)
    # The chart marks rounded figures itself: a hollow ring and the word "about" over each of them.
    is_rounded = alt.FieldOneOfPredicate(field="year", oneOf=rounded)
    ring = alt.Chart(ROWS).mark_point(size=140, filled=False).encode(x=x, y=y).transform_filter(is_rounded)
    about = alt.Chart(ROWS).mark_text(text="about", style="annotation", dy=-14).encode(x=x, y=y).transform_filter(
        is_rounded)
    return ChartDefinition(
        title=f"Books lent by the library each year, {first['year']}–{last['year']}",
        caption=f"Loans rose every year, to {count(last)} in {last['year']}. Invented figures, for the example.",
        alt=(f"Line chart of books lent per year from {first['year']} to {last['year']}: {count(first)} in "
             f"{first['year']} and {count(last)} in {last['year']}."),
        cites=(SERIES,),
        columns=(ChartColumn("year", "Year"), ChartColumn("loans", "Books lent", "number")),
        rows=rows,
        chart=alt.layer(line, ring, about).properties(height=240),
    )
