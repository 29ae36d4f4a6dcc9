"""Scenarios: everything proposed, explicit selections, and stage decisions where later overrules earlier."""

from __future__ import annotations

import pytest

from fordela.engine.model import AmountType, ReviewOutcome
from fordela.engine.scenario import ScenarioError, resolve_code, resolve_stage, with_proposals

TKR = 100_000


def test_all_proposed_includes_every_proposal_with_future_costs(demo):
    resolution = resolve_code(demo, "proposed")
    assert all(d.included for d in resolution.decisions.values())
    ai = resolution.decisions["is-ai-infrastruktur"]
    assert ai.amount(2027, AmountType.DEVELOPMENT) == 6_300 * TKR
    assert ai.management(2028) == 3_500 * TKR


def test_review_amounts_restrict_what_is_approved(demo):
    ai = resolve_stage(demo, "preparation").decisions["is-ai-infrastruktur"]
    assert ai.included and ai.outcome is ReviewOutcome.APPROVE
    assert ai.amount(2026, AmountType.DEVELOPMENT) == 6_300 * TKR
    assert ai.amount(2027, AmountType.DEVELOPMENT) == 0  # only 2026 approved
    assert ai.management(2028) == 0  # future management cost not approved


def test_later_stage_overrules_earlier_and_keeps_the_rest(demo):
    preparation = resolve_stage(demo, "preparation")
    group = resolve_stage(demo, "coordination_group")
    assert preparation.decisions["is-hr-chatbot"].included
    chatbot = group.decisions["is-hr-chatbot"]
    assert not chatbot.included and chatbot.stage == "coordination_group"
    assert chatbot.outcome is ReviewOutcome.REJECT
    # everything the group did not review keeps the preparation's decision
    for code, decision in group.decisions.items():
        if code != "is-hr-chatbot":
            assert decision.included == preparation.decisions[code].included
            assert decision.stage == preparation.decisions[code].stage
    # council has no reviews: it inherits the group's decisions
    council = resolve_stage(demo, "council")
    assert {c for c, d in council.decisions.items() if d.included} == {
        c for c, d in group.decisions.items() if d.included
    }


def test_conditions_travel_with_the_decision(demo):
    security = resolve_stage(demo, "preparation").decisions["is-it-sakerhet"]
    kinds = {c.kind.value for c in security.conditions}
    assert kinds == {"invoice_after_incurred", "prerequisite"}
    assert any("CISO" in c.text for c in security.conditions)


def test_explicit_scenario_and_toggles(demo):
    explicit = resolve_code(demo, "utan-nya-insatser")
    chosen = {c for c, d in explicit.decisions.items() if d.included}
    assert "is-data-warehouse" in chosen and "is-ai-infrastruktur" not in chosen
    toggled = with_proposals(demo, explicit, {"is-ai-infrastruktur": True, "is-data-warehouse": False})
    assert toggled.decisions["is-ai-infrastruktur"].included
    assert not toggled.decisions["is-data-warehouse"].included
    assert explicit.decisions["is-ai-infrastruktur"].included is False  # the original is untouched


def test_unknown_scenario_names_the_known_ones(demo):
    with pytest.raises(ScenarioError, match="known: .*preparation"):
        resolve_code(demo, "nope")
