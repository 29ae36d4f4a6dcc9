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

from fordela.reports.i18n import gettext as _
from fordela.reports.i18n import gettext_noop as N_

# The legend's words are English msgids, translated when a chart is drawn; the data's field
# names are machine names (every title and tooltip is set, so none of them is shown).
LEVEL, INCREASE, DECREASE = N_("level"), N_("increase"), N_("decrease")
COLOURS = {LEVEL: "#4c78a8", INCREASE: "#b5452c", DECREASE: "#2e7d32"}
MANAGEMENT, DEVELOPMENT = N_("Management"), N_("Development")


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
        data.append({"step": label, "order": i, "start": start, "end": end, "kind": _(kind), "figure": text})
    axis = (
        alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')", labelLimit=110, labelFontSize=10)
        if printed
        else alt.Axis(labelAngle=-35, labelLimit=220)
    )
    base = alt.Chart(alt.Data(values=data), title=title)
    bars = base.mark_bar(clip=True).encode(
        x=alt.X("step:N", sort=alt.EncodingSortField(field="order"), title=None, axis=axis),
        y=alt.Y("start:Q", title=unit, scale=alt.Scale(domain=[floor, high + pad], zero=False, nice=False)),
        y2="end:Q",
        color=alt.Color(
            "kind:N", title="", scale=alt.Scale(domain=[_(k) for k in COLOURS], range=list(COLOURS.values()))
        ),
        tooltip=[
            alt.Tooltip("step:N", title=_("Step")),
            alt.Tooltip("kind:N", title=_("Type")),
            alt.Tooltip("figure:N", title=unit),
        ],
    )
    if not printed:
        return bars.properties(width="container", height=340)
    figures = (
        base.mark_text(dy=-6, fontSize=11)
        .encode(
            x=alt.X("step:N", sort=alt.EncodingSortField(field="order")),
            y=alt.Y("top:Q"),
            text="figure:N",
        )
        .transform_calculate(top="max(datum.start, datum.end)")
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
    series_names = [_(MANAGEMENT), _(DEVELOPMENT)]
    data = [
        {"supplier": name, "frame": series, "value": to_unit(amount), "figure": to_text(amount)}
        for name, management, development in rows
        for series, amount in zip(series_names, (management, development), strict=True)
    ]
    base = alt.Chart(alt.Data(values=data), title=title).encode(
        y=alt.Y("supplier:N", sort=[row[0] for row in rows], title=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("frame:N", sort=series_names),
        x=alt.X("value:Q", title=unit, scale=alt.Scale(nice=True)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "frame:N",
            title="",
            scale=alt.Scale(domain=series_names, range=[COLOURS[LEVEL], COLOURS[DECREASE]]),
        ),
        tooltip=[
            alt.Tooltip("supplier:N", title=_("Supplier")),
            alt.Tooltip("frame:N", title=_("Frame")),
            alt.Tooltip("figure:N", title=unit),
        ],
    )
    figures = base.mark_text(align="left", dx=4, fontSize=11).encode(text="figure:N")
    return alt.layer(bars, figures).properties(width=640, height={"step": 34})
