"""Defectors working in the public sector: 194 at the end of 2023, 211 at the end of 2024, and what the 211 do."""
from __future__ import annotations

import json

import altair as alt

from explainer.charts import ROWS, ChartColumn, ChartDefinition, facts, words
from explainer.facts import FactStore

TOTALS = ("public-sector-end-2023", "public-sector-end-2024")
BREAKDOWN = (  # the kinds of job of the end-2024 total, as the ministry gave them (their names in WORDS)
    ("central", "public-sector-central-2024"),
    ("local", "public-sector-local-2024"),
    ("admin", "public-sector-admin-2024"),
)
# Bars labelled above rather than beside: on a phone, names beside the bars would take a third of the width.
BAR = 22  # pixels

WORDS = {
    "central": {"en": "Central-government civil servants", "ko": "중앙정부 공무원"},
    "local": {"en": "Local-government civil servants", "ko": "지방자치단체 공무원"},
    "admin": {"en": "Administrative-support staff", "ko": "행정지원 인력"},
    "not_broken_down": {"en": "All public-sector jobs (no breakdown published)",
                        "ko": "공공부문 일자리 전체(내역 발표되지 않음)"},
    "year_end": {"en": "End of {year}", "ko": "{year}년 말"},
    "x": {"en": "Defectors in public-sector jobs (people)", "ko": "공공부문에서 일하는 탈북민(명)"},
    "as_of": {"en": "As of", "ko": "기준 시점"},
    "job": {"en": "Job", "ko": "직종"},
    "people": {"en": "People", "ko": "인원"},
    "legend": {"en": "End of {year}, by kind of job", "ko": "{year}년 말, 직종별"},
    "title_rose": {"en": "More defectors held public-sector jobs at the end of {later_year} than a year before",
                   "ko": "{later_year}년 말 공공부문에서 일하는 탈북민이 한 해 전보다 늘었다"},
    "title": {"en": "Defectors in South Korea's public sector, end of {earlier_year} and {later_year}",
              "ko": "한국 공공부문의 탈북민, {earlier_year}년 말과 {later_year}년 말"},
    "label": {"en": "North Korean defectors working in South Korea's public sector",
              "ko": "한국 공공부문에서 일하는 북한 탈북민"},
    "caption": {"en": "{later} defectors held public-sector jobs at the end of {later_year}, up from {earlier} a year "
                      "earlier: {central} central-government and {local} local-government civil servants, and {admin} "
                      "administrative-support staff.",
                "ko": "{later_year}년 말 공공부문에서 일한 탈북민은 {later}명으로, 한 해 전 {earlier}명에서 늘었다. "
                      "중앙정부 공무원 {central}명, 지방자치단체 공무원 {local}명, 행정지원 인력 {admin}명이다."},
    "alt": {"en": "Horizontal bar chart. At the end of {earlier_year}, {earlier} defectors worked in the public sector; "
                  "at the end of {later_year}, {later}, split into {parts}.",
            "ko": "가로 막대 차트. {earlier_year}년 말 공공부문에서 일한 탈북민은 {earlier}명, {later_year}년 말에는 "
                  "{later}명이며, 그 내역은 {parts}이다."},
    "alt_part": {"en": "{n} {kind}", "ko": "{kind} {n}명"},
}


def chart(store: FactStore) -> ChartDefinition:
    say = words(store, WORDS)
    year_end = lambda as_of: say("year_end", year=as_of.latest[:4])  # noqa: E731
    not_broken_down = say("not_broken_down")
    earlier, later = facts(store, *TOTALS)
    parts = facts(store, *(fact_id for _, fact_id in BREAKDOWN))
    if sum(part.value for part in parts) != later.value:
        raise ValueError(f"the breakdown adds up to {sum(part.value for part in parts)}, not to the total of "
                         f"{later.value}: check the facts {', '.join(fact_id for _, fact_id in BREAKDOWN)}.")
    kinds = [say(kind) for kind, _ in BREAKDOWN]
    rows = ({"year_end": year_end(earlier.as_of), "kind": not_broken_down, "people": earlier.value},
            *({"year_end": year_end(later.as_of), "kind": kind, "people": part.value}
              for kind, part in zip(kinds, parts)))
    y = alt.Y("year_end:N", sort=None, axis=None)
    # Room after the longer bar for its total.
    x = alt.X("sum(people):Q", title=say("x"),
              scale=alt.Scale(domain=[0, later.value * 1.15]))
    tooltip = [alt.Tooltip("year_end:N", title=say("as_of")), alt.Tooltip("kind:N", title=say("job")),
               alt.Tooltip("people:Q", title=say("people"), format=",")]
    total_bar = alt.Chart(ROWS).mark_bar(style="muted", size=BAR).encode(y=y, x=x, tooltip=tooltip).transform_filter(
        alt.datum.kind == not_broken_down)
    parts_bar = alt.Chart(ROWS).mark_bar(size=BAR).encode(
        y=y, x=x, tooltip=tooltip,
        color=alt.Color("kind:N", title=say("legend", year=later.as_of.latest[:4]), sort=kinds,
                        scale=alt.Scale(domain=kinds), legend=alt.Legend(labelExpr=_legend_label(rows))),
        order=alt.Order("order:Q"),
    ).transform_filter(alt.datum.kind != not_broken_down).transform_calculate(
        order=f"indexof({json.dumps(kinds)}, datum.kind)")
    totals = alt.Chart(ROWS).mark_text(align="left", dx=4, style="annotation").encode(
        y=y, x=x, text=alt.Text("sum(people):Q", format=","))
    names = alt.Chart(ROWS).mark_text(align="left", baseline="bottom", dy=-(BAR // 2 + 4)).encode(
        y=y, x=alt.value(0), text="year_end:N").transform_filter(
        (alt.datum.kind == not_broken_down) | (alt.datum.kind == kinds[0]))  # one name per bar
    return ChartDefinition(
        title=(say("title_rose", later_year=later.as_of.latest[:4]) if later.value > earlier.value else
               say("title", earlier_year=earlier.as_of.latest[:4], later_year=later.as_of.latest[:4])),
        label=say("label"),
        # Every number in the caption is a fact of the store: none is computed here.
        caption=say("caption", later=later.display, later_year=later.as_of.latest[:4], earlier=earlier.display,
                    central=parts[0].display, local=parts[1].display, admin=parts[2].display),
        alt=say("alt", earlier_year=earlier.as_of.latest[:4], earlier=earlier.value,
                later_year=later.as_of.latest[:4], later=later.value,
                parts=", ".join(say("alt_part", n=part.value, kind=kind.lower()) for kind, part in zip(kinds, parts))),
        cites=(*TOTALS, *(fact_id for _, fact_id in BREAKDOWN)),
        columns=(ChartColumn("year_end", say("as_of")), ChartColumn("kind", say("job")),
                 ChartColumn("people", say("people"), "people")),
        rows=rows,
        chart=alt.layer(total_bar, parts_bar, totals, names).properties(height=104),
    )


def _legend_label(rows) -> str:
    """Legend entries with their counts ("Local-government civil servants: 82"): a Vega expression."""
    counts = {row["kind"]: row["people"] for row in rows}
    return f"datum.label + ': ' + {json.dumps(counts)}[datum.label]"
