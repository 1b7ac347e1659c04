"""Arrivals by year, 1998–2025: the climb to the 2009 peak, the lower plateau and the pandemic collapse, with
Kim Jong Il's death, the press-reported years before the ministry's table and the provisional last count marked."""
from __future__ import annotations

import math

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts, series, words
from explainer.charts.definition import Annotation, cell_fact, provisional_note
from explainer.charts.theme import text_lines
from explainer.facts import FactStore
from explainer.numbers import format_value

SERIES = "arrivals-by-year"
PLATEAU = [str(year) for year in range(2012, 2020)]  # after the peak years, before the pandemic
PANDEMIC = ("2020", "2021", "2022")  # the years North Korea's border was closed
FIRST_IN_TABLE = "2002"  # the ministry's table gives single years from 2002; earlier ones come from the press
SUCCESSION_YEAR = "2011"  # Kim Jong Il died in December: the line is drawn at that year's end

WORDS = {
    "title": {"en": "Arrivals peaked in {peak_year}, fell after Kim Jong Un took power and collapsed in the pandemic",
              "ko": "입국 인원은 {peak_year}년에 정점을 찍고, 김정은 집권 후 줄었으며, 팬데믹 때 급감했다"},
    "label": {"en": "North Koreans arriving in South Korea each year, {first_year}–{last_year}",
              "ko": "해마다 한국에 입국한 북한 주민, {first_year}–{last_year}년"},
    "caption": {"en": "Arrivals climbed to a peak of {peak_n} in {peak_year}, settled lower through the 2010s and "
                      "collapsed to {low_n} in {low_year}, when the pandemic closed the border.",
                "ko": "입국 인원은 {peak_year}년 {peak_n}명으로 정점에 오른 뒤 2010년대에는 더 낮은 수준에 머물렀고, "
                      "팬데믹으로 국경이 닫힌 {low_year}년에는 {low_n}명으로 급감했다."},
    "alt": {"en": "Bar chart of arrivals per year from {first_year} to {last_year}. Arrivals rose from {first_n} in "
                  "{first_year} to a peak of {peak_n} in {peak_year}, stayed between {plateau_min} and {plateau_max} a "
                  "year from {plateau_first} to {plateau_last}, dropped to {low_n} in {low_year} and were {last_n} in "
                  "{last_year}. ",
            "ko": "{first_year}년부터 {last_year}년까지 연도별 입국 인원 막대 차트. 입국 인원은 {first_year}년 "
                  "{first_n}명에서 {peak_year}년 {peak_n}명으로 정점에 올랐고, {plateau_first}년부터 {plateau_last}년"
                  "까지는 해마다 {plateau_min}명에서 {plateau_max}명 사이였으며, {low_year}년 {low_n}명으로 떨어졌고 "
                  "{last_year}년에는 {last_n}명이었다. "},
    "succession_label": {"en": ("December 2011:", "Kim Jong Il dies,", "Kim Jong Un", "takes power"),
                         "ko": ("2011년 12월:", "김정일 사망,", "김정은", "집권")},
    "succession_text": {"en": "A dashed line marks December 2011, when Kim Jong Il died and Kim Jong Un took power.",
                        "ko": "점선은 김정일이 사망하고 김정은이 집권한 2011년 12월을 나타낸다."},
    "press_label": {"en": ("Press", "figures"), "ko": ("언론", "보도 수치")},
    "press_text": {"en": "The grey bars, {from_year} to {to_year}, come from a news report of ministry figures: the "
                         "ministry's own table groups those years.",
                   "ko": "회색 막대({from_year}–{to_year}년)는 통일부 수치를 전한 언론 보도에서 가져왔다. 통일부 자체의 "
                         "표는 이 연도들을 묶어서 제시한다."},
    "hollow": {"en": "its bar is hollow", "ko": "막대 속이 비어 있다"},
    "peak_label": {"en": ("Peak:", "{n} in {year}"), "ko": ("정점:", "{year}년 {n}명")},
    "low_label": {"en": ("Pandemic:", "{n} in {year}"), "ko": ("팬데믹:", "{year}년 {n}명")},
    "x": {"en": "Year of arrival", "ko": "입국 연도"},
    "y": {"en": "Arrivals in the year (people)", "ko": "해당 연도 입국 인원(명)"},
    "year": {"en": "Year", "ko": "연도"},
    "arrivals": {"en": "Arrivals", "ko": "입국 인원"},
}


def chart(store: FactStore) -> ChartDefinition:
    say = words(store, WORDS)
    arrivals = series(store, SERIES)
    # Annual rows only: the series keys years as text ("1998"); grouped periods would not be one bar each.
    rows = tuple({"period": row.values["period"], "total": row.values["total"]} for row in arrivals.rows
                 if str(row.values["period"]).isdigit() and row.values["total"] is not None)
    peak = max(rows, key=lambda row: row["total"])
    low = min((row for row in rows if row["period"] in PANDEMIC), key=lambda row: row["total"])
    first, last = rows[0], rows[-1]
    last_fact = cell_fact(store, SERIES, last["period"], "total")  # None: nothing more known about the cell
    count = lambda row: format_value(row["total"], "people", language=store.language)  # noqa: E731
    plateau = [row["total"] for row in rows if row["period"] in PLATEAU]
    from_press = [row["period"] for row in rows if row["period"] < FIRST_IN_TABLE]
    # Room above the tallest bar for its label and the notes: the axis ends at the first multiple of 500 above
    # 125% of it.
    top = math.ceil(peak["total"] * 1.25 / 500) * 500

    succession = Annotation(
        label=say("succession_label"),
        text=say("succession_text"),
        # The excerpt of this count says it: "… before the death of … Kim Jong-il in December 2011, while 134 have
        # defected since Kim Jong-un took power."
        source=facts(store, "elite-before-kji-death")[0].citation)
    press = Annotation(
        label=say("press_label"),
        text=say("press_text", from_year=from_press[0], to_year=from_press[-1]))
    provisional = provisional_note(last_fact, say("hollow")) if last_fact and last_fact.provisional else None
    notes = (succession, press, provisional) if provisional else (succession, press)

    x = alt.X("period:O", title=say("x"),
              axis=alt.Axis(values=[row["period"] for row in rows if int(row["period"]) % 5 == 0], labelAngle=0))
    y = alt.Y("total:Q", title=say("y"), scale=alt.Scale(domain=[0, top]))
    tooltip = [alt.Tooltip("period:O", title=say("year")), alt.Tooltip("total:Q", title=say("arrivals"), format=",")]
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
        style="annotation", align="right", **text_lines(say("peak_label", n=count(peak), year=peak["period"]), above=True),
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
        style="annotation", **text_lines(say("low_label", n=count(low), year=low["period"]), above=True),
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
        title=say("title", peak_year=peak["period"]),
        label=say("label", first_year=first["period"], last_year=last["period"]),
        caption=say("caption", peak_n=count(peak), peak_year=peak["period"], low_n=count(low), low_year=low["period"]),
        alt=(say("alt", first_year=first["period"], last_year=last["period"], first_n=count(first),
                 peak_n=count(peak), peak_year=peak["period"],
                 plateau_min=format_value(min(plateau), "people", language=store.language),
                 plateau_max=format_value(max(plateau), "people", language=store.language),
                 plateau_first=PLATEAU[0], plateau_last=PLATEAU[-1], low_n=count(low), low_year=low["period"],
                 last_n=count(last))
             + " ".join(note.text for note in notes)),
        cites=(SERIES,),
        columns=(ChartColumn("period", say("year")), ChartColumn("total", say("arrivals"), "people")),
        rows=rows,
        annotations=notes,
        chart=alt.layer(*layers).properties(height=280),
    )

