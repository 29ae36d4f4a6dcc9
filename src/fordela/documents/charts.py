"""Charts for the deck and the PDF: the web's Vega-Lite definitions (`fordela.reports.charts`)
rendered to PNG by vl-convert, with alt text that says what the chart shows.

Positions on the axes are floats in mkr (`position`), the only float; every printed figure, on
the bars and in the alt text, is `money.display` of the exact öre.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from fordela.documents.common import alt_text
from fordela.engine.money import Unit, display
from fordela.reports import charts as specs
from fordela.reports.tables import Table

SCALE = 2  # pixels per CSS pixel: sharp on a projector and in print
LOCALE = "sv-SE"  # axis ticks as Swedish numbers (1 100,5)
CONFIG = {"font": "DejaVu Sans", "view": {"stroke": None}, "background": "white"}


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart: the PNG, its size in pixels, and what it shows in words."""

    png: bytes
    width: int
    height: int
    alt: str


def position(ore: int) -> float:
    # Where a mark sits on the axis in mkr; never a printed figure.
    return float(Fraction(ore, Unit.MKR.ore))


def mkr_text(ore: int) -> str:
    return display(ore, Unit.MKR)


def render(chart: Any, alt: str) -> Chart:
    """`chart` (an Altair chart) as a PNG through vl-convert."""
    import vl_convert

    spec = chart.to_dict()
    spec["config"] = CONFIG
    png = vl_convert.vegalite_to_png(json.dumps(spec, ensure_ascii=False), scale=SCALE, format_locale=LOCALE)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the IHDR chunk
    return Chart(png, width, height, alt_text(alt))


def bridge_waterfall(steps: Table, labels: dict[str, str], title: str) -> Chart:
    """The bridge steps (`reports.scenarios.bridge_steps_table`: key, label, change, level) as a
    waterfall in mkr, with the `labels` short enough for the axis; `title` names the scenario.
    The same steps and the same chart definition as the web's bridge page."""
    rows = [(labels.get(key, label), change, int(level)) for key, label, change, level in steps.rows]
    chart = specs.waterfall(rows, title=title, to_unit=position, to_text=mkr_text, unit="mkr", printed=True)
    words = "; ".join(
        f"{label} {display(level, label=True)}"
        if change is None
        else f"{label} {'+' if change >= 0 else ''}{display(change, label=True)}"
        for label, change, level in rows
    )
    return render(chart, f"Vattenfallsdiagram, {steps.title}, {title}: {words}.")


def frames_bars(rows: Sequence[tuple[str, int, int]], title: str) -> Chart:
    """Frames per supplier, (name, management öre, development öre), as bars in mkr."""
    chart = specs.frames_bars(rows, title=title, to_unit=position, to_text=mkr_text, unit="mkr")
    words = "; ".join(
        f"{name}: förvaltning {display(m, label=True)}, utveckling {display(d, label=True)}" for name, m, d in rows
    )
    return render(chart, f"Stapeldiagram, ekonomiska ramar per leverantör, {title}: {words}.")
