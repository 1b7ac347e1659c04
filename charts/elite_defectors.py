"""Elite defectors before and after Kim Jong Il's death in December 2011: how many, and what share of all."""
from __future__ import annotations

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts
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


def chart(store: FactStore) -> ChartDefinition:
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
            tooltip=[alt.Tooltip("period:N", title="Period of the elite count"),
                     alt.Tooltip("elite:Q", title="Elite defectors", format=","),
                     alt.Tooltip("all_defectors:Q", title="All defectors in the ruler's years, by The Chosun Ilbo's total",
                                 format=","),
                     alt.Tooltip("share:Q", title="Elite share (%)", format=".2f")])
        earlier = base.mark_bar(style="muted", size=BAR).transform_filter(alt.datum.period == before["period"])
        later = base.mark_bar(size=BAR).transform_filter(alt.datum.period == after["period"])
        names = base.mark_text(align="left", baseline="bottom", dy=-(BAR // 2 + 4)).encode(
            x=alt.value(0), text="period:N")
        values = base.mark_text(align="left", dx=4, style="annotation").transform_calculate(
            label=label).encode(text="label:N")
        return alt.layer(earlier, later, names, values).properties(height=alt.Step(STEP))

    share_text = lambda row: f"{row['share']:.2f}%"  # noqa: E731
    return ChartDefinition(
        title=(f"Since Kim Jong Il's death, elite defectors have been a "
               f"{'far ' if after['share'] >= 2 * before['share'] else ''}larger share of all defectors"
               if after["share"] > before["share"] else
               "Elite defectors before and after Kim Jong Il's death in December 2011"),
        label="Elite defectors before and after Kim Jong Il's death in December 2011",
        caption=(f"{after['elite']} elite defectors came in the years after Kim Jong Il's death, against "
                 f"{before['elite']} before it: {share_text(after)} of all defectors by The Chosun Ilbo's totals, "
                 f"against {share_text(before)}."),
        alt=(f"Two bar charts comparing the two periods. Elite defectors: {before['elite']} from "
             f"{before['period']} and {after['elite']} from {after['period']}. As a share of The Chosun Ilbo's totals "
             f"of all defectors for each ruler's years: {share_text(before)} of {before['all_defectors']:,} for "
             f"Kim Jong Il's, then {share_text(after)} of {after['all_defectors']:,} for Kim Jong Un's."),
        cites=tuple(fact_id for ids in ERAS for fact_id in ids),
        columns=(ChartColumn("period", "Period of the elite count"),
                 ChartColumn("elite", "Elite defectors", "people"),
                 ChartColumn("all_defectors", "All defectors in each ruler's years, by The Chosun Ilbo's total "
                             "(dates not given)", "people"),
                 ChartColumn("share", "Elite share (%)", "percent", decimals=2)),
        rows=tuple(rows),
        note="Counts of elite defectors under the National Intelligence Service's protection, from ministry "
             "data obtained by The Chosun Ilbo.",
        chart=alt.vconcat(panel("elite", "Elite defectors (people)", "datum.elite"),
                          panel("share", "Elite share of all defectors (%)",
                                "format(datum.share, '.2f') + '%'"), spacing=24),
    )
