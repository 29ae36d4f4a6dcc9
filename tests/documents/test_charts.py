"""One chart definition: the documents print the web's Vega-Lite waterfall (rendered by
vl-convert), every printed figure is money.display of exact öre, and a bridge without changes
still draws its levels."""

from __future__ import annotations

import json

from fordela.documents import charts
from fordela.documents.common import short_line_labels
from fordela.engine import bridge as b
from fordela.engine.model import CycleData
from fordela.engine.money import Unit, display
from fordela.engine.scenario import Resolution
from fordela.reports import charts as shared
from fordela.reports.i18n import gettext
from fordela.reports.scenarios import bridge_steps_table
from fordela.web import charts as web

NBSP = "\u00a0"


def _values(spec: dict) -> list[dict]:
    layers = spec.get("layer", [spec])
    data = spec.get("data") or layers[0]["data"]
    return data["values"]


def test_the_web_draws_the_shared_waterfall() -> None:
    steps = [
        ("Budget", None, 100_000_000_000),
        ("Avtal", 3_010_000_000, 103_010_000_000),
        ("Totalt", None, 103_010_000_000),
    ]
    page = json.loads(web.bridge_waterfall(steps, title="t"))
    own = shared.waterfall(
        steps, title="t", to_unit=lambda ore: ore / 100_000_000, to_text=lambda ore: display(ore), unit="mkr"
    ).to_dict()
    assert page["layer"] == json.loads(json.dumps(own["layer"]))
    assert [v["figure"] for v in _values(page)] == [n.replace(" ", NBSP) for n in ("1 000,0", "+30,1", "1 030,1")]


def test_a_bridge_without_changes_draws_its_levels(demo: CycleData, preparation: Resolution) -> None:
    # Nämnden för demokrati och medborgarservice: every change 0 — the levels must still show.
    steps = bridge_steps_table(demo, b.bridge(demo, "dms", preparation))
    chart = shared.waterfall(
        [(label, change, level) for _, label, change, level in steps.rows],
        title="t",
        to_unit=charts.position,
        to_text=charts.mkr_text,
        unit="mkr",
        printed=True,
    ).to_dict()
    bars = _values(chart)
    floor, top = chart["layer"][0]["encoding"]["y"]["scale"]["domain"]
    levels = [bar for bar in bars if bar["kind"] == gettext(shared.LEVEL)]
    assert levels and all(floor < bar["end"] <= top and bar["start"] == floor for bar in levels)
    assert {bar["figure"] for bar in levels} == {"86,9"}
    assert chart["layer"][1]["mark"]["type"] == "text"  # the figures are printed on paper


def test_document_chart_is_a_png_with_its_figures_in_words(demo: CycleData, preparation: Resolution) -> None:
    steps = bridge_steps_table(demo, b.bridge(demo, "intraservice", preparation))
    chart = charts.bridge_waterfall(steps, short_line_labels(demo), preparation.name)
    assert chart.png.startswith(b"\x89PNG") and chart.width > 1000 and chart.height > 400
    total = b.bridge(demo, "intraservice", preparation).total
    assert chart.alt.endswith(f"Totalt {display(total, Unit.MKR, label=True)}.")
    assert "Förändringsinsatser +38,4" in chart.alt
