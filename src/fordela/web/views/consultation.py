"""Consultation: the cycle's threads, one thread, starting one, and the slot other pages include.

Other pages put the threads about one item next to it with `consultation_slot` (below) and the
include `web/consultation/_thread_slot.html`, or with the template tag `{% thread_slot %}`
(fordela.web.templatetags.consultation).

Refusals: a thread about a line of another organisation's bill is 404 (its existence is not
confirmed); about a proposal, which every role sees, 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fordela.accounts.models import Role
from fordela.accounts.permissions import (
    SEES_EVERY_ORGANISATION,
    can_answer,
    can_comment,
    can_reply_thread,
    can_resolve_thread,
    can_see_thread,
    can_view_organisation,
    deny,
    organisation_of,
    role_of,
)
from fordela.consultation import services
from fordela.consultation.models import Thread
from fordela.consultation.selectors import (
    line_object,
    proposal_decided,
    thread_about,
    threads_for_line,
    threads_for_proposal,
    threads_visible,
)
from fordela.web.forms.fields import YearField
from fordela.web.views.common import CycleView, cycle_view

BADGE = {Thread.Status.OPEN: "warn", Thread.Status.ANSWERED: "good", Thread.Status.RESOLVED: "done"}
SUBJECTS = (("proposal", gettext_lazy("Proposals")), ("line", gettext_lazy("Bill lines")))


class ThreadForm(forms.Form):
    """Start a thread. The subject fields come as hidden inputs from the slot."""

    subject = forms.ChoiceField(choices=[("proposal", "proposal"), ("line", "line")])
    proposal = forms.SlugField(required=False, max_length=64)
    line_object = forms.SlugField(required=False, max_length=64)
    line_year = YearField()
    organisation = forms.SlugField(max_length=64, error_messages={"required": gettext_lazy("Pick an organisation.")})
    text = forms.CharField(
        max_length=services.MAX_TEXT, error_messages={"required": gettext_lazy("Write something before sending.")}
    )
    level = forms.IntegerField(required=False, min_value=2, max_value=4)
    compact = forms.BooleanField(required=False)


class ReplyForm(forms.Form):
    text = forms.CharField(
        max_length=services.MAX_TEXT, error_messages={"required": gettext_lazy("Write something before sending.")}
    )
    version = forms.IntegerField(required=False, min_value=0)  # the thread version the author saw


@dataclass
class ThreadRow:
    thread: Thread
    url: str
    about: str
    organisation_name: str
    supplier_name: str
    status_label: str
    badge: str
    messages: int


@dataclass
class ThreadSlot:
    """What `web/consultation/_thread_slot.html` renders: the threads about one item and the form."""

    id: str
    subject: str  # "proposal" | "line"
    proposal: str = ""
    line_object: str = ""
    line_year: int | None = None
    organisation: str = ""  # the asking organisation, fixed; empty when the user picks one
    about: str = ""  # the proposal's title, or the line in words
    supplier_name: str = ""  # who answers, with the coordinators
    organisation_choices: list[tuple[str, str]] = field(default_factory=list)
    threads: list[ThreadRow] = field(default_factory=list)
    visible: bool = True
    can_open: bool = False
    closed_reason: str = ""
    action: str = ""
    level: int = 2
    compact: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""
    notice: str = ""

    @property
    def heading_id(self) -> str:
        return f"{self.id}-heading"


def _view(cycle: Any) -> CycleView:
    return cycle if isinstance(cycle, CycleView) else cycle_view(getattr(cycle, "code", cycle))


def _rows(view: CycleView, threads: Any) -> list[ThreadRow]:
    return [
        ThreadRow(
            thread=t,
            url=reverse("thread", kwargs={"cycle": view.code, "thread": t.pk}),
            about=thread_about(view.data, t),
            organisation_name=view.organisation_name(t.organisation),
            supplier_name=view.organisation_name(t.supplier),
            status_label=str(Thread.Status(t.status).label),
            badge=BADGE[Thread.Status(t.status)],
            messages=getattr(t, "message_count", 0),
        )
        for t in threads
    ]


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c == "-" else "-" for c in text)


def consultation_slot(
    request: HttpRequest,
    cycle: Any,
    proposal: Any = None,
    line: tuple[str, str, int] | None = None,
    *,
    level: int = 2,
    compact: bool = False,
    form: ThreadForm | None = None,
    notice: str = "",
) -> ThreadSlot:
    """The consultation slot of one item, for the include `web/consultation/_thread_slot.html`.

    `cycle`: the cycle's code, Cycle or CycleView. Give exactly one subject:
    `proposal`: a proposal's code (or anything with `.code`), or
    `line`: a bill line as `(object, organisation, year)`; object is a service code or a change
    initiative's proposal code.
    `level`: the heading level of the slot's heading (2–4; the heading is visually hidden when
    `compact`). `compact`: a short list and the form folded in a <details>, for a bill line.

    Returns a ThreadSlot: the threads about the item the user may see (status, organisation,
    messages, link) and whether the user may start one here, or why not (the proposal is decided,
    the user is the supplier who answers, finance reads only). Use it as
        context["thread_slot"] = consultation_slot(request, view, proposal=proposal.code)
        {% include "web/consultation/_thread_slot.html" with slot=thread_slot %}
    For a line the user may not see (another organisation's), `slot.visible` is False and the
    include renders nothing.
    """
    view = _view(cycle)
    data = view.data
    user = request.user
    role = role_of(user)
    own = organisation_of(user)
    level = min(max(level, 2), 4)
    action = reverse("thread_new", kwargs={"cycle": view.code})
    if proposal is not None:
        code = getattr(proposal, "code", proposal)
        slot = ThreadSlot(
            id=f"threads-proposal-{_slug(code)}",
            subject="proposal",
            proposal=code,
            action=action,
            level=level,
            compact=compact,
            notice=notice,
        )
        found = next((p for p in data.proposals if p.code == code), None)
        supplier = found.supplier if found else ""
        slot.about, slot.supplier_name = (found.title if found else code), view.organisation_name(supplier)
        slot.threads = _rows(view, threads_for_proposal(user=user, cycle=view.code, proposal=code))
        decided = proposal_decided(data, code)
        if role in (Role.COORDINATOR, Role.ADMIN):
            slot.organisation_choices = sorted(
                ((o.code, o.name) for o in data.organisations if o.code != supplier), key=lambda c: c[1]
            )
        else:
            slot.organisation = own
        if found is None:
            slot.closed_reason = _("This proposal is not part of the annual analysis.")
        elif decided is not None:
            slot.closed_reason = _(
                "%(stage)s has decided on this proposal, so it no longer takes comments. "
                "Open threads can still be answered."
            ) % {"stage": decided.name}
        elif role is Role.SUPPLIER_EDITOR and own == supplier:
            slot.closed_reason = _("Customers' comments on your proposal appear here; answer them in each thread.")
        elif not can_comment(user, slot.organisation or None):
            slot.closed_reason = _("You can read the consultation but not take part in it.")
        else:
            slot.can_open = True
    elif line is not None:
        obj, organisation, year = line[0], line[1], int(line[2])
        slot = ThreadSlot(
            id=f"threads-line-{_slug(obj)}-{_slug(organisation)}-{year}",
            subject="line",
            line_object=obj,
            line_year=year,
            organisation=organisation,
            action=action,
            level=level,
            compact=compact,
            notice=notice,
        )
        if not can_view_organisation(user, organisation):
            slot.visible = False
            return slot
        found_line = line_object(data, obj)
        slot.about = f"{found_line.name if found_line else obj}, {view.organisation_name(organisation)}, {year}"
        slot.supplier_name = view.organisation_name(found_line.supplier) if found_line else ""
        slot.threads = _rows(
            view, threads_for_line(user=user, cycle=view.code, line_object=obj, organisation=organisation, year=year)
        )
        if found_line is None:
            slot.closed_reason = _("This line is not part of the cycle.")
        elif found_line.supplier == organisation or (role is Role.SUPPLIER_EDITOR and own == found_line.supplier):
            slot.closed_reason = _("Customers' questions about this line appear here; answer them in each thread.")
        elif not can_comment(user, organisation):
            slot.closed_reason = _("You can read the consultation but not take part in it.")
        else:
            slot.can_open = True
    else:
        raise ValueError("consultation_slot needs a proposal or a line")
    if form is not None and form.is_bound:
        # Errors of the visible fields go next to them; the rest (the hidden subject fields, and
        # "__all__", which a template cannot reach) go under "form", above the form.
        for name, errors in form.errors.items():
            slot.errors.setdefault(name if name in ("text", "organisation") else "form", []).extend(errors)
        slot.text = form.data.get("text", "")
        if not slot.organisation:
            slot.organisation = form.data.get("organisation", "")
    return slot


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: next to its field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _filters(request: HttpRequest) -> tuple[str, str, str]:
    status = request.GET.get("status", "")
    subject = request.GET.get("subject", "")
    supplier = request.GET.get("supplier", "")
    return (
        status if status in Thread.Status.values else "",
        subject if subject in dict(SUBJECTS) else "",
        supplier,
    )


def threads(request: HttpRequest, cycle: str) -> HttpResponse:
    """The cycle's threads the user may see, newest activity first, filtered by status and subject."""
    view = cycle_view(cycle)
    status, subject, supplier = _filters(request)
    visible = threads_visible(user=request.user, cycle=cycle)
    counts = {s: 0 for s in Thread.Status.values}
    for value in visible.values_list("status", flat=True):
        counts[value] += 1
    chosen = visible
    if status:
        chosen = chosen.filter(status=status)
    if subject == "proposal":
        chosen = chosen.exclude(proposal="")
    elif subject == "line":
        chosen = chosen.exclude(line_object="")
    if supplier:
        chosen = chosen.filter(supplier=supplier)
    return render(
        request,
        "web/consultation/threads.html",
        {
            "view": view,
            "rows": _rows(view, chosen),
            "status": status,
            "subject": subject,
            "supplier": supplier,
            "statuses": [(s.value, s.label, counts[s.value]) for s in Thread.Status],
            "subjects": SUBJECTS,
            "sees_all": role_of(request.user) in SEES_EVERY_ORGANISATION,
        },
    )


def _thread_or_refuse(request: HttpRequest, cycle: str, pk: int) -> Thread:
    thread = get_object_or_404(Thread, cycle=cycle, pk=pk)
    if not can_see_thread(request.user, organisation=thread.organisation, supplier=thread.supplier):
        deny(request, f"thread {pk}", hide=not thread.proposal)
    return thread


def _about_url(view: CycleView, thread: Thread) -> str:
    try:
        if thread.proposal:
            return reverse("proposal", kwargs={"cycle": view.code, "proposal": thread.proposal})
        found = line_object(view.data, thread.line_object)
        if found is not None and found.kind == "service":
            return reverse("service", kwargs={"cycle": view.code, "service": thread.line_object}) + (
                f"?year={thread.line_year}"
            )
    except NoReverseMatch:
        pass
    return ""


def _thread_context(request: HttpRequest, view: CycleView, thread: Thread, **extra: Any) -> dict[str, Any]:
    user = request.user
    entries = []
    for message in thread.messages.select_related("author__profile"):
        author = message.author
        profile = getattr(author, "profile", None) if author else None
        if profile is not None and profile.organisation:
            context = view.organisation_name(profile.organisation)
        else:
            context = str(Role(profile.role).label) if profile is not None else ""
        name = (author.get_full_name() or author.get_username()) if author else _("(removed user)")
        entries.append({"message": message, "name": name, "context": context})
    status = Thread.Status(thread.status)
    return {
        "view": view,
        "thread": thread,
        "entries": entries,
        "about": thread_about(view.data, thread),
        "about_url": _about_url(view, thread),
        "organisation_name": view.organisation_name(thread.organisation),
        "supplier_name": view.organisation_name(thread.supplier),
        "status_label": status.label,
        "badge": BADGE[status],
        "resolved": status is Thread.Status.RESOLVED,
        "can_reply": can_reply_thread(user, organisation=thread.organisation, supplier=thread.supplier),
        "answers": can_answer(user, thread.supplier),
        "can_resolve": can_resolve_thread(user, organisation=thread.organisation),
        **extra,
    }


def thread(request: HttpRequest, cycle: str, thread: int) -> HttpResponse:
    """One thread: its messages, and the reply and resolve forms for those who may use them."""
    view = cycle_view(cycle)
    found = _thread_or_refuse(request, cycle, thread)
    return render(request, "web/consultation/thread.html", _thread_context(request, view, found, form=ReplyForm()))


def _after_write(request: HttpRequest, view: CycleView, thread: Thread, notice: str, form: ReplyForm) -> HttpResponse:
    if request.htmx:
        context = _thread_context(request, view, thread, form=form, notice=notice)
        return render(request, "web/consultation/thread.html#conversation", context)
    messages.success(request, notice)
    return redirect("thread", cycle=view.code, thread=thread.pk)


@require_POST
def thread_reply(request: HttpRequest, cycle: str, thread: int) -> HttpResponse:
    view = cycle_view(cycle)
    found = _thread_or_refuse(request, cycle, thread)
    if not can_reply_thread(request.user, organisation=found.organisation, supplier=found.supplier):
        deny(request, f"reply in thread {found.pk}")
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.thread_reply(
                thread=found,
                by=request.user,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDenied:
            deny(request, f"reply in thread {found.pk}")
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _after_write(request, view, found, _("Your message was sent."), ReplyForm())
    template = "web/consultation/thread.html#conversation" if request.htmx else "web/consultation/thread.html"
    return render(request, template, _thread_context(request, view, found, form=form))


@require_POST
def thread_resolve(request: HttpRequest, cycle: str, thread: int) -> HttpResponse:
    view = cycle_view(cycle)
    found = _thread_or_refuse(request, cycle, thread)
    if not can_resolve_thread(request.user, organisation=found.organisation):
        deny(request, f"resolve thread {found.pk}")
    try:
        services.thread_resolve(thread=found, by=request.user)
    except PermissionDenied:
        deny(request, f"resolve thread {found.pk}")
    return _after_write(request, view, found, _("The thread is marked resolved."), ReplyForm())


def thread_new(request: HttpRequest, cycle: str) -> HttpResponse:
    """Start a thread. POST from the slot (htmx swaps the slot; without JavaScript the new thread's
    page follows). GET with the subject in the query string shows the form on its own page."""
    view = cycle_view(cycle)
    source = request.POST if request.method == "POST" else request.GET
    subject = source.get("subject", "")
    organisation = source.get("organisation", "") or organisation_of(request.user)
    try:
        level = int(source.get("level") or 2)
        year = int(source.get("line_year") or 0)
    except ValueError:
        level, year = 2, 0
    compact = source.get("compact") in ("1", "true", "on", "True")
    if subject == "line":
        subject_args: dict[str, Any] = {"line": (source.get("line_object", ""), organisation, year)}
        # Another organisation's bill is not confirmed to exist.
        if not can_view_organisation(request.user, organisation):
            deny(request, f"thread about {organisation}'s bill", hide=True)
    elif subject == "proposal":
        subject_args = {"proposal": source.get("proposal", "")}
    else:
        return render(request, "web/consultation/thread_new.html", {"view": view, "slot": None}, status=400)
    if request.method != "POST":
        slot = consultation_slot(request, view, **subject_args, level=2)
        return render(request, "web/consultation/thread_new.html", {"view": view, "slot": slot})
    if not can_comment(request.user, organisation):
        deny(request, f"comment for {organisation}")
    form = ThreadForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.thread_open(
                cycle=view.cycle,
                by=request.user,
                proposal=data["proposal"] if subject == "proposal" else None,
                line_object=data["line_object"] if subject == "line" else None,
                line_year=data["line_year"] if subject == "line" else None,
                organisation=data["organisation"],
                text=data["text"],
            )
        except PermissionDenied:
            deny(request, f"comment for {organisation}")
        except ValidationError as error:
            _add_errors(form, error)
        else:
            notice = _("Your message was sent.")
            if request.htmx:
                slot = consultation_slot(request, view, **subject_args, level=level, compact=compact, notice=notice)
                return render(request, "web/consultation/_thread_slot.html", {"slot": slot})
            messages.success(request, notice)
            return redirect("thread", cycle=view.code, thread=created.pk)
    slot = consultation_slot(request, view, **subject_args, level=level, compact=compact, form=form)
    if request.htmx:
        return render(request, "web/consultation/_thread_slot.html", {"slot": slot})
    return render(request, "web/consultation/thread_new.html", {"view": view, "slot": slot})
