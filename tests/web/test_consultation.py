"""Consultation pages: comment on a proposal, question a bill line, answer, resolve; and every refusal."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from fordela.accounts.models import AuditEvent
from fordela.consultation.models import Message, Thread
from fordela.web.views.consultation import consultation_slot
from tests.web.conftest import CYCLE

OPEN_PROPOSAL = "is-ai-infrastruktur"  # reviewed by the preparation only
DECIDED_PROPOSAL = "is-hr-chatbot"  # decided by the coordination group, the cycle's current stage
NEW = reverse("thread_new", kwargs={"cycle": CYCLE})


def url(name: str, thread: Thread) -> str:
    return reverse(name, kwargs={"cycle": CYCLE, "thread": thread.pk})


def comment(
    client, text="Hur påverkar AI-infrastrukturen oss?", proposal=OPEN_PROPOSAL, organisation="grundskola", **extra
):
    return client.post(
        NEW, {"subject": "proposal", "proposal": proposal, "organisation": organisation, "text": text}, **extra
    )


def question(client, organisation="grundskola", text="Varför ökar Office 365 för oss?"):
    return client.post(
        NEW,
        {
            "subject": "line",
            "line_object": "office365",
            "line_year": "2026",
            "organisation": organisation,
            "text": text,
        },
    )


def snapshot():
    return (
        list(Thread.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        list(Message.objects.order_by("pk").values_list("pk", "text")),
    )


def test_customer_comments_supplier_answers_customer_resolves(as_user):
    charlie, alice = as_user("charlie"), as_user("alice")
    response = comment(charlie)
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == url("thread", thread)
    assert (thread.proposal, thread.organisation, thread.supplier, thread.status) == (
        OPEN_PROPOSAL,
        "grundskola",
        "intraservice",
        "open",
    )

    page = alice.get(url("thread", thread)).content.decode()
    assert "Hur påverkar AI-infrastrukturen oss?" in page and 'id="reply-text"' in page
    assert 'action="' + url("thread_resolve", thread) not in page  # the supplier does not resolve

    assert alice.post(url("thread_reply", thread), {"text": "Den delas efter antal anställda."}).status_code == 302
    thread.refresh_from_db()
    assert thread.status == "answered"

    page = charlie.get(url("thread", thread)).content.decode()
    assert "Den delas efter antal anställda." in page and "Alice Andersson" in page
    assert charlie.post(url("thread_resolve", thread)).status_code == 302
    thread.refresh_from_db()
    assert thread.status == "resolved"
    page = charlie.get(url("thread", thread)).content.decode()
    assert 'id="reply-text"' not in page


def test_follow_up_by_the_asker_reopens(as_user):
    comment(as_user("charlie"))
    thread = Thread.objects.get()
    as_user("bob").post(url("thread_reply", thread), {"text": "Svar från samordningen."})
    thread.refresh_from_db()
    assert thread.status == "answered"
    as_user("charlie").post(url("thread_reply", thread), {"text": "Och 2027?"})
    thread.refresh_from_db()
    assert thread.status == "open"


def test_htmx_posts_swap_the_slot_and_the_conversation(as_user):
    charlie = as_user("charlie")
    response = comment(charlie, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<section class="thread-slot" id="threads-proposal-is-ai-infrastruktur"')
    assert "Hur påverkar AI-infrastrukturen oss?" in text and 'role="status"' in text
    thread = Thread.objects.get()
    response = as_user("alice").post(url("thread_reply", thread), {"text": "Svar"}, HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="conversation">')
    empty = as_user("alice").post(url("thread_reply", thread), {"text": " "}, HTTP_HX_REQUEST="true")
    assert 'id="reply-text-error"' in empty.content.decode()
    assert Message.objects.count() == 2


def test_a_decided_proposal_is_refused_with_a_clear_message(as_user):
    charlie = as_user("charlie")
    response = comment(charlie, proposal=DECIDED_PROPOSAL)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Strategisk samordningsgrupp har redan fattat beslut om förslaget" in text
    assert not Thread.objects.exists()
    # The form is not even offered there.
    page = charlie.get(NEW, {"subject": "proposal", "proposal": DECIDED_PROPOSAL}).content.decode()
    assert "Strategisk samordningsgrupp har fattat beslut om förslaget" in page and 'name="text"' not in page


def test_an_empty_comment_shows_the_error_next_to_the_field(as_user):
    response = comment(as_user("charlie"), text="")
    text = response.content.decode()
    field = "threads-proposal-is-ai-infrastruktur-text"
    assert f'aria-describedby="{field}-help {field}-error"' in text and f'id="{field}-error"' in text
    assert not Thread.objects.exists()


def test_another_organisation_cannot_see_or_post_in_a_line_thread(as_user):
    question(as_user("charlie"))
    thread = Thread.objects.get()
    assert thread.line_object == "office365" and thread.status == "open"
    gustav = as_user("gustav")
    before = snapshot()
    assert gustav.get(url("thread", thread)).status_code == 404
    assert gustav.post(url("thread_reply", thread), {"text": "Hej"}).status_code == 404
    assert gustav.post(url("thread_resolve", thread)).status_code == 404
    assert question(gustav, organisation="grundskola").status_code == 404
    assert (
        gustav.get(
            NEW, {"subject": "line", "line_object": "office365", "line_year": "2026", "organisation": "grundskola"}
        ).status_code
        == 404
    )
    assert snapshot() == before
    assert "Varför ökar" not in gustav.get(reverse("threads", kwargs={"cycle": CYCLE})).content.decode()
    assert AuditEvent.objects.filter(kind="refused", username="gustav").count() == 5


def test_another_supplier_cannot_answer(as_user):
    comment(as_user("charlie"))
    thread = Thread.objects.get()
    fatima = as_user("fatima")
    before = snapshot()
    assert fatima.post(url("thread_reply", thread), {"text": "Svar från DMS"}).status_code == 403
    assert fatima.post(url("thread_resolve", thread)).status_code == 403
    assert fatima.get(url("thread", thread)).status_code == 403
    assert snapshot() == before


def test_a_customer_cannot_comment_for_another_organisation(as_user):
    before = snapshot()
    assert comment(as_user("gustav"), organisation="grundskola").status_code == 403
    assert snapshot() == before


def test_finance_reads_only(as_user):
    comment(as_user("charlie"))
    question(as_user("charlie"))
    proposal_thread, line_thread = Thread.objects.order_by("pk")
    dana = as_user("dana")
    listing = dana.get(reverse("threads", kwargs={"cycle": CYCLE}))
    assert listing.status_code == 200 and listing.content.decode().count('<th scope="row"><a href=') == 2
    page = dana.get(url("thread", line_thread)).content.decode()
    assert "Varför ökar Office 365" in page and 'name="text"' not in page and "thread_resolve" not in page
    before = snapshot()
    assert dana.post(url("thread_reply", proposal_thread), {"text": "x"}).status_code == 403
    assert dana.post(url("thread_resolve", line_thread)).status_code == 403
    assert comment(dana).status_code == 403
    assert question(dana).status_code == 403
    assert snapshot() == before


def test_the_list_filters_by_status_and_subject(as_user):
    charlie = as_user("charlie")
    comment(charlie)
    question(charlie)
    answered = Thread.objects.get(proposal=OPEN_PROPOSAL)
    as_user("alice").post(url("thread_reply", answered), {"text": "Svar"})
    threads = reverse("threads", kwargs={"cycle": CYCLE})

    def rows(**query):
        return charlie.get(threads, query).content.decode().count('<th scope="row"><a href=')

    assert rows() == 2
    assert rows(status="answered") == 1 and rows(status="open") == 1 and rows(status="resolved") == 0
    assert rows(subject="line") == 1 and rows(subject="proposal") == 1
    assert rows(status="bogus") == 2
    # alice (Intraservice) sees both: the proposal and the Office 365 line are Intraservice's
    assert as_user("alice").get(threads).content.decode().count('<th scope="row"><a href=') == 2
    assert as_user("fatima").get(threads).content.decode().count('<th scope="row"><a href=') == 0


@pytest.mark.parametrize("persona", ["alice", "fatima", "bob", "charlie", "gustav", "dana", "erik"])
def test_the_pages_render_for_everyone(as_user, persona):
    client = as_user(persona)
    assert client.get(reverse("threads", kwargs={"cycle": CYCLE})).status_code == 200
    assert client.get(NEW, {"subject": "proposal", "proposal": OPEN_PROPOSAL}).status_code == 200


def _request(username: str):
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(username=username)
    return request


def test_the_slot_helper_and_tag(as_user):
    question(as_user("charlie"))
    slot = consultation_slot(_request("charlie"), CYCLE, line=("office365", "grundskola", 2026), compact=True)
    assert slot.visible and slot.can_open and len(slot.threads) == 1 and slot.threads[0].status_label == "Öppen"
    hidden = consultation_slot(_request("gustav"), CYCLE, line=("office365", "grundskola", 2026))
    assert not hidden.visible and hidden.threads == []
    supplier = consultation_slot(_request("alice"), CYCLE, proposal=OPEN_PROPOSAL)
    assert not supplier.can_open and supplier.closed_reason
    coordinator = consultation_slot(_request("bob"), CYCLE, proposal=OPEN_PROPOSAL)
    assert coordinator.can_open and ("intraservice", "Nämnden för Intraservice") not in coordinator.organisation_choices

    template = Template(
        "{% load consultation %}{% thread_slot cycle proposal=code level=3 %}"
        '{% thread_slot cycle line_object="office365" organisation="grundskola" year=2026 compact=True %}'
    )
    html = template.render(Context({"request": _request("charlie"), "cycle": CYCLE, "code": OPEN_PROPOSAL}))
    assert '<h3 id="threads-proposal-is-ai-infrastruktur-heading"' in html
    assert 'id="threads-line-office365-grundskola-2026"' in html and "<details>" in html
    assert "Varför ökar Office 365" in html
