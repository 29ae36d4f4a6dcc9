"""Charts as Vega-Lite specs built with Altair; the page embeds them with vega-embed and always
shows the same numbers as a table for screen readers and for people who prefer to read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import altair as alt

MSEK = 100_000_000


def _mkr(ore: int) -> float:
    # Charts plot positions, not money: a float is fine here and never flows back into amounts.
    return float(Fraction(ore, MSEK))


def bar_chart(
    rows: Sequence[tuple[str, str, int]], *, title: str, x_title: str, color_title: str = ""
) -> str:
    """Grouped bars: (category, series, amount öre) → JSON spec."""
    data = [{"kategori": c, "serie": s, "mkr": _mkr(a)} for c, s, a in rows]
    chart = (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_bar()
        .encode(
            x=alt.X("kategori:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
            xOffset=alt.XOffset("serie:N"),
            y=alt.Y("mkr:Q", title="mkr"),
            color=alt.Color("serie:N", title=color_title, scale=alt.Scale(scheme="tableau10")),
            tooltip=["kategori:N", "serie:N", alt.Tooltip("mkr:Q", format=",.1f")],
        )
        .properties(width="container", height=260)
    )
    return _spec(chart)


def line_chart(rows: Sequence[tuple[int, str, int]], *, title: str) -> str:
    """Lines over years: (year, series, amount öre)."""
    data = [{"år": str(y), "serie": s, "mkr": _mkr(a)} for y, s, a in rows]
    chart = (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("år:O", title="År"),
            y=alt.Y("mkr:Q", title="mkr"),
            color=alt.Color("serie:N", title=""),
            tooltip=["år:O", "serie:N", alt.Tooltip("mkr:Q", format=",.1f")],
        )
        .properties(width="container", height=260)
    )
    return _spec(chart)


def waterfall_chart(steps: Sequence[tuple[str, int]], *, title: str, unit: int = 100) -> str:
    """A waterfall: the first step is the start value, the rest are changes; `unit` öre per plotted unit."""
    data: list[dict[str, Any]] = []
    level = 0
    for i, (label, amount) in enumerate(steps):
        start = 0 if i == 0 else level
        end = amount if i == 0 else level + amount
        data.append(
            {"steg": label, "ordning": i, "start": float(Fraction(start, unit)), "slut": float(Fraction(end, unit)),
             "typ": "nivå" if i == 0 else ("ökning" if amount >= 0 else "minskning")}
        )
        level = end
    data.append({"steg": "Resultat", "ordning": len(steps), "start": 0.0, "slut": float(Fraction(level, unit)),
                 "typ": "nivå"})
    chart = (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_bar()
        .encode(
            x=alt.X("steg:N", sort=alt.EncodingSortField(field="ordning"), title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("start:Q", title="kr"),
            y2="slut:Q",
            color=alt.Color(
                "typ:N",
                title="",
                scale=alt.Scale(domain=["nivå", "ökning", "minskning"], range=["#4c78a8", "#b5452c", "#2e7d32"]),
            ),
        )
        .properties(width="container", height=300)
    )
    return _spec(chart)


def _spec(chart: alt.Chart) -> str:
    spec = chart.to_dict()
    spec["config"] = {"font": "system-ui, sans-serif", "view": {"stroke": None}}
    # Embedded in a <script type="application/json">: keep "</" out of it.
    return json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")
