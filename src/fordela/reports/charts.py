"""The charts of a cycle as Vega-Lite specs (built with Altair): one definition of each chart.

The web embeds a spec with vega-embed (`fordela.web.charts` adds its page config); the documents
render the same spec to PNG with vl-convert (`fordela.documents.charts`). Positions on an axis
are floats made by the caller's `to_unit` (a picture needs no more); every figure a chart prints
is a string made by the caller's `to_text` from the exact öre (`money.display`), the function
the tables use, so a chart and its table never disagree. No Django.
"""

from __future__ import annotations

import textwrap
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


def year_axis(**options: Any) -> alt.Axis:
    """An axis of years: labels upright (a turned year is hard to read), thinned where they would
    overlap rather than turned."""
    return alt.Axis(labelAngle=0, labelOverlap=True, **options)


def legend_below(title: str = "") -> alt.Legend:
    """A legend under the chart, one entry per line, never cut: a long supplier or scenario name
    is read whole (`labelLimit` 0 is no limit), and the chart keeps the page's width."""
    return alt.Legend(title=title or None, orient="bottom", direction="vertical", labelLimit=0, titleLimit=0)


def ordered_colour(field: str, order: Sequence[str], *, title: str = "", scheme: str = "tableau10") -> alt.Color:
    """Colour by `field` with the legend in `order` (the table's order), not sorted by name."""
    return alt.Color(
        field,
        title=title,
        sort=list(order),
        scale=alt.Scale(domain=list(order), scheme=scheme),
        legend=legend_below(title),
    )


def close_domain(values: Sequence[float]) -> tuple[float, float]:
    """An axis range around `values` that shows differences of a few per cent: from a little below
    the smallest to a little above the largest (from 0 only when the values are near it or span it)."""
    low, high = min(values), max(values)
    span = high - low
    pad = max(span * 0.5, abs(high) * 0.01) or 1.0
    start = low - pad
    if low >= 0 and (start < 0 or low - 2 * pad <= 0):
        start = 0.0
    return start, high + pad


def comparison_bars(
    rows: Sequence[tuple[str, str, int]],
    *,
    title: str,
    description: str,
    to_unit: Callable[[int], float],
    to_text: Callable[[int], str],
    unit: str,
) -> alt.TopLevelMixin:
    """(group, series, öre) as one small chart per group, each with its own axis close to its
    values (`close_domain`, not from 0): the scenarios of one supplier differ by a few mkr out of a
    thousand, which bars from zero would hide. `description` must say that the axes do not start
    at 0. Groups and series (and the legend) keep the order of `rows`, the table's order."""
    groups = list(dict.fromkeys(g for g, _, _ in rows))
    series = list(dict.fromkeys(s for _, s, _ in rows))
    charts = []
    for group in groups:
        own = [(s, amount) for g, s, amount in rows if g == group]
        low, high = close_domain([to_unit(a) for _, a in own])
        # Each bar runs from the axis's start (not from 0, far outside the plot) to its value.
        data = [{"series": s, "value": to_unit(a), "low": low, "figure": to_text(a)} for s, a in own]
        base = alt.Chart(
            alt.Data(values=data), title=alt.TitleParams(textwrap.wrap(group, 30) or group, anchor="start", fontSize=12)
        ).encode(
            # The series are named once, in the legend: labels beside every small chart would make
            # the stack wider than its container (a concatenation cannot be fitted to the width).
            y=alt.Y("series:N", sort=series, title=None, axis=None),
            x=alt.X(
                "value:Q",
                title=unit,
                scale=alt.Scale(domain=[low, high], zero=False, nice=False),
                axis=alt.Axis(labelAngle=0, tickCount=4),
            ),
        )
        bars = base.mark_bar(clip=True).encode(
            x2="low:Q",
            # Legend entries wrap at spaces (a scenario's name can be longer than a phone is wide).
            color=alt.Color(
                "series:N",
                sort=series,
                scale=alt.Scale(domain=series, scheme="tableau10"),
                legend=alt.Legend(
                    title=None,
                    orient="bottom",
                    direction="vertical",
                    labelLimit=0,
                    labelExpr="split(replace(datum.label, /(.{1,30})( |$)/g, '$1|'), '|')",
                ),
            ),
            tooltip=[alt.Tooltip("series:N", title=_("Scenario")), alt.Tooltip("figure:N", title=unit)],
        )
        # The figure inside its bar's end: the axis starts a quarter of the range below the
        # smallest value, so every bar is long enough, and nothing is drawn beyond the plot.
        figures = base.mark_text(align="right", dx=-4, fontSize=11, color="white").encode(text="figure:N")
        # A fixed small width: a concatenation cannot be fitted to its container, and 260 px fits
        # the narrowest phone (320 px) beside the page's margins.
        charts.append(alt.layer(bars, figures).properties(width=260, height={"step": 26}))
    # The title in lines that fit the narrowest phone (a title does not wrap by itself).
    heading = alt.TitleParams(textwrap.wrap(title, 26) or title, anchor="start")
    return alt.vconcat(*charts, title=heading, description=description, spacing=18).resolve_scale(
        x="independent", color="shared"
    )


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
    would not show from zero (unless the levels cross zero). Every bar carries its figure. On
    screen the steps run downwards (labels whole and upright at any width); `printed` (documents,
    a fixed wide page) they run across as in the deck, the labels wrapped instead of turned.
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
    colour = alt.Color(
        "kind:N",
        title="",
        scale=alt.Scale(domain=[_(k) for k in COLOURS], range=list(COLOURS.values())),
        legend=legend_below(),
    )
    tooltip = [
        alt.Tooltip("step:N", title=_("Step")),
        alt.Tooltip("kind:N", title=_("Type")),
        alt.Tooltip("figure:N", title=unit),
    ]
    value_scale = alt.Scale(domain=[floor, high + pad], zero=False, nice=False)
    base = alt.Chart(alt.Data(values=data), title=title)
    if not printed:
        # A long title in lines (a title does not wrap by itself and would widen the chart).
        base = base.properties(title=alt.TitleParams(textwrap.wrap(title, 34) or title, anchor="start"))
        # On screen the steps run down the page: every label is read whole and upright at any
        # width (eleven upright labels side by side do not fit a phone), with the figure at the bar.
        # A step's label wraps at its spaces (one word a line) so that a phone keeps room for bars.
        labels = alt.Axis(labelLimit=0, labelExpr="split(datum.label, ' ')")
        step = alt.Y("step:N", sort=alt.EncodingSortField(field="order"), title=None, axis=labels)
        bars = base.mark_bar(clip=True).encode(
            y=step,
            x=alt.X("start:Q", title=unit, scale=value_scale, axis=alt.Axis(tickCount=4)),
            x2="end:Q",
            color=colour,
            tooltip=tooltip,
        )
        figures = (
            base.mark_text(align="left", dx=4, fontSize=11)
            .encode(y=step, x=alt.X("right:Q"), text="figure:N")
            .transform_calculate(right="max(datum.start, datum.end)")
        )
        # The figures stand right of their bars: the padding keeps the widest of them in the chart.
        return alt.layer(bars, figures).properties(
            width="container", height={"step": 34}, padding={"left": 5, "top": 5, "bottom": 5, "right": 72}
        )
    # On paper the steps wrap at spaces instead of turning: a turned label is hard to read.
    axis = alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')", labelLimit=110, labelFontSize=10)
    bars = base.mark_bar(clip=True).encode(
        x=alt.X("step:N", sort=alt.EncodingSortField(field="order"), title=None, axis=axis),
        y=alt.Y("start:Q", title=unit, scale=value_scale),
        y2="end:Q",
        color=colour,
        tooltip=tooltip,
    )
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
        y=alt.Y("supplier:N", sort=[row[0] for row in rows], title=None, axis=alt.Axis(labelLimit=0)),
        yOffset=alt.YOffset("frame:N", sort=series_names),
        x=alt.X("value:Q", title=unit, scale=alt.Scale(nice=True)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "frame:N",
            title="",
            scale=alt.Scale(domain=series_names, range=[COLOURS[LEVEL], COLOURS[DECREASE]]),
            legend=legend_below(),
        ),
        tooltip=[
            alt.Tooltip("supplier:N", title=_("Supplier")),
            alt.Tooltip("frame:N", title=_("Frame")),
            alt.Tooltip("figure:N", title=unit),
        ],
    )
    figures = base.mark_text(align="left", dx=4, fontSize=11).encode(text="figure:N")
    return alt.layer(bars, figures).properties(width=640, height={"step": 34})
