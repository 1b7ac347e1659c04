"""Arrivals from the last year before the pandemic to the latest, at their own scale: beside 2009's peak the
recovery since the pandemic low is too small to see."""
from __future__ import annotations

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, series, words
from explainer.charts.definition import cell_fact, provisional_note
from explainer.charts.theme import text_lines
from explainer.facts import FactStore
from explainer.numbers import format_value

SERIES = "arrivals-by-year"
FIRST = "2019"  # the last year before the pandemic closed the border: the level the recovery is measured against

WORDS = {
    "title": {"en": "Since the pandemic low, arrivals have picked up, but stay far below the {first_year} level",
              "ko": "팬데믹 때의 최저치 이후 입국 인원은 늘었지만, 여전히 {first_year}년 수준에 크게 못 미친다"},
    "label": {"en": "North Koreans arriving in South Korea each year, {first_year}–{last_year}",
              "ko": "해마다 한국에 입국한 북한 주민, {first_year}–{last_year}년"},
    "caption": {"en": "At their own scale, the years since the pandemic: from {first_n} in {first_year} to {low_n} in "
                      "{low_year}, then back up to {best_n} in {best_year} and {last_n} in {last_year}.",
                "ko": "팬데믹 이후의 해들을 그 자체의 눈금으로 본 것: {first_year}년 {first_n}명에서 {low_year}년 "
                      "{low_n}명으로, 이어 {best_year}년 {best_n}명, {last_year}년 {last_n}명으로 다시 늘었다."},
    "alt": {"en": "Bar chart of arrivals per year from {first_year} to {last_year}, each bar labelled with its count: ",
            "ko": "{first_year}년부터 {last_year}년까지 연도별 입국 인원 막대 차트로, 막대마다 인원이 적혀 있다: "},
    "alt_bar": {"en": "{n} in {year}", "ko": "{year}년 {n}명"},
    "hollow": {"en": "its bar is hollow", "ko": "막대 속이 비어 있다"},
    "x": {"en": "Year of arrival", "ko": "입국 연도"},
    "y": {"en": "Arrivals in the year (people)", "ko": "해당 연도 입국 인원(명)"},
    "year": {"en": "Year", "ko": "연도"},
    "arrivals": {"en": "Arrivals", "ko": "입국 인원"},
}


def chart(store: FactStore) -> ChartDefinition:
    say = words(store, WORDS)
    arrivals = series(store, SERIES)
    rows = tuple({"period": row.values["period"], "total": row.values["total"]} for row in arrivals.rows
                 if str(row.values["period"]).isdigit() and row.values["period"] >= FIRST
                 and row.values["total"] is not None)
    first, last = rows[0], rows[-1]
    low = min(rows, key=lambda row: row["total"])
    last_fact = cell_fact(store, SERIES, last["period"], "total")  # None: nothing more known about the cell
    is_provisional = last_fact is not None and last_fact.provisional
    count = lambda row: format_value(row["total"], "people", language=store.language)  # noqa: E731
    notes = (provisional_note(last_fact, say("hollow")),) if is_provisional else ()

    x = alt.X("period:O", title=say("x"), axis=alt.Axis(labelAngle=0))
    # Room above the tallest bar for its count.
    top = max(row["total"] for row in rows) * 1.15
    y = alt.Y("total:Q", title=say("y"), scale=alt.Scale(domain=[0, top], nice=False))
    # The callout's height: well above the bars after the first year, whose counts sit over them.
    callout = max(row["total"] for row in rows[1:]) + top * 0.25 if len(rows) > 1 else top
    tooltip = [alt.Tooltip("period:O", title=say("year")), alt.Tooltip("total:Q", title=say("arrivals"), format=",")]
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
        title=say("title", first_year=first["period"]),
        label=say("label", first_year=first["period"], last_year=last["period"]),
        caption=say("caption", first_n=count(first), first_year=first["period"], low_n=count(low),
                    low_year=low["period"], best_n=count(best), best_year=best["period"], last_n=count(last),
                    last_year=last["period"]),
        alt=(say("alt", first_year=first["period"], last_year=last["period"])
             + ", ".join(say("alt_bar", n=count(row), year=row["period"]) for row in rows) + ". "
             + " ".join(note.text for note in notes)),
        cites=(SERIES,),
        columns=(ChartColumn("period", say("year")), ChartColumn("total", say("arrivals"), "people")),
        rows=rows,
        annotations=notes,
        chart=alt.layer(*layers).properties(height=220),
    )
