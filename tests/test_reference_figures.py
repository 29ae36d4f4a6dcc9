"""Golden tests: the demo cycle reproduces every reference figure of PRODUCT.md from its data."""

from __future__ import annotations

import pytest

from fordela.engine import bridge as b
from fordela.engine.money import Unit, display, percent
from fordela.engine.scenario import resolve_code

MKR = 100_000_000
TKR = 100_000
KR = 100


@pytest.fixture(scope="module")
def proposed(demo):
    return b.bridge(demo, "intraservice", resolve_code(demo, "proposed"))


@pytest.fixture(scope="module")
def recommended(demo):
    return b.bridge(demo, "intraservice", resolve_code(demo, "preparation"))


@pytest.mark.parametrize(
    ("line", "proposed_text", "recommended_text"),
    [
        ("development_within_service", "60,2", "60,2"),
        ("supplier_contracts", "30,1", "30,1"),
        ("settlement", "−66,1", "−66,1"),
        ("efficiency", "−15,4", "−15,4"),
        ("new_services", "26,9", "25,5"),
        ("volume", "10,1", "10,1"),
    ],
)
def test_bridge_lines(proposed, recommended, line, proposed_text, recommended_text):
    assert display(proposed.line(line)) == proposed_text
    assert display(recommended.line(line)) == recommended_text


def test_bridge_subtotals_and_changes(proposed, recommended):
    for x in (proposed, recommended):
        assert display(x.management_budget_base) == "1\u00a0091,6"
        assert display(x.existing_delivery) == "1\u00a0100,4"
        assert display(x.existing_delivery_change.amount) == "8,8"
        assert percent(x.existing_delivery_change.amount, x.management_budget_base) == "0,8\u00a0%"
        assert display(x.change_initiatives_base) == "27,1"
    assert display(proposed.management_cost) == "1\u00a0137,4"
    assert display(recommended.management_cost) == "1\u00a0136,0"
    assert display(proposed.management_change.amount) == "45,8"
    assert display(recommended.management_change.amount) == "44,4"
    assert percent(proposed.management_change.amount, proposed.management_budget_base) == "4,2\u00a0%"
    assert percent(recommended.management_change.amount, recommended.management_budget_base) == "4,1\u00a0%"
    assert display(proposed.change_initiatives) == "46,2"
    assert display(recommended.change_initiatives) == "38,4"
    assert display(proposed.change_initiatives_change.amount) == "19,1"
    assert display(recommended.change_initiatives_change.amount) == "11,3"
    assert display(proposed.total) == "1\u00a0183,6"
    assert display(recommended.total) == "1\u00a0174,4"
    # 64 850 tkr: half-up from the exact amount (banker's rounding or floats give 64,8)
    assert proposed.total_change.amount == 64_850 * TKR
    assert display(proposed.total_change.amount) == "64,9"
    assert display(recommended.total_change.amount) == "55,7"
    assert percent(proposed.total_change.amount, proposed.total_base) == "5,8\u00a0%"
    assert percent(recommended.total_change.amount, recommended.total_base) == "5,0\u00a0%"
    assert display(recommended.total_with_index) == "1\u00a0209,6"


def test_initiative_lists(demo):
    lists = {lst.name: lst for lst in b.initiative_lists(demo, "intraservice", resolve_code(demo, "preparation"))}
    assert display(lists["recommended"].total, Unit.TKR) == "38\u00a0350"
    assert lists["recommended"].total == 38_350 * TKR
    assert lists["not_recommended"].total == 2_100 * TKR
    assert lists["as_add_on"].total == 5_700 * TKR
    recommended = lists["recommended"].items
    assert len(recommended) == 13
    assert sum(1 for d, _ in recommended if d.proposal.already_decided) == 6
    # the coordination group removed the HR chatbot
    later = {
        lst.name: lst for lst in b.initiative_lists(demo, "intraservice", resolve_code(demo, "coordination_group"))
    }
    assert later["recommended"].total == 36_950 * TKR
    assert "is-hr-chatbot" in {d.proposal.code for d, _ in later["not_recommended"].items}


def test_frames_to_council(demo):
    resolution = resolve_code(demo, "coordination_group")
    frames = {s: b.frame(demo, s, resolution) for s in b.suppliers(demo)}
    assert frames["intraservice"].management == 1_136_000_000 * KR
    assert frames["intraservice"].development == 36_950_000 * KR
    assert display(frames["intraservice"].development, Unit.MKR, decimals=0) == "37"
    assert frames["dms"].management == 86_900_000 * KR
    assert frames["dms"].development == 0
    assert frames["iu"].management == 33_750_000 * KR
    assert frames["iu"].development == 6_200_000 * KR


def test_dms_history(demo):
    rows = {(sy.year): sy for sy in demo.service_years if sy.service == "kontaktcenter"}
    dms = {s.code for s in demo.services if s.supplier == "dms" and s.category.value == "base"}

    def total(year, attribute):
        return sum(getattr(sy, attribute) or 0 for sy in demo.service_years if sy.service in dms and sy.year == year)

    assert rows
    assert total(2023, "outcome") == 73_970_000 * KR
    assert total(2024, "outcome") == 78_675_000 * KR
    assert total(2025, "cost") == 86_900_000 * KR
    assert total(2025, "development_within_service") == 9_470_000 * KR
    assert total(2026, "cost") == 86_900_000 * KR
    assert total(2026, "development_within_service") == 6_838_800 * KR


def test_outlook_domino_saving(demo):
    proposed = resolve_code(demo, "proposed")
    years = {y.year: y for y in b.outlook(demo, "intraservice", proposed)}
    # Domino's −9 MSEK from 2028 and the AI service's 3,5 MSEK from 2028 among the future costs
    delta_2028 = years[2028].management - years[2027].management
    domino = next(d for d in proposed.decisions.values() if d.proposal.code == "is-domino-avveckling")
    assert domino.management(2028) == -9_000_000 * KR
    assert domino.management(2027) == 0
    assert delta_2028 == sum(
        d.management(2028) - d.management(2027) for d in proposed.included() if d.proposal.supplier == "intraservice"
    )
    assert years[2026].total_with_index == b.with_index(years[2026].total, demo.cycle.index_rate, 1)
    assert years[2027].total_with_index == b.with_index(years[2027].total, demo.cycle.index_rate, 2)
