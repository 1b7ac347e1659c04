"""Elite defectors before and after Kim Jong Il's death in December 2011: how many, and what share of all."""
from __future__ import annotations

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts, words
from explainer.facts import FactStore

# Bars labelled above rather than beside: on a phone, names beside the bars would take half the width.
BAR, STEP = 20, 52  # pixels: a bar's thickness, and the room each bar takes with its name

# Per era: the count of elite defectors, The Chosun Ilbo's total of all defectors, and the elite share of it.
# Each era is named by the dates the elite count covers (July 1997 – December 2011, December 2011 – July 2024),
# not by a ruler's whole reign. The newspaper's totals are for each ruler's years and do not start in July 1997
# (elite.md), so no label may call them "all defectors in the same period".
ERAS = (
    ("elite-before-kji-death", "elite-denominator-kji", "elite-share-kji"),
    ("elite-after-kji-death", "elite-denominator-kju", "elite-share-kju"),
)

WORDS = {
    "title_far": {"en": "Since Kim Jong Il's death, elite defectors have been a far larger share of all defectors",
                  "ko": "김정일 사망 이후 전체 탈북민 중 엘리트 탈북민의 비율이 훨씬 커졌다"},
    "title_larger": {"en": "Since Kim Jong Il's death, elite defectors have been a larger share of all defectors",
                     "ko": "김정일 사망 이후 전체 탈북민 중 엘리트 탈북민의 비율이 커졌다"},
    "label": {"en": "Elite defectors before and after Kim Jong Il's death in December 2011",
              "ko": "2011년 12월 김정일 사망 전후의 엘리트 탈북민"},
    "caption": {"en": "{after_elite} elite defectors came in the years after Kim Jong Il's death, against "
                      "{before_elite} before it: {after_share} of all defectors by The Chosun Ilbo's totals, against "
                      "{before_share}.",
                "ko": "김정일 사망 이후 몇 년 동안 엘리트 탈북민 {after_elite}명이 왔고, 그 이전에는 {before_elite}명"
                      "이었다. 조선일보의 합계로 전체 탈북민 중 {after_share}로, 이전의 {before_share}와 대비된다."},
    "alt": {"en": "Two bar charts comparing the two periods. Elite defectors: {before_elite} from {before_period} and "
                  "{after_elite} from {after_period}. As a share of The Chosun Ilbo's totals of all defectors for each "
                  "ruler's years: {before_share} of {before_all} for Kim Jong Il's, then {after_share} of {after_all} "
                  "for Kim Jong Un's.",
            "ko": "두 기간을 비교하는 막대 차트 두 개. 엘리트 탈북민: {before_period} {before_elite}명, {after_period} "
                  "{after_elite}명. 각 통치자 집권기의 전체 탈북민에 대한 조선일보 합계 중 비율: 김정일 집권기 "
                  "{before_all}명 중 {before_share}, 김정은 집권기 {after_all}명 중 {after_share}."},
    "period": {"en": "Period counted", "ko": "집계 기간"},
    "elite": {"en": "Elite defectors", "ko": "엘리트 탈북민"},
    "all_tooltip": {"en": "All defectors in the ruler's years, by The Chosun Ilbo's total",
                    "ko": "해당 통치자 집권기의 전체 탈북민(조선일보 합계 기준)"},
    # Short, so the data table's heading stays on one line in print; the note and alt text say what it counts.
    "all_column": {"en": "All defectors", "ko": "전체 탈북민"},
    "share": {"en": "Elite share (%)", "ko": "엘리트 비율(%)"},
    "note": {"en": "Counts of elite defectors under the National Intelligence Service's protection, from ministry data "
                   "obtained by The Chosun Ilbo. All defectors: The Chosun Ilbo's totals for each ruler's years, "
                   "which give no dates; they are not counts for the periods of the elite count.",
             "ko": "국가정보원의 보호를 받는 엘리트 탈북민 수로, 조선일보가 입수한 통일부 자료에서 나온 것이다. 전체 탈북민: "
                   "각 통치자 집권기에 대한 조선일보의 합계로, 기준일을 밝히지 않았으며 엘리트 집계 기간의 수치가 아니다."},
    "elite_axis": {"en": "Elite defectors (people)", "ko": "엘리트 탈북민(명)"},
    "share_axis": {"en": "Elite share of all defectors (%)", "ko": "전체 탈북민 중 엘리트 비율(%)"},
}


def chart(store: FactStore) -> ChartDefinition:
    say = words(store, WORDS)
    rows = []
    for count_id, all_id, share_id in ERAS:
        count, everyone, share = facts(store, count_id, all_id, share_id)
        rows.append({"period": count.as_of.label, "elite": count.value, "all_defectors": everyone.value,
                     "share": share.value})
    before, after = rows
    headroom = lambda field: max(row[field] for row in rows) * 1.3  # noqa: E731

    def panel(field: str, title: str, label: str) -> alt.LayerChart:
        base = alt.Chart(ROWS).encode(
            # Room after the longer bar for its value.
            y=alt.Y("period:N", sort=None, axis=None),
            x=alt.X(f"{field}:Q", title=title, scale=alt.Scale(domain=[0, headroom(field)])),
            tooltip=[alt.Tooltip("period:N", title=say("period")),
                     alt.Tooltip("elite:Q", title=say("elite"), format=","),
                     alt.Tooltip("all_defectors:Q", title=say("all_tooltip"), format=","),
                     alt.Tooltip("share:Q", title=say("share"), format=".2f")])
        earlier = base.mark_bar(style="muted", size=BAR).transform_filter(alt.datum.period == before["period"])
        later = base.mark_bar(size=BAR).transform_filter(alt.datum.period == after["period"])
        names = base.mark_text(align="left", baseline="bottom", dy=-(BAR // 2 + 4)).encode(
            x=alt.value(0), text="period:N")
        values = base.mark_text(align="left", dx=4, style="annotation").transform_calculate(
            label=label).encode(text="label:N")
        return alt.layer(earlier, later, names, values).properties(height=alt.Step(STEP))

    share_text = lambda row: f"{row['share']:.2f}%"  # noqa: E731
    return ChartDefinition(
        title=(say("title_far" if after["share"] >= 2 * before["share"] else "title_larger")
               if after["share"] > before["share"] else say("label")),
        label=say("label"),
        caption=say("caption", after_elite=after["elite"], before_elite=before["elite"],
                    after_share=share_text(after), before_share=share_text(before)),
        alt=say("alt", before_elite=before["elite"], before_period=before["period"], after_elite=after["elite"],
                after_period=after["period"], before_share=share_text(before),
                before_all=f"{before['all_defectors']:,}", after_share=share_text(after),
                after_all=f"{after['all_defectors']:,}"),
        cites=tuple(fact_id for ids in ERAS for fact_id in ids),
        columns=(ChartColumn("period", say("period")),
                 ChartColumn("elite", say("elite"), "people"),
                 ChartColumn("all_defectors", say("all_column"), "people"),
                 ChartColumn("share", say("share"), "percent", decimals=2)),
        rows=tuple(rows),
        note=say("note"),
        chart=alt.vconcat(panel("elite", say("elite_axis"), "datum.elite"),
                          panel("share", say("share_axis"),
                                "format(datum.share, '.2f') + '%'"), spacing=24),
    )
