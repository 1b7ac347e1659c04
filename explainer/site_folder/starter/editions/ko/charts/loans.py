"""Books lent each year: a line chart over the series "loans-by-year", with its rounded years marked.

This is the starter's chart for a site with a second edition: its words are in the WORDS table, each entry in
every language the site is written in, with {placeholders} for the figures and years it fills in (the project's
charts/README.md, "Words in each edition"). An entry without an edition's language is named by the build. A site
with no Korean edition may delete the "ko" words: they are the starter's Korean edition's."""
from __future__ import annotations

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, series, words
from explainer.facts import FactStore
from explainer.numbers import format_value

SERIES = "loans-by-year"

WORDS = {
    "title": {"en": "Books lent by the library each year, {first}–{last}",
              "ko": "도서관이 해마다 빌려준 책, {first}–{last}년"},
    "caption": {"en": "Loans rose every year, to {n} in {year}. Invented figures, for the example.",
                "ko": "대출은 해마다 늘어 {year}년에 {n}권이 되었다. 예시를 위해 지어낸 수치다."},
    "alt": {"en": "Line chart of books lent per year from {first} to {last}: {first_n} in {first} and {last_n} in "
                  "{last}.",
            "ko": "{first}년부터 {last}년까지 해마다 빌려준 책을 나타낸 선 차트: {first}년 {first_n}권, {last}년 "
                  "{last_n}권."},
    "x": {"en": "Year", "ko": "연도"},
    "y": {"en": "Books lent in the year", "ko": "그해 빌려준 책"},
    "year": {"en": "Year", "ko": "연도"},
    "loans": {"en": "Books lent", "ko": "빌려준 책"},
    "about": {"en": "about", "ko": "약"},
}


def chart(store: FactStore) -> ChartDefinition:
    say = words(store, WORDS)
    loans = series(store, SERIES)
    # One row per year, with exactly the columns below. The chart's table writes "about …" by itself for the
    # cells the series marks approximate (matched on the key "year" and the column "loans").
    rows = tuple({"year": row.values["year"], "loans": row.values["loans"]} for row in loans.rows
                 if row.values["loans"] is not None)
    rounded = [row.values["year"] for row in loans.rows if row.is_approximate("loans")]
    first, last = rows[0], rows[-1]
    count = lambda row: format_value(row["loans"], "number", approximate=row["year"] in rounded,  # noqa: E731
                                     language=store.language)

    x = alt.X("year:O", title=say("x"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("loans:Q", title=say("y"), scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip("year:O", title=say("year")), alt.Tooltip("loans:Q", title=say("loans"), format=",")]
    line = alt.Chart(ROWS).mark_line(point=True).encode(x=x, y=y, tooltip=tooltip)
    # The chart marks rounded figures itself: a hollow ring and the word "about" over each of them.
    is_rounded = alt.FieldOneOfPredicate(field="year", oneOf=rounded)
    ring = alt.Chart(ROWS).mark_point(size=140, filled=False).encode(x=x, y=y).transform_filter(is_rounded)
    about = alt.Chart(ROWS).mark_text(text=say("about"), style="annotation", dy=-14).encode(
        x=x, y=y).transform_filter(is_rounded)
    return ChartDefinition(
        title=say("title", first=first["year"], last=last["year"]),
        caption=say("caption", n=count(last), year=last["year"]),
        alt=say("alt", first=first["year"], last=last["year"], first_n=count(first), last_n=count(last)),
        cites=(SERIES,),
        columns=(ChartColumn("year", say("year")), ChartColumn("loans", say("loans"), "number")),
        rows=rows,
        chart=alt.layer(line, ring, about).properties(height=240),
    )
