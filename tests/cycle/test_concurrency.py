"""No lost update, no spurious refusal: optimistic locking on every editable object, one-time form
tokens, unique codes decided by the database, and real threads against PostgreSQL.

The version tests run on both databases. The threaded ones need a server database: SQLite's
in-memory test database is one connection, so threads cannot race there.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections

from fordela.accounts.services import demo_accounts_create
from fordela.billing.services import OutcomeConflict, outcome_record
from fordela.catalogue.models import Cycle, ServiceYear
from fordela.cycle.models import FormToken, Proposal, Review, ReviewStage, Scenario, ScenarioProposal
from fordela.cycle.proposals import proposal_create, proposal_submit, proposal_update
from fordela.cycle.reviews import ProposalChanged, ReviewConflict, review_record
from fordela.cycle.scenarios import scenario_create, scenario_set
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import AlreadyCreated, cycle_import
from fordela.cycle.validation import CycleInvalid
from fordela.engine import model as m
from fordela.package.validate import validate_cycle_data

MGMT = m.AmountType.MANAGEMENT
CLIENTS = 8
TIMEOUT = 120  # seconds for all threads together: a deadlock fails the test instead of hanging it


def user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def volume(code: str) -> m.Proposal:
    return m.Proposal(
        code=code,
        supplier="intraservice",
        kind=m.ProposalKind.VOLUME_CHANGE,
        title=f"Fler licenser {code}",
        financing=m.Financing.SOLIDARITY,
        service="office365",
    )


@pytest.fixture
def cycle(db, demo) -> Cycle:
    imported = cycle_import(data=demo)
    demo_accounts_create()
    return imported


def review(proposal: Proposal, stage: ReviewStage, comment: str, **versions: int | None) -> Review:
    return review_record(
        proposal=proposal,
        stage=stage,
        outcome=m.ReviewOutcome.APPROVE,
        approved_amounts=None,
        conditions={},
        future_management_approved=False,
        comment=comment,
        by=user("bob"),
        **versions,
    )


# -- versions, one object at a time (SQLite and PostgreSQL) ----------------------------------


def test_a_review_saved_over_one_the_reviewer_did_not_see_is_refused(cycle):
    proposal = Proposal.objects.get(code="is-ai-infrastruktur")
    stage = ReviewStage.objects.get(cycle=cycle, code="council")
    assert not Review.objects.filter(proposal=proposal, stage=stage).exists()
    first = review(proposal, stage, "först", expected_version=0, proposal_version=proposal.version)
    assert (first.version, first.proposal_version, first.comment) == (1, proposal.version, "först")
    with pytest.raises(ReviewConflict) as refused:
        review(proposal, stage, "sist", expected_version=0, proposal_version=proposal.version)
    assert refused.value.current is not None and refused.value.current.comment == "först"
    assert Review.objects.get(pk=first.pk).comment == "först"
    # Against the version now saved, the second reviewer's save replaces it, consciously.
    second = review(proposal, stage, "sist", expected_version=1, proposal_version=proposal.version)
    assert (second.pk, second.version, second.comment) == (first.pk, 2, "sist")


def test_a_review_of_a_proposal_changed_since_it_was_opened_is_refused(cycle):
    alice, erik = user("alice"), user("erik")
    created = proposal_create(cycle=cycle, values=volume("is-vol-a"), amounts=[(2026, MGMT, 100_000_00)], by=alice)
    proposal_submit(proposal=created, expected_version=1, by=alice)
    created.refresh_from_db()
    opened = created.version
    proposal_update(
        proposal=created,
        values=volume("is-vol-a"),
        amounts=[(2026, MGMT, 900_000_00)],
        expected_version=opened,
        by=erik,
    )
    stage = ReviewStage.objects.get(cycle=cycle, code="preparation")
    with pytest.raises(ProposalChanged) as refused:
        review(created, stage, "ok", expected_version=0, proposal_version=opened)
    assert refused.value.current.version == opened + 1
    assert not Review.objects.filter(proposal=created).exists()
    saved = review(created, stage, "ok", expected_version=0, proposal_version=opened + 1)
    assert saved.proposal_version == opened + 1  # the version it decided on


def test_a_double_submitted_new_proposal_creates_one_and_finds_it_again(cycle):
    alice = user("alice")
    first = proposal_create(cycle=cycle, values=volume("is-vol-b"), amounts=[], by=alice, token="t-123")
    with pytest.raises(AlreadyCreated) as again:
        proposal_create(cycle=cycle, values=volume("is-vol-b"), amounts=[], by=alice, token="t-123")
    assert (again.value.table, again.value.code) == ("proposals", first.code)
    assert Proposal.objects.filter(cycle=cycle, code="is-vol-b").count() == 1
    # Another form (another token) with the same code is a clear error on the code.
    with pytest.raises(CycleInvalid) as taken:
        proposal_create(cycle=cycle, values=volume("is-vol-b"), amounts=[], by=alice, token="t-456")
    assert list(taken.value.errors) == ["code"]
    assert not FormToken.objects.filter(token="t-456").exists()


def test_a_taken_scenario_code_is_a_form_error_and_a_double_submit_finds_the_first(cycle):
    bob = user("bob")
    created = scenario_create(cycle=cycle, code="utan-chatbot", name="Utan chatbot", by=bob, token="s-1")
    with pytest.raises(AlreadyCreated) as again:
        scenario_create(cycle=cycle, code="utan-chatbot", name="Utan chatbot", by=bob, token="s-1")
    assert again.value.code == created.code
    with pytest.raises(ValidationError) as taken:
        scenario_create(cycle=cycle, code="utan-chatbot", name="Annan", by=bob, token="s-2")
    assert "code" in taken.value.message_dict
    assert Scenario.objects.filter(cycle=cycle, code="utan-chatbot").count() == 1


def test_several_scenario_toggles_are_saved_all_or_none(cycle):
    bob, alice = user("bob"), user("alice")
    scenario = scenario_create(cycle=cycle, code="tom", name="Tom", by=bob)
    draft = proposal_create(cycle=cycle, values=volume("is-vol-draft"), amounts=[], by=alice)
    chatbot = Proposal.objects.get(code="is-hr-chatbot")
    with pytest.raises(ValidationError):  # the draft is refused, so the chatbot is not saved either
        scenario_set(scenario=scenario, wanted={chatbot: True, draft: True}, by=bob)
    assert not ScenarioProposal.objects.filter(scenario=scenario).exists()
    assert scenario_set(scenario=scenario, wanted={chatbot: True}, by=bob) == [chatbot]
    assert list(ScenarioProposal.objects.filter(scenario=scenario).values_list("proposal__code", flat=True)) == [
        "is-hr-chatbot"
    ]


def test_an_outcome_recorded_meanwhile_is_not_overwritten(cycle):
    dana = user("dana")
    row = ServiceYear.objects.get(cycle=cycle, service__code="kontaktcenter", year=2024)
    seen = row.outcome
    outcome_record(cycle=cycle, service="kontaktcenter", year=2024, amount=1_000_00, by=dana, expected=seen)
    with pytest.raises(OutcomeConflict) as refused:
        outcome_record(cycle=cycle, service="kontaktcenter", year=2024, amount=2_000_00, by=dana, expected=seen)
    assert refused.value.current == 1_000_00
    row.refresh_from_db()
    assert row.outcome == 1_000_00
    with pytest.raises(OutcomeConflict):  # a year with no row: someone created it meanwhile
        outcome_record(cycle=cycle, service="kontaktcenter", year=2021, amount=5, by=dana, expected=7)


# -- real threads on PostgreSQL --------------------------------------------------------------

needs_server_db = pytest.mark.skipif(
    "postgresql" not in connection.vendor,
    reason="threads need a server database (SQLite's test database is one connection)",
)


def race(work: Callable[[int], Any], clients: int = CLIENTS) -> list[Any]:
    """Run `work(i)` in `clients` threads released at the same moment; each result or exception."""
    barrier = threading.Barrier(clients, timeout=TIMEOUT)
    results: list[Any] = [None] * clients

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the test inspects what each client got
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a client hung: deadlock or lock wait"
    return results


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_eight_clients_create_the_same_proposal_code_one_wins_seven_are_told(demo):
    cycle = cycle_import(data=demo)
    demo_accounts_create()
    alice = user("alice")
    results = race(
        lambda i: proposal_create(cycle=cycle, values=volume("is-vol-same"), amounts=[(2026, MGMT, i * 100)], by=alice)
    )
    created = [r for r in results if isinstance(r, Proposal)]
    refused = [r for r in results if isinstance(r, CycleInvalid)]
    assert len(created) == 1 and len(refused) == CLIENTS - 1, results
    assert all(list(r.errors) == ["code"] for r in refused)
    assert Proposal.objects.filter(cycle=cycle, code="is-vol-same").count() == 1


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_eight_clients_create_the_same_scenario_code_one_wins_seven_are_told(demo):
    cycle = cycle_import(data=demo)
    demo_accounts_create()
    bob = user("bob")
    results = race(lambda i: scenario_create(cycle=cycle, code="samma", name=f"Samma {i}", by=bob))
    created = [r for r in results if isinstance(r, Scenario)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == CLIENTS - 1, results
    assert all("code" in r.message_dict for r in refused)
    assert Scenario.objects.filter(cycle=cycle, code="samma").count() == 1


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_racing_itself_creates_one_proposal(demo):
    cycle = cycle_import(data=demo)
    demo_accounts_create()
    alice = user("alice")
    results = race(
        lambda i: proposal_create(cycle=cycle, values=volume("is-vol-dbl"), amounts=[], by=alice, token="same-form"),
        clients=2,
    )
    assert sorted(type(r).__name__ for r in results) == ["AlreadyCreated", "Proposal"], results
    assert Proposal.objects.filter(cycle=cycle, code="is-vol-dbl").count() == 1


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_eight_valid_edits_of_different_proposals_of_one_service_all_succeed(demo):
    cycle = cycle_import(data=demo)
    demo_accounts_create()
    alice = user("alice")
    mine = []
    for i in range(CLIENTS):
        created = proposal_create(
            cycle=cycle, values=volume(f"is-vol-{i}"), amounts=[(2026, MGMT, 100_000_00)], by=alice
        )
        mine.append(proposal_submit(proposal=created, expected_version=1, by=alice))
    cost_before = ServiceYear.objects.get(cycle=cycle, service__code="office365", year=2026).cost

    rounds = 4  # each client saves several times, so reads of one overlap commits of the others

    def edit(i: int) -> Proposal:
        for n in range(1, rounds + 1):
            proposal = Proposal.objects.get(pk=mine[i].pk)
            proposal_update(
                proposal=proposal,
                values=dataclasses.replace(volume(proposal.code), title=f"Ändrad {i} {n}"),
                amounts=[(2026, MGMT, 100_000_00 + n * (i + 1) * 1_000_00)],
                expected_version=proposal.version,
                by=alice,
            )
        return proposal

    results = race(edit)
    assert all(isinstance(r, Proposal) for r in results), results
    cost_after = ServiceYear.objects.get(cycle=cycle, service__code="office365", year=2026).cost
    assert cost_after - cost_before == sum(rounds * (i + 1) * 1_000_00 for i in range(CLIENTS))
    assert validate_cycle_data(cycle_data(cycle.code)) == []


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_eight_reviewers_on_the_same_stage_one_is_saved_seven_see_it(demo):
    cycle = cycle_import(data=demo)
    demo_accounts_create()
    proposal = Proposal.objects.get(code="is-ai-infrastruktur")
    stage = ReviewStage.objects.get(cycle=cycle, code="council")
    version = proposal.version

    def decide(i: int) -> Review:
        mine = Proposal.objects.get(pk=proposal.pk)
        return review(mine, stage, f"granskare {i}", expected_version=0, proposal_version=version)

    results = race(decide)
    saved = [r for r in results if isinstance(r, Review)]
    refused = [r for r in results if isinstance(r, ReviewConflict)]
    assert len(saved) == 1 and len(refused) == CLIENTS - 1, results
    assert all(r.current is not None and r.current.comment == saved[0].comment for r in refused)
