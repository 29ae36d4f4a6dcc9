"""From one cycle to the next (engine.rollover; rules in docs/distribution.md)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from fordela.engine import bridge as b
from fordela.engine import model as m
from fordela.engine.allocate import allocate
from fordela.engine.rollover import RolloverError, decided_costs, later_rows, next_cycle
from fordela.engine.scenario import decided_scenario, resolve_code, resolve_stage

T = m.AmountType


@pytest.fixture(scope="module")
def nxt(demo):
    return next_cycle(demo, code="goteborg-2027")


def test_the_new_base_year_is_the_decided_frames_with_index_to_the_ore(demo, nxt):
    decided = resolve_code(demo, decided_scenario(demo))
    assert nxt.cycle.base_year == 2026 and nxt.cycle.target_year == 2027
    for supplier in b.suppliers(demo):
        f = b.frame(demo, supplier, decided)
        assert b.management_budget(nxt, supplier, 2026) == f.management_with_index
        lines = [x.amount for x in nxt.budget_lines if x.supplier == supplier and x.year == 2026]
        assert sum(lines) == f.development_with_index
    # the published figures: Intraservice 1 136 000 000 kr + 3 %, DMS 86 900 000 kr + 3 %
    assert b.management_budget(nxt, "intraservice", 2026) == 1_170_080_000_00
    assert b.management_budget(nxt, "dms", 2026) == 89_507_000_00
    assert b.management_budget(nxt, "iu", 2026) == 34_762_500_00


def test_each_service_gets_its_share_of_the_frame_by_the_exact_split(demo, nxt):
    decided = resolve_stage(demo, "coordination_group")
    costs = decided_costs(demo, decided)
    rows = {sy.service: sy for sy in nxt.service_years if sy.year == 2026}
    services = [s for s in demo.services if s.supplier == "intraservice" and s.category in b.IN_MANAGEMENT_BUDGET]
    total, weight = 1_170_080_000_00, sum(costs[s.code] for s in services)
    for s in services:
        if costs[s.code]:
            assert abs(rows[s.code].cost - Fraction(total * costs[s.code], weight)) < 1
    # an add-on outside the frames: its decided cost with the index
    assert rows["kundtjanst"].cost == b.with_index(costs["kundtjanst"], demo.cycle.index_rate)


def test_catalogue_keys_participation_and_drivers_carry(demo, nxt):
    assert nxt.organisations == demo.organisations and nxt.driver_values == demo.driver_values
    assert nxt.keys == demo.keys and nxt.key_shares == demo.key_shares
    codes = {s.code for s in nxt.services}
    assert "grundlaggande-di" in codes and "automatisering" in codes  # approved new services
    assert "hallbarhetsinformation" not in codes  # rejected, never existed
    key = {(sy.service, sy.year): sy.key for sy in nxt.service_years}
    assert key[("lan", 2027)] == "k-frozen-2025" and key[("extern-service", 2027)] == "k-computers"
    # past years' costs and outcomes stay
    assert {(sy.service, sy.year, sy.outcome) for sy in demo.service_years if sy.year < 2026} <= {
        (sy.service, sy.year, sy.outcome) for sy in nxt.service_years
    }
    assert not nxt.proposals  # nothing in the demo was approved beyond 2026
    assert {s.kind for s in nxt.scenarios} <= {m.ScenarioKind.ALL_PROPOSED, m.ScenarioKind.STAGE}
    allocate(nxt, 2026)
    allocate(nxt, 2027, resolve_code(nxt, decided_scenario(nxt)))


def test_approved_later_years_carry_with_their_review_and_the_rest_does_not(demo):
    # The preparation approves Flexibilitet inom DI for 2027 too, and a management step on Office 365
    # of 2 mkr in 2026 rising to 5 mkr in 2027.
    extra = m.Proposal(
        "is-steg", "intraservice", m.ProposalKind.SUPPLIER_CONTRACT, "Steg", m.Financing.SOLIDARITY, service="office365"
    )
    data = replace(
        demo,
        proposals=demo.proposals + (extra,),
        proposal_amounts=demo.proposal_amounts
        + (
            m.ProposalAmount("is-steg", 2026, T.MANAGEMENT, 200_000_000),
            m.ProposalAmount("is-steg", 2027, T.MANAGEMENT, 500_000_000),
        ),
        reviews=demo.reviews + (m.Review("is-steg", "preparation", m.ReviewOutcome.APPROVE),),
        review_amounts=demo.review_amounts
        + (m.ReviewAmount("is-flexibilitet-di", "preparation", 2027, T.DEVELOPMENT, 400_000_000),),
    )
    nxt = next_cycle(data, code="next")
    assert {p.code for p in nxt.proposals} == {"is-flexibilitet-di", "is-steg"}
    assert all(p.already_decided for p in nxt.proposals)
    assert {(a.proposal, a.year, a.type, a.amount) for a in nxt.proposal_amounts} == {
        ("is-flexibilitet-di", 2027, T.DEVELOPMENT, 400_000_000),
        ("is-flexibilitet-di", 2028, T.DEVELOPMENT, 400_000_000),
        ("is-steg", 2027, T.MANAGEMENT, 300_000_000),  # 5 mkr level − the 2 mkr already in the base
    }
    assert [(a.year, a.amount) for a in nxt.review_amounts] == [(2027, 400_000_000)]
    assert {(r.proposal, r.outcome) for r in nxt.reviews} == {
        ("is-flexibilitet-di", m.ReviewOutcome.APPROVE_WITH_CONDITIONS),
        ("is-steg", m.ReviewOutcome.APPROVE),
    }
    assert [c.kind for c in nxt.review_conditions] == [m.ConditionKind.INVOICE_AFTER_INCURRED]
    assert {c.proposal for c in nxt.incurred_costs} == {"is-flexibilitet-di"}
    rows = {(sy.service, sy.year): sy.cost for sy in nxt.service_years}
    assert rows[("office365", 2027)] == rows[("office365", 2026)] + 300_000_000
    decided = resolve_code(nxt, decided_scenario(nxt))
    assert b.bridge(nxt, "intraservice", decided).change_initiatives == 400_000_000


def test_later_rows_are_changes_against_the_new_base():
    rows = ((2026, T.MANAGEMENT, 10), (2027, T.MANAGEMENT, 25), (2027, T.DEVELOPMENT, 7), (2026, T.DEVELOPMENT, 3))
    assert later_rows(rows, 2026) == ((2027, T.DEVELOPMENT, 7), (2027, T.MANAGEMENT, 15))
    assert later_rows(((2026, T.MANAGEMENT, 10),), 2026) == ()


def test_nothing_decided_no_next_cycle(demo):
    undecided = replace(
        demo, reviews=(), review_amounts=(), review_conditions=(), cycle=replace(demo.cycle, current_stage=None)
    )
    with pytest.raises(RolloverError, match="nothing is decided"):
        next_cycle(undecided, code="x")


def test_the_next_cycle_is_a_valid_package_that_round_trips(nxt, tmp_path):
    from fordela.package.reader import read_package
    from fordela.package.validate import validate_cycle_data
    from fordela.package.writer import write_package

    assert validate_cycle_data(nxt) == []
    write_package(nxt, tmp_path / "p")
    back = read_package(tmp_path / "p")
    assert back.cycle == nxt.cycle
    for table in ("services", "service_years", "participation", "subscriptions", "budget_lines", "allocation_history"):
        assert set(getattr(back, table)) == set(getattr(nxt, table)), table
