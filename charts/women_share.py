"""The share of women among arrivals, 2002–2025, computed from the ministry's counts of men and women."""
from __future__ import annotations

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, series, words
from explainer.facts import FactStore

SERIES = "arrivals-by-year"
SETTLED = [str(year) for year in range(2006, 2020)]  # from the first year above 70% to the pandemic

WORDS = {
    "title": {"en": "Since {first_majority_year}, most North Koreans reaching the South have been women",
              "ko": "{first_majority_year}년 이후 남한에 도착한 북한 주민의 대다수는 여성이었다"},
    "title_dips": {"en": "Since {first_majority_year}, most North Koreans reaching the South have been women, except in "
                         "{dips}",
                   "ko": "{first_majority_year}년 이후 {dips}년을 제외하면 남한에 도착한 북한 주민의 대다수는 여성이었다"},
    "and": {"en": " and ", "ko": "년과 "},  # between the years in {dips}
    "label": {"en": "Women's share of North Koreans arriving in South Korea, {first_year}–{last_year}",
              "ko": "한국에 입국한 북한 주민 중 여성 비율, {first_year}–{last_year}년"},
    # The caption and the alt text in three pieces, the middle one only when some years fell below half.
    "caption": {"en": "Women have been the majority of arrivals in every year since {first_majority_year}",
                "ko": "{first_majority_year}년 이후"},
    "caption_dips": {"en": " except {dips}, when the pandemic closed the border",
                     "ko": " 팬데믹으로 국경이 닫힌 {dips}년을 제외한"},
    "caption_end": {"en": "; their share peaked at {high}.",
                    "ko": " 모든 해에 여성이 입국 인원의 과반이었다. 여성 비율은 {high}로 가장 높았다."},
    "share_in": {"en": "{share}% in {year}", "ko": "{year}년 {share}%"},
    "alt": {"en": "Line chart of the percentage of women among arrivals each year from {first_year} to {last_year}. It "
                  "rose from {first} to between {settled_min}% and {settled_max}% a year from {settled_first} to "
                  "{settled_last}",
            "ko": "{first_year}년부터 {last_year}년까지 해마다 입국 인원 중 여성 비율을 나타낸 선 차트. {first}에서 올라 "
                  "{settled_first}년부터 {settled_last}년까지는 해마다 {settled_min}%에서 {settled_max}% 사이였고"},
    "alt_dips": {"en": ", fell below half in {dips} (lowest {low})", "ko": ", {dips}년에는 절반 아래로 떨어졌으며(최저 {low})"},
    "alt_end": {"en": ", and reached {high}.", "ko": ", {high}에 이르렀다."},
    "half": {"en": "Half", "ko": "절반"},
    "x": {"en": "Year of arrival", "ko": "입국 연도"},
    "y": {"en": "Women among arrivals (%)", "ko": "입국 인원 중 여성(%)"},
    "year": {"en": "Year", "ko": "연도"},
    "women_share": {"en": "Women (%)", "ko": "여성(%)"},
    "women": {"en": "Women", "ko": "여성"},
    "all": {"en": "All arrivals", "ko": "전체 입국 인원"},
    "note": {"en": "Shares computed by us from the Ministry of Unification's counts of women and of all arrivals; for "
                   "2002 to 2019 they are the same as the shares in the ministry's own table.",
             "ko": "비율은 통일부의 여성 인원과 전체 입국 인원 집계로 우리가 계산했다. 2002년부터 2019년까지는 통일부 "
                   "자체 표의 비율과 같다."},
}


def share(women: int, total: int) -> float:
    """Women as a percentage of all arrivals, to one decimal, as the ministry's own table gives it."""
    return round(women / total * 100, 1)


def chart(store: FactStore) -> ChartDefinition:
    say = words(store, WORDS)
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

    x = alt.X("period:O", title=say("x"),
              axis=alt.Axis(values=[row["period"] for row in rows if int(row["period"]) % 5 == 0], labelAngle=0))
    y = alt.Y("share:Q", title=say("y"), scale=alt.Scale(domain=[0, 100]),
              axis=alt.Axis(values=[0, 25, 50, 75, 100]))
    tooltip = [alt.Tooltip("period:O", title=say("year")), alt.Tooltip("share:Q", title=say("women_share"), format=".1f"),
               alt.Tooltip("women:Q", title=say("women"), format=","),
               alt.Tooltip("total:Q", title=say("all"), format=",")]
    # aria=False: a guide line, not data; without it, Vega gives screen readers an unnamed graphic.
    half = alt.Chart(ROWS).mark_rule(strokeDash=[4, 4], aria=False).encode(y=alt.datum(50)).transform_filter(
        alt.datum.period == first["period"])
    # Under the line, where the share stayed above half for years: the first years' points sit just above it.
    half_label = alt.Chart(ROWS).mark_text(text=say("half"), style="annotation", align="left", baseline="top",
                                           dy=4, aria=False).encode(
        x=x, y=alt.datum(50)).transform_filter(alt.datum.period == first["period"])
    line = alt.Chart(ROWS).mark_line(point=True).encode(x=x, y=y, tooltip=tooltip)
    percent = lambda row: say("share_in", share=f"{row['share']:.1f}", year=row["period"])  # noqa: E731
    labels = [alt.Chart(ROWS).mark_text(text=percent(row), style="annotation",
                                        align="right", dx=-8, dy=dy).encode(x=x, y=y).transform_filter(
        alt.datum.period == row["period"]) for row, dy in ((high, -10), (low, 4))]
    dips = say("and").join(minority)
    return ChartDefinition(
        # The exceptions by year: 2020 was a pandemic year too, and women were still most arrivals then.
        title=(say("title_dips", first_majority_year=majority[0], dips=dips) if minority
               else say("title", first_majority_year=majority[0])),
        label=say("label", first_year=first["period"], last_year=last["period"]),
        caption=(say("caption", first_majority_year=majority[0])
                 + (say("caption_dips", dips=dips) if minority else "")
                 + say("caption_end", high=percent(high))),
        alt=(say("alt", first_year=first["period"], last_year=last["period"], first=percent(first),
                 settled_min=f"{min(settled):.1f}", settled_max=f"{max(settled):.1f}", settled_first=SETTLED[0],
                 settled_last=SETTLED[-1])
             + (say("alt_dips", dips=dips, low=percent(low)) if minority else "")
             + say("alt_end", high=percent(high))),
        cites=(SERIES,),
        columns=(ChartColumn("period", say("year")), ChartColumn("women", say("women"), "people"),
                 ChartColumn("total", say("all"), "people"),
                 ChartColumn("share", say("women_share"), "percent", decimals=1)),
        rows=rows,
        note=say("note"),
        chart=alt.layer(half, half_label, line, *labels).properties(height=240),
    )
