"""Charts as Vega-Lite specs built with Altair; the page embeds them with vega-embed and always
shows the same numbers as a table for screen readers and for people who prefer to read.

Every figure a chart prints (tooltips) is a string from money.display of the exact öre, the same
function the tables use, so chart and table never disagree by a rounding. Floats are only the
positions of marks on the axes."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Sequence
from fractions import Fraction

import altair as alt
from django.utils.translation import gettext as _

from fordela.engine.money import Unit, display, number_style
from fordela.reports import charts as shared

MSEK = 100_000_000
# An axis label's room: 40 % of the container's width, at most 260 px (at 320 px a label of 260 px
# would leave the bars none).
LABEL_LIMIT = alt.ExprRef("clamp(containerSize()[0] * 0.4, 60, 260)")


def _mkr(ore: int) -> float:
    # Charts plot positions, not money: a float is fine here and never flows back into amounts.
    return float(Fraction(ore, MSEK))


def _mkr_text(ore: int) -> str:
    return display(ore, Unit.MKR)


def _kr_text(ore: int) -> str:
    return display(ore, Unit.KR)


def bar_chart(
    rows: Sequence[tuple[str, str, int]],
    *,
    title: str,
    x_title: str,
    color_title: str = "",
    description: str = "",
    horizontal: bool = False,
) -> str:
    """Grouped bars: (category, series, amount öre) → JSON spec. Categories, series and the legend
    keep the order of `rows` (the table's). Labels are never turned or cut: years stand upright;
    names (`horizontal`) run down the page, where a long name fits at any width."""
    # A name on the side wraps at spaces into lines of about 20 characters (textwrap), so that it
    # leaves the bars most of a phone's width; the lines travel joined by "|" and the axis splits them.
    label = (
        (lambda text: "|".join(textwrap.wrap(text, 20, break_long_words=False)) or text)
        if horizontal
        else (lambda text: text)
    )
    data = [{"category": c, "label": label(c), "series": s, "mkr": _mkr(a), "figure": _mkr_text(a)} for c, s, a in rows]
    series = list(dict.fromkeys(s for _, s, _ in rows))
    category = alt.X if not horizontal else alt.Y
    value = alt.Y if not horizontal else alt.X
    offset = alt.XOffset if not horizontal else alt.YOffset
    axis = (
        alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=0)
        if horizontal
        else shared.year_axis(labelExpr="split(datum.label, ' ')", labelLimit=0)
    )
    encoding = {
        # Names down the side need no turned heading beside them: it would only take width.
        ("y" if horizontal else "x"): category("label:N", title=None if horizontal else x_title, sort=None, axis=axis),
        ("yOffset" if horizontal else "xOffset"): offset("series:N", sort=series),
        ("x" if horizontal else "y"): value("mkr:Q", title="mkr"),
    }
    chart = (
        alt.Chart(
            alt.Data(values=data),
            title=alt.TitleParams(title, anchor="start", frame="bounds"),
            description=description or title,
        )
        .mark_bar()
        .encode(
            **encoding,
            color=shared.ordered_colour("series:N", series, title=color_title),
            tooltip=[
                alt.Tooltip("category:N", title=x_title or " "),
                alt.Tooltip("series:N", title=color_title or " "),
                alt.Tooltip("figure:N", title="mkr"),
            ],
        )
        .properties(width="container", height={"step": 18 * max(2, len(series))} if horizontal else 260)
    )
    return _spec(chart)


def comparison_chart(rows: Sequence[tuple[str, str, int]], *, title: str, description: str) -> str:
    """Totals per (supplier, scenario) in mkr, each supplier on an axis close to its values
    (`fordela.reports.charts.comparison_bars`)."""
    chart = shared.comparison_bars(
        rows, title=title, description=description, to_unit=_mkr, to_text=_mkr_text, unit="mkr"
    )
    return _spec(chart)


def line_chart(rows: Sequence[tuple[int, str, int]], *, title: str) -> str:
    """Lines over years: (year, series, amount öre); the legend in the order the series first appear."""
    data = [{"year": str(y), "series": s, "mkr": _mkr(a), "figure": _mkr_text(a)} for y, s, a in rows]
    series = list(dict.fromkeys(s for _, s, _ in rows))
    chart = (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=_("Year"), axis=shared.year_axis()),
            y=alt.Y("mkr:Q", title="mkr"),
            color=shared.ordered_colour("series:N", series),
            tooltip=[
                alt.Tooltip("year:O", title=_("Year")),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("figure:N", title="mkr"),
            ],
        )
        .properties(width="container", height=260)
    )
    return _spec(chart)


def _spec(chart: alt.TopLevelMixin) -> str:
    spec = chart.to_dict()
    style = number_style()
    # The axes format their numbers in the page's language, as the tables and tooltips do
    # (money.display): d3's format locale, read by vega-embed (fordela.js) and by Vega itself.
    spec["config"] = {
        "font": "system-ui, sans-serif",
        "view": {"stroke": None},
        "locale": {
            "number": {"decimal": style.decimal, "thousands": style.thousands, "grouping": [3], "currency": ["", " kr"]}
        },
    }
    # The whole chart (axes, labels and legend included) fits its container's width, which the
    # page sizes (a phone is 320 px): the plot shrinks, it does not run out of the page.
    spec["autosize"] = {"type": "fit-x", "contains": "padding", "resize": True}
    # Embedded in a <script type="application/json">: keep "</" out of it.
    return json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")


# --- Bridge waterfall (scenarios feature) -------------------------------------------------------


def bridge_waterfall(steps: Sequence[tuple[str, int | None, int]], *, title: str) -> str:
    """The budget bridge as a waterfall in mkr: (label, change öre or None for a level, level öre)."""
    return _waterfall(steps, title=title, to_unit=_mkr, to_text=_mkr_text, unit="mkr")


# --- My organisation, key simulator, outlook (organisations feature) ----------------------------


def _kr(ore: int) -> float:
    return float(Fraction(ore, 100))


def level_waterfall(steps: Sequence[tuple[str, int | None, int]], *, title: str) -> str:
    """An organisation's change as a waterfall in kr: (label, change öre or None for a level, level öre)."""
    return _waterfall(steps, title=title, to_unit=_kr, to_text=_kr_text, unit="kr")


def _waterfall(
    steps: Sequence[tuple[str, int | None, int]],
    *,
    title: str,
    to_unit: Callable[[int], float],
    to_text: Callable[[int], str],
    unit: str,
) -> str:
    """The waterfall of `fordela.reports.charts`, the one definition the documents print too."""
    return _spec(shared.waterfall(steps, title=title, to_unit=to_unit, to_text=to_text, unit=unit))


def change_bars(rows: Sequence[tuple[str, int]], *, title: str, x_title: str = "") -> str:
    """Horizontal bars of a change per category in kr, increases and decreases in two colours
    (the sign is also in the tooltip and in the table next to the chart)."""
    x_title = x_title or _("Change (kr)")
    increase, decrease = _(shared.INCREASE), _(shared.DECREASE)
    data = [
        {
            "category": label,
            "kr": _kr(amount),
            "figure": _kr_text(amount),
            "kind": increase if amount >= 0 else decrease,
        }
        for label, amount in rows
    ]
    chart = (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_bar()
        .encode(
            # Long names get at most 40 % of the chart's width, so the bars keep room on a phone.
            y=alt.Y("category:N", title=None, sort=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("kr:Q", title=x_title),
            color=alt.Color(
                "kind:N",
                title="",
                scale=alt.Scale(domain=[increase, decrease], range=["#b5452c", "#2e7d32"]),
                legend=shared.legend_below(),
            ),
            tooltip=[alt.Tooltip("category:N", title=" "), alt.Tooltip("figure:N", title="kr")],
        )
        .properties(width="container", height=max(80, 22 * len(rows)))
    )
    return _spec(chart)


def kr_line_chart(rows: Sequence[tuple[int, str, int]], *, title: str) -> str:
    """Lines over years in kr: (year, series, amount öre)."""
    data = [{"year": str(y), "series": s, "kr": _kr(a), "figure": _kr_text(a)} for y, s, a in rows]
    series = list(dict.fromkeys(s for _, s, _ in rows))
    chart = (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=_("Year"), axis=shared.year_axis()),
            y=alt.Y("kr:Q", title="kr", scale=alt.Scale(zero=False)),
            color=shared.ordered_colour("series:N", series),
            tooltip=[
                alt.Tooltip("year:O", title=_("Year")),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("figure:N", title="kr"),
            ],
        )
        .properties(width="container", height=260)
    )
    return _spec(chart)
