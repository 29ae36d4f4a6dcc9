"""The services of the annual analysis: proposals from draft to deleted, and reviews.

Against the demo cycle in the database; every write must leave a cycle the package validation
accepts, keep the service's later-year cost consistent, and record history.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from fordela.accounts.services import demo_accounts_create
from fordela.catalogue.models import Cycle, ServiceYear
from fordela.cycle.models import Proposal, Review, ReviewAmount, ReviewCondition, ReviewStage
from fordela.cycle.proposals import (
    ConflictError,
    proposal_create,
    proposal_delete,
    proposal_restore,
    proposal_submit,
    proposal_update,
)
from fordela.cycle.reviews import review_record
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_import
from fordela.cycle.validation import CycleInvalid
from fordela.engine import model as m
from fordela.history.models import ChangeRecord
from fordela.package.validate import validate_cycle_data

CYCLE = "goteborg-2026"
DEV, MGMT = m.AmountType.DEVELOPMENT, m.AmountType.MANAGEMENT


@pytest.fixture
def cycle(db, demo) -> Cycle:
    imported = cycle_import(data=demo)
    demo_accounts_create()
    return imported


def user(name: str):
    return get_user_model().objects.get(username=name)


def volume(code: str = "is-vol-test", **changes) -> m.Proposal:
    row = m.Proposal(
        code=code,
        supplier="intraservice",
        kind=m.ProposalKind.VOLUME_CHANGE,
        title="Fler licenser",
        financing=m.Financing.SOLIDARITY,
        service="office365",
    )
    return dataclasses.replace(row, **changes)


def office365_cost(year: int = 2026) -> int:
    return ServiceYear.objects.get(cycle__code=CYCLE, service__code="office365", year=year).cost


def test_a_draft_stays_out_of_the_cycle_until_submitted_and_moves_the_service_cost(cycle):
    alice = user("alice")
    before = office365_cost()
    proposal = proposal_create(cycle=cycle, values=volume(), amounts=[(2026, MGMT, 1_000_000_00)], by=alice)
    assert proposal.status == "draft" and proposal.version == 1
    assert "is-vol-test" not in {p.code for p in cycle_data(CYCLE).proposals}
    assert office365_cost() == before  # a draft is not the supplier's filed proposal yet

    proposal_submit(proposal=proposal, expected_version=1, by=alice)
    data = cycle_data(CYCLE)
    assert "is-vol-test" in {p.code for p in data.proposals}
    assert office365_cost() == before + 1_000_000_00
    assert validate_cycle_data(data) == []

    proposal_update(
        proposal=proposal,
        values=volume(),
        amounts=[(2026, MGMT, 400_000_00), (2027, MGMT, 0)],
        expected_version=2,
        by=alice,
    )
    assert office365_cost() == before + 400_000_00
    assert validate_cycle_data(cycle_data(CYCLE)) == []
    cost_changes = ChangeRecord.objects.filter(table="service_years", object="office365/2026")
    assert cost_changes.count() == 2
    actions = list(
        ChangeRecord.objects.filter(table="proposals", object="is-vol-test").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "submit", "update"]
    update = ChangeRecord.objects.get(table="proposals", object="is-vol-test", action="update")
    assert update.changes["amount 2026 management"] == ["1\u00a0000\u00a0000", "400\u00a0000"]
    assert update.user == alice


def test_delete_and_restore_take_the_proposal_and_its_cost_out_and_back(cycle):
    alice = user("alice")
    before = office365_cost()
    proposal = proposal_create(cycle=cycle, values=volume(), amounts=[(2026, MGMT, 250_000_00)], by=alice)
    proposal_submit(proposal=proposal, expected_version=1, by=alice)
    proposal_delete(proposal=proposal, expected_version=2, by=alice)
    assert Proposal.objects.get(code="is-vol-test").deleted_at is not None
    assert "is-vol-test" not in {p.code for p in cycle_data(CYCLE).proposals}
    assert office365_cost() == before
    proposal_restore(proposal=proposal, expected_version=3, by=alice)
    assert office365_cost() == before + 250_000_00
    assert validate_cycle_data(cycle_data(CYCLE)) == []
    assert ChangeRecord.objects.filter(object="is-vol-test", action__in=["delete", "restore"]).count() == 2


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(cycle):
    alice, erik = user("alice"), user("erik")
    proposal = proposal_create(cycle=cycle, values=volume(), amounts=[], by=alice)
    proposal_update(proposal=proposal, values=volume(title="Alice"), amounts=[], expected_version=1, by=alice)
    with pytest.raises(ConflictError) as conflict:
        proposal_update(proposal=proposal, values=volume(title="Erik"), amounts=[], expected_version=1, by=erik)
    assert conflict.value.current.title == "Alice" and conflict.value.current.version == 2
    assert Proposal.objects.get(code="is-vol-test").title == "Alice"


def test_invalid_proposals_are_refused_with_the_package_rules_and_nothing_is_written(cycle):
    alice = user("alice")
    revision = Cycle.objects.get(code=CYCLE).revision
    key_change = volume(code="is-key", kind=m.ProposalKind.KEY_CHANGE, service="office365")
    with pytest.raises(CycleInvalid) as invalid:
        proposal_create(cycle=cycle, values=key_change, amounts=[(2040, DEV, 1)], by=alice)
    errors = invalid.value.errors
    assert "proposed_key" in errors  # a key change needs a proposed key
    assert "amount_2040_development" in errors  # outside the cycle's years
    with pytest.raises(CycleInvalid) as invalid:
        proposal_create(cycle=cycle, values=volume(code="Bad Code"), amounts=[], by=alice)
    assert "code" in invalid.value.errors
    with pytest.raises(CycleInvalid) as invalid:
        proposal_create(cycle=cycle, values=volume(code="is-hr-chatbot"), amounts=[], by=alice)
    assert "code" in invalid.value.errors  # already exists
    with pytest.raises(CycleInvalid) as invalid:
        proposal_create(cycle=cycle, values=volume(service="kontaktcenter"), amounts=[], by=alice)
    assert "service" in invalid.value.errors  # DMS' service
    assert not Proposal.objects.filter(code__in=["is-key", "is-vol-test"]).exists()
    assert Cycle.objects.get(code=CYCLE).revision == revision


def test_services_recheck_permission(cycle):
    with pytest.raises(PermissionDenied):
        proposal_create(cycle=cycle, values=volume(), amounts=[], by=user("fatima"))
    chatbot = Proposal.objects.get(code="is-hr-chatbot")  # reviewed: its supplier no longer changes it
    with pytest.raises(PermissionDenied):
        proposal_delete(proposal=chatbot, expected_version=chatbot.version, by=user("alice"))
    with pytest.raises(PermissionDenied):
        review_record(
            proposal=chatbot,
            stage=ReviewStage.objects.get(code="council"),
            outcome=m.ReviewOutcome.APPROVE,
            approved_amounts=None,
            conditions={},
            future_management_approved=False,
            comment="",
            by=user("alice"),
        )


def test_review_record_upserts_the_stage_and_a_later_stage_overrules(cycle):
    bob = user("bob")
    ai = Proposal.objects.get(code="is-ai-infrastruktur")
    council = ReviewStage.objects.get(code="council")
    review_record(
        proposal=ai,
        stage=council,
        outcome=m.ReviewOutcome.APPROVE_WITH_CONDITIONS,
        approved_amounts=[(2026, DEV, 5_000_000_00)],
        conditions={m.ConditionKind.PREREQUISITE: "Dialog med CISO först"},
        future_management_approved=False,
        comment="Lägre belopp",
        by=bob,
    )
    review_record(
        proposal=ai,
        stage=council,
        outcome=m.ReviewOutcome.APPROVE_WITH_CONDITIONS,
        approved_amounts=[(2026, DEV, 4_000_000_00)],
        conditions={m.ConditionKind.INVOICE_AFTER_INCURRED: ""},
        future_management_approved=False,
        comment="Ännu lägre",
        by=bob,
    )
    assert Review.objects.filter(proposal=ai, stage=council).count() == 1
    assert list(ReviewAmount.objects.filter(proposal=ai, stage=council).values_list("amount", flat=True)) == [
        4_000_000_00
    ]
    assert list(ReviewCondition.objects.filter(proposal=ai, stage=council).values_list("kind", flat=True)) == [
        "invoice_after_incurred"
    ]
    from fordela.engine.scenario import resolve_stage

    decision = resolve_stage(cycle_data(CYCLE), "council").decisions["is-ai-infrastruktur"]
    assert decision.stage == "council" and decision.amount(2026, DEV) == 4_000_000_00
    records = ChangeRecord.objects.filter(table="reviews", object="is-ai-infrastruktur/council")
    assert records.count() == 2
    assert records.first().changes["approved 2026 development"] == ["5\u00a0000\u00a0000", "4\u00a0000\u00a0000"]


def test_a_rejecting_review_approves_no_amounts(cycle):
    ai = Proposal.objects.get(code="is-ai-infrastruktur")
    council = ReviewStage.objects.get(code="council")
    with pytest.raises(CycleInvalid) as invalid:
        review_record(
            proposal=ai,
            stage=council,
            outcome=m.ReviewOutcome.REJECT,
            approved_amounts=[(2026, DEV, 1_00)],
            conditions={},
            future_management_approved=False,
            comment="",
            by=user("bob"),
        )
    assert "approved_amounts" in invalid.value.errors
    assert not Review.objects.filter(proposal=ai, stage=council).exists()


def test_an_admin_deletes_a_reviewed_proposal_with_its_reviews(cycle):
    chatbot = Proposal.objects.get(code="is-hr-chatbot")
    proposal_delete(proposal=chatbot, expected_version=chatbot.version, by=user("erik"))
    data = cycle_data(CYCLE)
    assert "is-hr-chatbot" not in {r.proposal for r in data.reviews}
    assert validate_cycle_data(data) == []
    proposal_restore(proposal=chatbot, expected_version=chatbot.version, by=user("erik"))
    assert "is-hr-chatbot" in {r.proposal for r in cycle_data(CYCLE).reviews}
