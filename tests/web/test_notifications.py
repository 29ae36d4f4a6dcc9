"""E-mail notifications through Django's mail settings (locmem in tests): to the people concerned,
never to the one who acted or to someone who turned them off, with a link to the item."""

from __future__ import annotations

import pytest
from django.core import mail

from fordela.engine import model as m

CYCLE = "goteborg-2026"
BASE = f"/c/{CYCLE}"


def _to(message) -> str:
    (address,) = message.to
    return address.split("@")[0]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the mail callbacks queued on commit (the test transaction never commits)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result

    return run


def test_an_answered_thread_mails_the_asker(as_user, sent, demo_db):
    from django.contrib.auth import get_user_model

    from fordela.catalogue.models import Cycle
    from fordela.consultation.models import Thread
    from fordela.consultation.services import thread_open, thread_reply

    users = get_user_model().objects
    charlie, alice = users.get(username="charlie"), users.get(username="alice")
    thread = sent(
        lambda: thread_open(
            cycle=Cycle.objects.get(code=CYCLE),
            by=charlie,
            text="Varför ökar kostnaden?",
            organisation="grundskola",
            line_object="office365",
            line_year=2026,
        )
    )
    assert mail.outbox == []  # asking mails no one
    sent(lambda: thread_reply(thread=thread, by=alice, text="För att licenserna blir dyrare."))
    assert [_to(x) for x in mail.outbox] == ["charlie"]
    message = mail.outbox[0]
    assert "besvarats" in message.subject
    assert f"http://localhost:8000{BASE}/samrad/{thread.pk}/" in message.body
    assert "/konto/aviseringar/" in message.body
    assert Thread.objects.get(pk=thread.pk).status == "answered"


def test_a_review_mails_the_suppliers_editors(as_user, sent, demo_db):
    from django.contrib.auth import get_user_model

    from fordela.cycle.models import Proposal, ReviewStage
    from fordela.cycle.reviews import review_record

    bob = get_user_model().objects.get(username="bob")
    proposal = Proposal.objects.get(cycle__code=CYCLE, code="dms-nyckel-oppna-data")
    stage = ReviewStage.objects.get(cycle__code=CYCLE, code="coordination_group")
    sent(
        lambda: review_record(
            proposal=proposal,
            stage=stage,
            outcome=m.ReviewOutcome.REJECT,
            approved_amounts=None,
            conditions={},
            future_management_approved=False,
            comment="Avvakta projektet.",
            by=bob,
        )
    )
    assert [_to(x) for x in mail.outbox] == ["fatima"]  # DMS' editor; not alice, not bob who acted
    assert "Avslås" in mail.outbox[0].body and f"{BASE}/forslag/dms-nyckel-oppna-data/" in mail.outbox[0].body


def test_a_decided_stage_mails_everyone_but_those_who_turned_it_off(as_user, sent):
    gustav = as_user("gustav")
    assert gustav.post("/konto/aviseringar/", {}).status_code == 302  # unchecked: off
    assert "notify_by_email" in gustav.get("/konto/aviseringar/").content.decode()
    bob = as_user("bob")
    response = sent(lambda: bob.post(f"{BASE}/beslut/", {"stage": "council", "expected": "coordination_group"}))
    assert response.status_code == 302
    assert sorted(_to(x) for x in mail.outbox) == ["alice", "charlie", "dana", "erik", "fatima"]
    assert f"http://localhost:8000{BASE}/" in mail.outbox[0].body
    from fordela.catalogue.models import Cycle

    assert Cycle.objects.get(code=CYCLE).current_stage == "council"
    # a stale page: refused, nothing mailed
    mail.outbox.clear()
    sent(lambda: bob.post(f"{BASE}/beslut/", {"stage": "preparation", "expected": "coordination_group"}))
    assert mail.outbox == [] and Cycle.objects.get(code=CYCLE).current_stage == "council"
    assert (
        as_user("charlie").post(f"{BASE}/beslut/", {"stage": "preparation", "expected": "council"}).status_code == 403
    )


def test_a_frozen_period_mails_finance_coordinators_and_customers(as_user, sent, demo_db):
    from django.contrib.auth import get_user_model

    from fordela.billing.services import invoice_freeze

    dana = get_user_model().objects.get(username="dana")
    sent(
        lambda: invoice_freeze(
            cycle=CYCLE,
            year=2026,
            period=m.Period.Q1,
            scenario="coordination_group",
            by="dana",
            user=dana,
        )
    )
    assert sorted(_to(x) for x in mail.outbox) == ["bob", "charlie", "gustav"]
    assert "2026-q1" in mail.outbox[0].subject and f"{BASE}/fakturering/" in mail.outbox[0].body


def test_nothing_is_mailed_when_the_write_rolls_back(as_user, demo_db):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from fordela.accounts.notifications import notify

    users = get_user_model().objects.all()
    try:
        with transaction.atomic():
            notify(users=users, subject="x", body="y", path="/")
            raise RuntimeError
    except RuntimeError:
        pass
    assert mail.outbox == []
