"""Writes of consultation threads: open one, reply, resolve.

A thread belongs to one customer organisation (the asker) and one supplier (who answers, with
the coordinators), about one subject: a proposal, or a line of the organisation's bill (a cost
object, the organisation, a year). Status: open → answered (an answer by the supplier or a
coordinator) → open again (a follow-up by the asker) … → resolved (by the asker or a
coordinator). A resolved thread takes no more messages: a new question is a new thread.

Every write re-checks permission here (PermissionDenied), whatever the view did; rule violations
a user can fix or should be told about raise ValidationError with a clear message.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fordela.accounts.permissions import can_answer, can_comment, can_reply_thread, can_resolve_thread
from fordela.catalogue.models import Cycle
from fordela.consultation.models import Message, Thread
from fordela.consultation.selectors import line_object as find_line_object
from fordela.consultation.selectors import proposal_decided
from fordela.cycle.selectors import cycle_data
from fordela.history.services import history_record

MAX_TEXT = 5000
SUBJECT_LENGTH = 120


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write something before sending.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("At most %(max)d characters.") % {"max": MAX_TEXT}})
    return text


def _summary(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= SUBJECT_LENGTH else first[: SUBJECT_LENGTH - 1].rstrip() + "…"


def _record(*, by: Any, thread: Thread, action: str, old: str | None) -> None:
    history_record(
        user=by,
        cycle=thread.cycle,
        table="threads",
        object=str(thread.pk),
        action=action,
        changes={"status": (old, thread.status)},
    )


@transaction.atomic
def thread_open(
    *,
    cycle: Cycle,
    by: Any,
    proposal: str | None = None,
    line_object: str | None = None,
    line_year: int | None = None,
    organisation: str,
    text: str,
) -> Thread:
    """Open a thread for `organisation` about a proposal, or about its bill line (object, year).

    Refused (PermissionDenied) unless `by` may comment for `organisation`: its own customer
    viewers (and editors), coordinators, admin. Refused (ValidationError) when the subject is
    not exactly one of a proposal and a line, does not exist in the cycle, the proposal is
    already decided (see selectors.proposal_decided), or the organisation is the supplier itself.
    """
    if bool(proposal) == bool(line_object):
        raise ValidationError(_("A thread is about either a proposal or a line of a bill."))
    if not can_comment(by, organisation):
        raise PermissionDenied(f"comment for {organisation}")
    text = _clean_text(text)
    data = cycle_data(cycle.code)
    asker = next((o for o in data.organisations if o.code == organisation), None)
    if asker is None:
        raise ValidationError({"organisation": _("Unknown organisation: %(code)s") % {"code": organisation}})
    if proposal:
        found = next((p for p in data.proposals if p.code == proposal), None)
        if found is None:
            raise ValidationError(_("Unknown proposal: %(code)s") % {"code": proposal})
        decided = proposal_decided(data, proposal)
        if decided is not None:
            raise ValidationError(
                _("%(stage)s has already decided on this proposal, so it no longer takes comments.")
                % {"stage": decided.name}
            )
        supplier = found.supplier
        line_year = None
    else:
        found_line = find_line_object(data, line_object or "")
        if found_line is None:
            raise ValidationError(_("Unknown line: %(code)s") % {"code": line_object})
        if line_year is None or line_year not in data.cycle.years:
            raise ValidationError({"line_year": _("Pick a year of the cycle.")})
        supplier = found_line.supplier
    if organisation == supplier:
        # A supplier answers the threads about its own items; it does not ask itself.
        raise ValidationError(_("The supplier answers questions about its own items; it cannot open one."))
    thread = Thread.objects.create(
        cycle=cycle.code,
        proposal=proposal or "",
        line_object=line_object or "",
        line_year=line_year,
        organisation=organisation,
        supplier=supplier,
        subject=_summary(text),
        created_by=by,
    )
    Message.objects.create(thread=thread, author=by, text=text)
    _record(by=by, thread=thread, action="create", old=None)
    return thread


@transaction.atomic
def thread_reply(*, thread: Thread, by: Any, text: str) -> Message:
    """Add a message. An answer by the supplier or a coordinator sets the thread answered; a
    follow-up by the asker sets it open again. A resolved thread takes no more messages."""
    if not can_reply_thread(by, organisation=thread.organisation, supplier=thread.supplier):
        raise PermissionDenied(f"reply in thread {thread.pk}")
    text = _clean_text(text)
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked.status == Thread.Status.RESOLVED:
        raise ValidationError(_("This thread is resolved. Start a new thread to ask something more."))
    old = locked.status
    locked.status = Thread.Status.ANSWERED if can_answer(by, locked.supplier) else Thread.Status.OPEN
    message = Message.objects.create(thread=locked, author=by, text=text)
    locked.save(update_fields=["status", "updated_at"])
    _record(by=by, thread=locked, action="answer" if locked.status == Thread.Status.ANSWERED else "reply", old=old)
    thread.status, thread.updated_at = locked.status, locked.updated_at
    return message


@transaction.atomic
def thread_resolve(*, thread: Thread, by: Any) -> Thread:
    """Mark the thread resolved: the asker or a coordinator. Resolving twice changes nothing."""
    if not can_resolve_thread(by, organisation=thread.organisation):
        raise PermissionDenied(f"resolve thread {thread.pk}")
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked.status == Thread.Status.RESOLVED:
        return locked
    old = locked.status
    locked.status = Thread.Status.RESOLVED
    locked.save(update_fields=["status", "updated_at"])
    _record(by=by, thread=locked, action="resolve", old=old)
    thread.status, thread.updated_at = locked.status, locked.updated_at
    return locked
