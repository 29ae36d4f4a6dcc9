"""The chart specs people read: labels upright and whole, legends below in the table's order, the
scenario comparison on axes close to its values (and saying so). Pure: no database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fordela.engine.money import Unit, display
from fordela.reports import charts as shared
from fordela.web import charts as web

MKR = 100_000_000
# Two series whose alphabetical order is not the table's: a sorted legend would show it.
SERIES = ("Scenario 3 – allt som föreslås", "Beredningens förslag", "Endast befintlig leverans")
LONG = "Nämnden för demokrati och medborgarservice"


def _walk(node: Any, key: str) -> Iterator[Any]:
    """Every value of `key` anywhere in a spec."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _walk(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, key)


def _legends(spec: dict) -> list[dict]:
    return [c["legend"] for c in _walk(spec, "color") if isinstance(c, dict) and c.get("legend")]


def _comparison() -> dict:
    rows = [
        (supplier, scenario, amount)
        for supplier, base in (("Nämnden för Intraservice", 1_124_500_000_00), (LONG, 86_900_000_00))
        for scenario, extra in zip(SERIES, (59_100_000_00, 49_900_000_00, 0), strict=True)
        for amount in (base + extra,)
    ]
    return json.loads(web.comparison_chart(rows, title="t", description="Axeln börjar inte vid 0."))


def test_the_comparison_axis_hugs_the_values_and_says_so():
    spec = _comparison()
    assert spec["description"] == "Axeln börjar inte vid 0."
    first = spec["vconcat"][0]["layer"][0]["encoding"]["x"]
    assert first["scale"]["zero"] is False
    low, high = first["scale"]["domain"]
    # Intraservice: 1 124,5 … 1 183,6 mkr; from 0 the 59 mkr between them would be 5 % of the bar.
    assert 1_000 < low < 1_124.5 and 1_183.6 < high < 1_300
    assert (1_183.6 - 1_124.5) / (high - low) > 0.4
    # Each supplier's name in lines short enough for a phone (a chart title does not wrap by itself).
    titles = [sub["layer"][0]["title"]["text"] for sub in spec["vconcat"]]
    assert [" ".join(t) for t in titles] == ["Nämnden för Intraservice", LONG]
    assert all(len(line) <= 30 for t in titles for line in t)


def test_legends_keep_the_tables_order_and_are_never_cut():
    spec = _comparison()
    for colour in _walk(spec, "color"):
        if isinstance(colour, dict) and "scale" in colour:
            assert colour["scale"]["domain"] == list(SERIES) and colour["sort"] == list(SERIES)
    bars = json.loads(web.bar_chart([("2025", s, MKR) for s in SERIES], title="t", x_title="År"))
    assert bars["encoding"]["color"]["scale"]["domain"] == list(SERIES)
    assert bars["encoding"]["xOffset"]["sort"] == list(SERIES)
    for legend in _legends(spec) + _legends(bars):
        assert legend["orient"] == "bottom" and legend["labelLimit"] == 0


def _bars() -> str:
    return web.bar_chart([("2025", "Budget", MKR), ("2026", "Utfall", MKR)], title="t", x_title="År")


def _line() -> str:
    return web.line_chart([(2023, "Utfall", MKR), (2024, "Utfall", 2 * MKR)], title="t")


def _kr_line() -> str:
    return web.kr_line_chart([(2023, "Kostnad", MKR), (2024, "Kostnad", MKR)], title="t")


def _waterfall() -> str:
    return web.bridge_waterfall([("Budget 2025", None, MKR), ("Avräkning 2025", -MKR // 10, 9 * MKR // 10)], title="t")


def _names() -> str:
    return web.bar_chart([(LONG, "2025", MKR)], title="t", x_title="", horizontal=True)


@pytest.mark.parametrize("spec", [_bars, _line, _kr_line, _waterfall, _names, lambda: json.dumps(_comparison())])
def test_no_label_is_turned(spec):
    parsed = json.loads(spec())
    angles = list(_walk(parsed, "labelAngle"))
    assert all(angle == 0 for angle in angles)
    limits = [limit for limit in _walk(parsed, "labelLimit") if limit]
    assert all(limit >= 140 for limit in limits)  # 0 is no limit at all


def test_names_on_the_side_wrap_instead_of_being_cut():
    spec = json.loads(web.bar_chart([(LONG, "2025", MKR)], title="t", x_title="", horizontal=True))
    assert spec["encoding"]["y"]["axis"]["labelLimit"] == 0
    assert spec["data"]["values"][0]["label"] == "Nämnden för|demokrati och|medborgarservice"
    assert spec["data"]["values"][0]["category"] == LONG  # the tooltip keeps the whole name


def test_the_frames_chart_and_the_printed_waterfall_keep_names_whole_and_upright():
    frames = shared.frames_bars(
        [(LONG, 86_900_000_00, 0), ("Nämnden för Intraservice", 1_136_000_000_00, 36_950_000_00)],
        title="t",
        to_unit=lambda ore: ore / MKR,
        to_text=lambda ore: display(ore, Unit.MKR),
        unit="mkr",
    ).to_dict()
    assert frames["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] == 0
    printed = shared.waterfall(
        [("Budget 2025", None, MKR), ("Totalt", None, MKR)],
        title="t",
        to_unit=lambda ore: ore / MKR,
        to_text=lambda ore: display(ore, Unit.MKR),
        unit="mkr",
        printed=True,
    ).to_dict()
    assert set(_walk(printed, "labelAngle")) == {0}


@pytest.mark.parametrize(
    ("values", "start"),
    [([1_124.5, 1_183.6], 1_094.95), ([86.9, 86.9], 86.031), ([2.0, 40.0], 0.0), ([-5.0, 3.0], -9.0)],
)
def test_close_domain(values, start):
    low, high = shared.close_domain(values)
    assert low == pytest.approx(start) and high > max(values)
