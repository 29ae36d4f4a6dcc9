"""Charts print the same figures as the tables: tooltips are money.display strings of the exact öre,
never a float rounded in the browser (1 174,35 mkr as a float is 1174.3499… and showed 1 174,3)."""

from __future__ import annotations

import json

import pytest

from fordela.engine.money import Unit, display
from fordela.web import charts

HALF = 117_435_000_000  # 1 174,35 mkr: half-up 1 174,4; a float rounds it to 1 174,3


def _tooltip_values(spec_json: str) -> list[object]:
    spec = json.loads(spec_json)
    view = spec["layer"][0] if "layer" in spec else spec  # a layered chart: the bars carry the tooltip
    fields = [t["field"] for t in view["encoding"]["tooltip"] if t["type"] == "quantitative" or "format" in t]
    assert not fields, f"a tooltip formats a float in the browser: {fields}"
    shown = [t["field"] for t in view["encoding"]["tooltip"]]
    values = spec.get("datasets", {})
    rows = next(iter(values.values())) if values else (spec.get("data") or view["data"])["values"]
    return [row[field] for row in rows for field in shown]


@pytest.mark.parametrize(
    ("spec", "unit"),
    [
        (charts.bar_chart([("a", "s", HALF)], title="t", x_title="x"), Unit.MKR),
        (charts.line_chart([(2026, "s", HALF)], title="t"), Unit.MKR),
        (charts.bridge_waterfall([("level", None, HALF), ("change", HALF, 2 * HALF)], title="t"), Unit.MKR),
        (charts.level_waterfall([("level", None, 1_005), ("change", 50, 1_055)], title="t"), Unit.KR),
        (charts.change_bars([("a", 1_050)], title="t"), Unit.KR),
        (charts.kr_line_chart([(2026, "s", 1_050)], title="t"), Unit.KR),
    ],
)
def test_tooltips_show_the_tables_display_of_the_exact_ore(spec, unit):
    values = _tooltip_values(spec)
    figures = {display(HALF, Unit.MKR), display(2 * HALF, Unit.MKR), display(1_005, Unit.KR)}
    figures |= {display(x, Unit.KR) for x in (50, 1_050, 1_055)}
    money = [v for v in values if isinstance(v, str) and v in figures]
    assert money, values
    assert not [v for v in values if isinstance(v, float)]


def test_the_half_case_rounds_like_the_table():
    spec = json.loads(charts.bridge_waterfall([("level", None, HALF)], title="t"))
    rows = next(iter(spec["datasets"].values())) if "datasets" in spec else spec["data"]["values"]
    assert rows[0]["figure"] == "1\u00a0174,4" == display(HALF)
