"""Consultation services: who may open, answer and resolve a thread, and what its status becomes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from fordela.catalogue.models import Cycle
from fordela.consultation.models import Message, Thread
from fordela.consultation.selectors import proposal_decided, threads_visible
from fordela.consultation.services import thread_open, thread_reply, thread_resolve
from fordela.cycle.selectors import cycle_data
from fordela.history.models import ChangeRecord
from tests.web.conftest import CYCLE, demo_db  # noqa: F401  (fixture)

OPEN_PROPOSAL = "is-ai-infrastruktur"  # reviewed by the preparation only: still open for comments
DECIDED_PROPOSAL = "is-hr-chatbot"  # the coordination group (the current stage) has decided it


def user(name: str):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def cycle(demo_db):  # noqa: F811
    return Cycle.objects.get(code=CYCLE)


def test_decided_means_a_review_at_the_current_stage_or_later(cycle):
    data = cycle_data(CYCLE)
    assert data.cycle.current_stage == "coordination_group"
    assert proposal_decided(data, OPEN_PROPOSAL) is None
    assert proposal_decided(data, DECIDED_PROPOSAL).code == "coordination_group"


def test_comment_answer_follow_up_resolve(cycle):
    revision = cycle.revision
    thread = thread_open(cycle=cycle, by=user("charlie"), proposal=OPEN_PROPOSAL, organisation="grundskola",
                         text="  Hur fördelas kostnaden 2027?  ")
    assert (thread.status, thread.supplier, thread.organisation) == ("open", "intraservice", "grundskola")
    assert thread.subject == "Hur fördelas kostnaden 2027?"
    cycle.refresh_from_db()
    assert cycle.revision == revision  # threads are not cycle data: cached computations stay valid

    thread_reply(thread=thread, by=user("alice"), text="Efter antal anställda.")
    assert thread.status == "answered"
    thread_reply(thread=thread, by=user("charlie"), text="Och från 2028?")
    assert thread.status == "open"
    thread_reply(thread=thread, by=user("bob"), text="Samma nyckel.")
    assert thread.status == "answered"
    thread_resolve(thread=thread, by=user("charlie"))
    thread.refresh_from_db()
    assert thread.status == "resolved"
    assert thread.messages.count() == 4
    actions = list(ChangeRecord.objects.filter(table="threads", object=str(thread.pk)).values_list("action", flat=True))
    assert sorted(actions) == sorted(["create", "answer", "reply", "answer", "resolve"])

    with pytest.raises(ValidationError, match="Tråden är löst"):
        thread_reply(thread=thread, by=user("alice"), text="En sak till.")


def test_a_decided_proposal_takes_no_new_thread(cycle):
    with pytest.raises(ValidationError, match="Strategisk samordningsgrupp"):
        thread_open(cycle=cycle, by=user("charlie"), proposal=DECIDED_PROPOSAL, organisation="grundskola", text="?")
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("persona", "organisation"),
    [("gustav", "grundskola"), ("dana", "grundskola"), ("alice", "grundskola"), ("fatima", "grundskola")],
)
def test_only_the_organisation_itself_or_a_coordinator_opens_a_thread(cycle, persona, organisation):
    with pytest.raises(PermissionDenied):
        thread_open(cycle=cycle, by=user(persona), line_object="office365", line_year=2026,
                    organisation=organisation, text="Varför?")
    assert not Thread.objects.exists()


def test_line_threads_and_their_rules(cycle):
    thread = thread_open(cycle=cycle, by=user("charlie"), line_object="office365", line_year=2026,
                         organisation="grundskola", text="Varför ökar Office 365?")
    assert (thread.supplier, thread.line_year, thread.proposal) == ("intraservice", 2026, "")
    with pytest.raises(ValidationError):
        thread_open(cycle=cycle, by=user("charlie"), line_object="no-such-service", line_year=2026,
                    organisation="grundskola", text="?")
    with pytest.raises(ValidationError):
        thread_open(cycle=cycle, by=user("charlie"), line_object="office365", line_year=1999,
                    organisation="grundskola", text="?")
    with pytest.raises(ValidationError):
        thread_open(cycle=cycle, by=user("charlie"), line_object="office365", proposal=OPEN_PROPOSAL,
                    line_year=2026, organisation="grundskola", text="?")
    with pytest.raises(ValidationError):
        thread_open(cycle=cycle, by=user("charlie"), line_object="office365", line_year=2026,
                    organisation="grundskola", text="   ")
    # The supplier does not ask itself; a coordinator may not open one for the supplier either.
    with pytest.raises(ValidationError):
        thread_open(cycle=cycle, by=user("bob"), line_object="office365", line_year=2026,
                    organisation="intraservice", text="?")
    assert Thread.objects.count() == 1


def test_who_answers_and_who_resolves(cycle):
    thread = thread_open(cycle=cycle, by=user("charlie"), proposal=OPEN_PROPOSAL, organisation="grundskola",
                         text="Fråga")
    for persona in ("fatima", "gustav", "dana"):
        with pytest.raises(PermissionDenied):
            thread_reply(thread=thread, by=user(persona), text="Svar")
    for persona in ("fatima", "gustav", "dana", "alice"):
        with pytest.raises(PermissionDenied):
            thread_resolve(thread=thread, by=user(persona))
    thread.refresh_from_db()
    assert thread.status == "open" and Message.objects.count() == 1
    thread_resolve(thread=thread, by=user("bob"))
    thread_resolve(thread=thread, by=user("bob"))  # twice changes nothing
    assert ChangeRecord.objects.filter(table="threads", action="resolve").count() == 1


def test_who_sees_which_threads(cycle):
    mine = thread_open(cycle=cycle, by=user("charlie"), proposal=OPEN_PROPOSAL, organisation="grundskola", text="A")
    theirs = thread_open(cycle=cycle, by=user("gustav"), line_object="kontaktcenter", line_year=2026,
                         organisation="forskola", text="B")
    assert theirs.supplier == "dms"

    def seen(name):
        return set(threads_visible(user=user(name), cycle=CYCLE).values_list("pk", flat=True))

    assert seen("charlie") == {mine.pk}
    assert seen("gustav") == {theirs.pk}
    assert seen("alice") == {mine.pk}
    assert seen("fatima") == {theirs.pk}
    assert seen("bob") == seen("dana") == seen("erik") == {mine.pk, theirs.pk}


def test_the_most_recently_active_thread_comes_first(cycle):
    first = thread_open(cycle=cycle, by=user("charlie"), proposal=OPEN_PROPOSAL, organisation="grundskola", text="A")
    second = thread_open(cycle=cycle, by=user("charlie"), proposal=OPEN_PROPOSAL, organisation="grundskola", text="B")
    assert list(threads_visible(user=user("bob"), cycle=CYCLE).values_list("pk", flat=True)) == [second.pk, first.pk]
    thread_reply(thread=first, by=user("alice"), text="Svar")
    assert list(threads_visible(user=user("bob"), cycle=CYCLE).values_list("pk", flat=True)) == [first.pk, second.pk]
