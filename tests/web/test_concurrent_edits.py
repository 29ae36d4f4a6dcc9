"""Two people editing the same thing through the pages: the second is refused, shown what the first
saved, keeps their input; a form sent twice creates one object. (The racing threads are in
tests/cycle/test_concurrency.py; here the interleaving is made by hand, step by step.)"""

from __future__ import annotations

import dataclasses

from django.contrib.auth import get_user_model

from fordela.catalogue.models import Cycle, ServiceYear
from fordela.consultation.models import Message, Thread
from fordela.cycle.filed import proposal_filed
from fordela.cycle.models import Proposal, Review, Scenario
from fordela.cycle.proposals import proposal_update
from fordela.history.services import history_for
from tests.web.conftest import CYCLE
from tests.web.test_analysis import form_data, seen

BASE = f"/c/{CYCLE}"
NBSP = "\u00a0"


def user(name: str):
    return get_user_model().objects.get(username=name)


def test_a_review_of_a_proposal_changed_meanwhile_is_refused_showing_the_difference(as_user):
    bob, url = as_user("bob"), f"{BASE}/forslag/is-ai-infrastruktur/granskning/council/"
    opened = seen(bob, url)
    proposal = Proposal.objects.get(code="is-ai-infrastruktur")
    filed = proposal_filed(proposal)
    rows = [(y, t, a + 1_000_000_00 if y == 2026 else a) for y, t, a in filed.rows()]
    proposal_update(
        proposal=proposal,
        values=dataclasses.replace(filed.proposal, title="Ändrad AI-infrastruktur"),
        amounts=rows,
        expected_version=proposal.version,
        by=user("erik"),
    )
    review = {"outcome": "approve", "as_proposed": "on", "comment": "Tillstyrks"}
    response = bob.post(url, {**opened, **review})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict"' in html
    conflict = response.context["conflict"]
    assert conflict["kind"] == "proposal" and conflict["saved_by"]
    changed = {label: (now, then) for label, now, then in conflict["rows"]}
    assert changed[next(label for label in changed if "2026" in label)] != (None, None)
    assert any(now == "Ändrad AI-infrastruktur" for now, _then in changed.values())
    assert "Ändrad AI-infrastruktur" in html
    assert not Review.objects.filter(proposal=proposal, stage__code="council").exists()
    # The refused page carries the proposal as it is now: saving it again records the review on it.
    form = response.context["form"]
    again = {name: str(form[name].value()) for name in ("version", "proposal_version", "proposal_seen")}
    assert bob.post(url, {**again, **review}).status_code == 302
    proposal.refresh_from_db()
    assert Review.objects.get(proposal=proposal, stage__code="council").proposal_version == proposal.version


def test_a_second_reviewer_is_refused_and_sees_the_first_decision(as_user):
    url = f"{BASE}/forslag/is-ai-infrastruktur/granskning/council/"
    bob, erik = as_user("bob"), as_user("erik")
    bob_saw, erik_saw = seen(bob, url), seen(erik, url)
    assert bob.post(url, {**bob_saw, "outcome": "approve", "as_proposed": "on", "comment": "Bob"}).status_code == 302
    response = erik.post(url, {**erik_saw, "outcome": "reject", "comment": "Erik"})
    assert response.status_code == 409
    assert response.context["conflict"]["stage_review"]["review"].comment == "Bob"
    assert 'id="conflict-decision"' in response.content.decode()
    assert Review.objects.get(proposal__code="is-ai-infrastruktur", stage__code="council").comment == "Bob"


def test_a_new_proposal_sent_twice_is_created_once(as_user):
    alice = as_user("alice")
    token = alice.get(f"{BASE}/nytt-forslag/").context["form"].initial["token"]
    data = form_data(code="is-vol-twice", token=token)
    first, second = alice.post(f"{BASE}/nytt-forslag/", data), alice.post(f"{BASE}/nytt-forslag/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"{BASE}/forslag/is-vol-twice/"
    assert Proposal.objects.filter(code="is-vol-twice").count() == 1
    # Another form with the same code: a clear error on the code, nothing created.
    other = alice.post(f"{BASE}/nytt-forslag/", form_data(code="is-vol-twice", token="another-form"))
    assert other.status_code == 200 and "code" in other.context["form"].errors
    assert Proposal.objects.filter(code="is-vol-twice").count() == 1


def test_a_new_scenario_sent_twice_is_created_once_and_a_taken_code_is_a_form_error(as_user):
    bob, url = as_user("bob"), f"{BASE}/scenarier/"
    token = bob.get(url).context["form"].initial["token"]
    data = {"code": "dubbel", "name": "Dubbel", "description": "", "copy_from": "", "token": token}
    assert bob.post(url, data).status_code == bob.post(url, data).status_code == 302
    assert Scenario.objects.filter(code="dubbel").count() == 1
    taken = bob.post(url, {**data, "token": "another-form"})
    assert taken.status_code == 400 and "code" in taken.context["form"].errors
    assert 'aria-invalid="true"' in taken.content.decode() or "id_code" in taken.content.decode()


def test_an_outcome_recorded_meanwhile_is_not_overwritten_and_is_shown(as_user):
    outcome = f"{BASE}/utfall/"
    dana, fatima = as_user("dana"), as_user("fatima")
    dana_saw = dana.get(outcome).context["outcome_seen"]
    fatima_saw = fatima.get(outcome).context["outcome_seen"]
    post = {"service": "kontaktcenter", "year": "2024"}
    assert fatima.post(outcome, {**post, "amount": "79 000 000", "seen": fatima_saw}).status_code == 302
    response = dana.post(outcome, {**post, "amount": "80 000 000", "seen": dana_saw})
    assert response.status_code == 409
    assert f"79{NBSP}000{NBSP}000" in " ".join(response.context["form"].errors["amount"])
    row = ServiceYear.objects.get(cycle=Cycle.objects.get(code=CYCLE), service__code="kontaktcenter", year=2024)
    assert row.outcome == 79_000_000_00
    # Dana has now seen Fatima's value: saving again replaces it, on purpose.
    again = response.context["outcome_seen"]
    assert dana.post(outcome, {**post, "amount": "80 000 000", "seen": again}).status_code == 302
    row.refresh_from_db()
    assert row.outcome == 80_000_000_00
    assert len(history_for(cycle=CYCLE, table="service_years", object="kontaktcenter/2024")) == 2


def test_a_reply_written_while_someone_else_wrote_is_refused_and_kept(as_user):
    charlie, alice = as_user("charlie"), as_user("alice")
    charlie.post(
        f"{BASE}/samrad/ny/",
        {"subject": "proposal", "proposal": "is-ai-infrastruktur", "organisation": "grundskola", "text": "Fråga"},
    )
    thread = Thread.objects.get()
    page = f"{BASE}/samrad/{thread.pk}/"
    reply = f"{page}svar/"
    charlie_saw = charlie.get(page).context["thread"].version
    alice_saw = alice.get(page).context["thread"].version
    assert charlie.post(reply, {"text": "Och en sak till", "version": charlie_saw}).status_code == 302
    response = alice.post(reply, {"text": "Svar på frågan", "version": alice_saw})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Svar på frågan" in response.content.decode()  # the text is kept
    assert "Och en sak till" in response.content.decode()  # and the new message shown
    assert Message.objects.filter(thread=thread).count() == 2
    now = response.context["thread"].version
    assert alice.post(reply, {"text": "Svar på frågan", "version": now}).status_code == 302
    assert Message.objects.filter(thread=thread).count() == 3
