"""Charts as PNG images for the deck and the PDF: the bridge as a waterfall, the frames as bars.

matplotlib's object API with the Agg canvas (no pyplot, no global state), so charts can be drawn
from the web too. Bar lengths are floats in mkr because that is all a picture needs; every label
is money.display of the exact öre, so a printed figure never comes from a float.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from fordela.engine import bridge as b
from fordela.engine.money import Unit, display, swedish_number

if TYPE_CHECKING:
    from matplotlib.ticker import FuncFormatter

BLUE, GREEN, RED, GREY = "#1f4e79", "#4e9a06", "#c0392b", "#7f8c8d"
DPI = 150


def _mkr(ore: int) -> float:
    return ore / Unit.MKR.ore  # bar length only; labels use display()


def _png(figure: object) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)  # type: ignore[arg-type]  # attaches the Agg canvas
    buffer = io.BytesIO()
    # No software/date metadata: the same figures give the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})  # type: ignore[attr-defined]
    return buffer.getvalue()


def _swedish_ticks() -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: swedish_number(Fraction(value).limit_denominator(100), 0))


def bridge_waterfall(bridge: b.Bridge, labels: dict[str, str], title: str) -> bytes:
    """The bridge of one supplier and scenario as a waterfall: totals as full bars, changes floating.

    `labels` maps bridge line names to short Swedish labels.
    """
    from matplotlib.figure import Figure

    steps: list[tuple[str, int, bool]] = [("management_budget_base", bridge.management_budget_base, True)]
    names = [n for n, _ in bridge.lines]
    existing = [n for n, _ in b.EXISTING_DELIVERY_LINES]
    steps += [(n, bridge.line(n), False) for n in names if n in existing]
    steps.append(("existing_delivery", bridge.existing_delivery, True))
    steps += [(n, bridge.line(n), False) for n in names if n not in existing]
    steps.append(("management_cost", bridge.management_cost, True))
    steps.append(("change_initiatives", bridge.change_initiatives, False))
    steps.append(("total", bridge.total, True))

    figure = Figure(figsize=(11, 5.2))
    axes = figure.add_subplot()
    level = 0
    lows: list[float] = []
    for i, (_, amount, is_total) in enumerate(steps):
        if is_total:
            bottom, height, colour = 0, amount, BLUE
            level = amount
        else:
            bottom = level if amount >= 0 else level + amount
            height, colour = abs(amount), GREEN if amount >= 0 else RED
            level += amount
        axes.bar(i, _mkr(height), bottom=_mkr(bottom), color=colour, width=0.7)
        text = display(amount) if is_total else ("+" if amount >= 0 else "") + display(amount)
        axes.text(i, _mkr(bottom + height), text, ha="center", va="bottom", fontsize=8)
        lows.append(_mkr(bottom))
    # Start the axis near the smallest bar base so that the changes are visible next to totals.
    floor = min(low for low, (_, _, t) in zip(lows, steps, strict=True) if not t) if len(steps) > 1 else 0.0
    top = _mkr(max(bridge.total, bridge.management_cost, bridge.management_budget_base))
    axes.set_ylim(max(0.0, floor - (top - floor) * 0.6), top + (top - floor) * 0.15 + 1)
    axes.set_xticks(range(len(steps)), [labels.get(n, n) for n, _, _ in steps], rotation=30, ha="right", fontsize=8)
    axes.yaxis.set_major_formatter(_swedish_ticks())
    axes.set_ylabel("mkr")
    axes.set_title(title, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _png(figure)


def frames_bars(rows: Sequence[tuple[str, int, int]], title: str) -> bytes:
    """Frames per supplier, (name, management öre, development öre), as horizontal bars in mkr."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 1.2 + 0.9 * len(rows)))
    axes = figure.add_subplot()
    positions = range(len(rows))
    management = [_mkr(m) for _, m, _ in rows]
    development = [_mkr(d) for _, _, d in rows]
    # The y axis is inverted (first supplier on top), so management at p − 0.2 shows above.
    axes.barh([p - 0.2 for p in positions], management, height=0.4, color=BLUE, label="Förvaltning")
    axes.barh([p + 0.2 for p in positions], development, height=0.4, color=GREEN, label="Utveckling")
    for p, (_, m, d) in zip(positions, rows, strict=True):
        axes.text(_mkr(m), p - 0.2, " " + display(m, label=True), va="center", fontsize=8)
        axes.text(_mkr(d), p + 0.2, " " + display(d, label=True), va="center", fontsize=8)
    axes.set_yticks(list(positions), [name for name, _, _ in rows], fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, max(management + development + [1.0]) * 1.25)
    axes.xaxis.set_major_formatter(_swedish_ticks())
    axes.set_xlabel("mkr")
    axes.set_title(title, fontsize=11)
    axes.legend(loc="lower right", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _png(figure)
