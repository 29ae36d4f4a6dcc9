"""The charts of a cycle as Vega-Lite specs (built with Altair): one definition of each chart.

The web embeds a spec with vega-embed (`fordela.web.charts` adds its page config); the documents
render the same spec to PNG with vl-convert (`fordela.documents.charts`). Positions on an axis
are floats made by the caller's `to_unit` (a picture needs no more); every figure a chart prints
is a string made by the caller's `to_text` from the exact öre (`money.display`), the function
the tables use, so a chart and its table never disagree. No Django.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import altair as alt

LEVEL, INCREASE, DECREASE = "nivå", "ökning", "minskning"
COLOURS = {LEVEL: "#4c78a8", INCREASE: "#b5452c", DECREASE: "#2e7d32"}
MANAGEMENT, DEVELOPMENT = "Förvaltning", "Utveckling"


def waterfall(
    steps: Sequence[tuple[str, int | None, int]],
    *,
    title: str,
    to_unit: Callable[[int], float],
    to_text: Callable[[int], str],
    unit: str,
    printed: bool = False,
) -> alt.TopLevelMixin:
    """A waterfall of (label, change öre or None for a level, level öre): levels are whole bars,
    changes float from the level before to the level after.

    The axis starts near the smallest level: the changes are a few per cent of the whole and
    would not show from zero (unless the levels cross zero). `printed` (documents): every bar
    carries its figure and the step labels wrap instead of turning, as there is no tooltip on paper.
    """
    points = [to_unit(level) for _, _, level in steps] + [to_unit(level - (change or 0)) for _, change, level in steps]
    low, high = min(points), max(points)
    pad = (high - low) * 0.15 or abs(high) * 0.05 or 1.0
    floor = min(0.0, low - pad) if low - pad < 0 < high else low - pad
    data: list[dict[str, Any]] = []
    for i, (label, change, level) in enumerate(steps):
        end = to_unit(level)
        if change is None:
            start, kind, text = floor, LEVEL, to_text(level)
        else:
            start, kind = to_unit(level - change), (INCREASE if change >= 0 else DECREASE)
            text = ("+" if change >= 0 else "") + to_text(change)
        data.append({"steg": label, "ordning": i, "start": start, "slut": end, "typ": kind, unit: text})
    axis = (
        alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')", labelLimit=110, labelFontSize=10)
        if printed
        else alt.Axis(labelAngle=-35, labelLimit=220)
    )
    base = alt.Chart(alt.Data(values=data), title=title)
    bars = base.mark_bar(clip=True).encode(
        x=alt.X("steg:N", sort=alt.EncodingSortField(field="ordning"), title=None, axis=axis),
        y=alt.Y("start:Q", title=unit, scale=alt.Scale(domain=[floor, high + pad], zero=False, nice=False)),
        y2="slut:Q",
        color=alt.Color("typ:N", title="", scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values()))),
        tooltip=["steg:N", "typ:N", alt.Tooltip(f"{unit}:N")],
    )
    if not printed:
        return bars.properties(width="container", height=340)
    figures = (
        base.mark_text(dy=-6, fontSize=11)
        .encode(
            x=alt.X("steg:N", sort=alt.EncodingSortField(field="ordning")),
            y=alt.Y("top:Q"),
            text=f"{unit}:N",
        )
        .transform_calculate(top="max(datum.start, datum.slut)")
    )
    return alt.layer(bars, figures).properties(width=900, height=420)


def frames_bars(
    rows: Sequence[tuple[str, int, int]],
    *,
    title: str,
    to_unit: Callable[[int], float],
    to_text: Callable[[int], str],
    unit: str,
) -> alt.TopLevelMixin:
    """The frames per supplier, (name, management öre, development öre), as grouped horizontal
    bars with their figures; suppliers in the order given (the table's order)."""
    data = [
        {"leverantör": name, "ram": series, unit: to_unit(amount), "belopp": to_text(amount)}
        for name, management, development in rows
        for series, amount in ((MANAGEMENT, management), (DEVELOPMENT, development))
    ]
    base = alt.Chart(alt.Data(values=data), title=title).encode(
        y=alt.Y("leverantör:N", sort=[name for name, _, _ in rows], title=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("ram:N", sort=[MANAGEMENT, DEVELOPMENT]),
        x=alt.X(f"{unit}:Q", title=unit, scale=alt.Scale(nice=True)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "ram:N",
            title="",
            scale=alt.Scale(domain=[MANAGEMENT, DEVELOPMENT], range=[COLOURS[LEVEL], COLOURS[DECREASE]]),
        ),
        tooltip=["leverantör:N", "ram:N", alt.Tooltip("belopp:N", title=unit)],
    )
    figures = base.mark_text(align="left", dx=4, fontSize=11).encode(text="belopp:N")
    return alt.layer(bars, figures).properties(width=640, height={"step": 34})
