"""Defectors working in the public sector: 194 at the end of 2023, 211 at the end of 2024, and what the 211 do."""
from __future__ import annotations

import json

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts
from explainer.facts import FactStore

TOTALS = ("public-sector-end-2023", "public-sector-end-2024")
BREAKDOWN = (  # the kinds of job of the end-2024 total, as the ministry gave them
    ("Central-government civil servants", "public-sector-central-2024"),
    ("Local-government civil servants", "public-sector-local-2024"),
    ("Administrative-support staff", "public-sector-admin-2024"),
)
NOT_BROKEN_DOWN = "All public-sector jobs (no breakdown published)"
# Bars labelled above rather than beside: on a phone, names beside the bars would take a third of the width.
BAR = 22  # pixels


def year_end(as_of) -> str:
    return f"End of {as_of.latest[:4]}"


def chart(store: FactStore) -> ChartDefinition:
    earlier, later = facts(store, *TOTALS)
    parts = facts(store, *(fact_id for _, fact_id in BREAKDOWN))
    if sum(part.value for part in parts) != later.value:
        raise ValueError(f"the breakdown adds up to {sum(part.value for part in parts)}, not to the total of "
                         f"{later.value}: check the facts {', '.join(fact_id for _, fact_id in BREAKDOWN)}.")
    rows = ({"year_end": year_end(earlier.as_of), "kind": NOT_BROKEN_DOWN, "people": earlier.value},
            *({"year_end": year_end(later.as_of), "kind": kind, "people": part.value}
              for (kind, _), part in zip(BREAKDOWN, parts)))
    kinds = [kind for kind, _ in BREAKDOWN]
    y = alt.Y("year_end:N", sort=None, axis=None)
    # Room after the longer bar for its total.
    x = alt.X("sum(people):Q", title="Defectors in public-sector jobs (people)",
              scale=alt.Scale(domain=[0, later.value * 1.15]))
    tooltip = [alt.Tooltip("year_end:N", title="As of"), alt.Tooltip("kind:N", title="Job"),
               alt.Tooltip("people:Q", title="People", format=",")]
    total_bar = alt.Chart(ROWS).mark_bar(style="muted", size=BAR).encode(y=y, x=x, tooltip=tooltip).transform_filter(
        alt.datum.kind == NOT_BROKEN_DOWN)
    parts_bar = alt.Chart(ROWS).mark_bar(size=BAR).encode(
        y=y, x=x, tooltip=tooltip,
        color=alt.Color("kind:N", title=f"{year_end(later.as_of)}, by kind of job", sort=kinds,
                        scale=alt.Scale(domain=kinds), legend=alt.Legend(labelExpr=_legend_label(rows))),
        order=alt.Order("order:Q"),
    ).transform_filter(alt.datum.kind != NOT_BROKEN_DOWN).transform_calculate(
        order=f"indexof({json.dumps(kinds)}, datum.kind)")
    totals = alt.Chart(ROWS).mark_text(align="left", dx=4, style="annotation").encode(
        y=y, x=x, text=alt.Text("sum(people):Q", format=","))
    names = alt.Chart(ROWS).mark_text(align="left", baseline="bottom", dy=-(BAR // 2 + 4)).encode(
        y=y, x=alt.value(0), text="year_end:N").transform_filter(
        (alt.datum.kind == NOT_BROKEN_DOWN) | (alt.datum.kind == kinds[0]))  # one name per bar
    return ChartDefinition(
        title=(f"More defectors held public-sector jobs at the end of {later.as_of.latest[:4]} than a year before"
               if later.value > earlier.value else
               f"Defectors in South Korea's public sector, end of {earlier.as_of.latest[:4]} and "
               f"{later.as_of.latest[:4]}"),
        label="North Korean defectors working in South Korea's public sector",
        # Every number in the caption is a fact of the store: none is computed here.
        caption=(f"{later.display} defectors held public-sector jobs at the end of {later.as_of.latest[:4]}, "
                 f"up from {earlier.display} a year earlier: {parts[0].display} central-government and "
                 f"{parts[1].display} local-government civil servants, and {parts[2].display} "
                 "administrative-support staff."),
        alt=(f"Horizontal bar chart. At the end of {earlier.as_of.latest[:4]}, {earlier.value} defectors worked in the "
             f"public sector; at the end of {later.as_of.latest[:4]}, {later.value}, split into "
             + ", ".join(f"{part.value} {kind.lower()}" for (kind, _), part in zip(BREAKDOWN, parts)) + "."),
        cites=(*TOTALS, *(fact_id for _, fact_id in BREAKDOWN)),
        columns=(ChartColumn("year_end", "As of"), ChartColumn("kind", "Job"),
                 ChartColumn("people", "People", "people")),
        rows=rows,
        chart=alt.layer(total_bar, parts_bar, totals, names).properties(height=104),
    )


def _legend_label(rows) -> str:
    """Legend entries with their counts ("Local-government civil servants: 82"): a Vega expression."""
    counts = {row["kind"]: row["people"] for row in rows}
    return f"datum.label + ': ' + {json.dumps(counts)}[datum.label]"
