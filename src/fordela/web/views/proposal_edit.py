"""Filing and editing a proposal (with the conflict view when someone else saved first), and
submitting, deleting and restoring it."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fordela.accounts.permissions import can_edit_supplier, deny
from fordela.cycle import proposals as services
from fordela.cycle.filed import Filed, proposal_filed
from fordela.cycle.proposals import ConflictError
from fordela.cycle.services import AlreadyCreated
from fordela.cycle.validation import CycleInvalid
from fordela.engine import model as m
from fordela.history.models import ChangeRecord
from fordela.web.forms.analysis import AMOUNT_TYPE_LABELS, ProposalForm, friendly, money_initial, proposal_initial
from fordela.web.views.analysis import _editable_suppliers, _form_choices, _proposal, _require_change
from fordela.web.views.common import cycle_view

# -- file and edit ---------------------------------------------------------------------------


def proposal_new(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    suppliers = _editable_suppliers(request, view)
    if not suppliers:
        deny(request, "file a proposal")
    source = request.POST if request.method == "POST" else request.GET
    supplier = source.get("supplier") or suppliers[0][0]
    if not can_edit_supplier(request.user, supplier):
        deny(request, f"file a proposal for {supplier}")
    only_own = len(suppliers) == 1
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        initial={"supplier": supplier, "financing": m.Financing.SOLIDARITY.value, "token": secrets.token_urlsafe(24)},
        suppliers=suppliers,
        **_form_choices(view, supplier if only_own else None),
    )
    if request.method == "POST" and form.is_valid():
        values = form.values(code=form.cleaned_data["code"].strip(), supplier=supplier)
        try:
            created = services.proposal_create(
                cycle=view.cycle,
                values=values,
                amounts=form.amount_rows(),
                by=request.user,
                token=form.cleaned_data["token"] or None,
            )
        except AlreadyCreated as done:
            # The same form sent twice (a double click): the first submit created it; show that.
            messages.success(request, _("The proposal is saved as a draft. Submit it for review when it is ready."))
            return redirect("proposal", cycle=cycle, proposal=done.code)
        except CycleInvalid as invalid:
            form.add_problems(invalid.errors)
        else:
            messages.success(request, _("The proposal is saved as a draft. Submit it for review when it is ready."))
            return redirect("proposal", cycle=cycle, proposal=created.code)
    return render(
        request,
        "web/analysis/proposal_form.html",
        {
            "view": view,
            "form": form,
            "editing": None,
            "only_own": only_own,
            "supplier_name": view.organisation_name(supplier),
        },
    )


def _conflict_rows(current: Filed, mine: m.Proposal | None, mine_amounts: list[Any]) -> list[tuple[str, str, str]]:
    """(field, their saved value, your value) where they differ: what the other person saved."""
    rows = []
    theirs = current.proposal
    labels = {
        "kind": _("Kind of proposal"),
        "title": _("Title"),
        "financing": _("Financing"),
        "service": _("Service"),
        "key": _("Distribution key of the initiative"),
        "proposed_category": _("Proposed category"),
        "proposed_key": _("Proposed distribution key"),
        "future_management_cost": _("Future management cost"),
        "future_management_from_year": _("Future management cost from year"),
        "already_decided": _("Already decided in an earlier cycle"),
        "description": _("Description"),
    }

    def text(name: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if name == "future_management_cost":
            return money_initial(value)
        if name == "already_decided":
            return _("yes") if value else _("no")
        return str(getattr(value, "value", value))

    for name, label in labels.items():
        their_value = getattr(theirs, name)
        my_value = getattr(mine, name) if mine else None
        if mine is None or their_value != my_value:
            rows.append((str(label), text(name, their_value), text(name, my_value) if mine else "–"))
    their_amounts = {(y, t): a for y, t, a in current.rows()}
    my_amounts = {(y, m.AmountType(t)): a for y, t, a in mine_amounts}
    for year, amount_type in sorted(their_amounts.keys() | my_amounts.keys(), key=lambda k: (k[0], k[1].value)):
        a, b = their_amounts.get((year, amount_type)), my_amounts.get((year, amount_type))
        if a != b:
            rows.append((f"{AMOUNT_TYPE_LABELS[amount_type]} {year}", money_initial(a) or "–", money_initial(b) or "–"))
    return rows


def proposal_edit(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _proposal(request, view, proposal)
    _require_change(request, found, "edit")
    filed = proposal_filed(found)
    supplier = found.supplier.code
    choices = _form_choices(view, supplier)
    conflict = None
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST, suppliers=[], editing=True, **choices)
        if form.is_valid():
            values = form.values(code=found.code, supplier=supplier)
            try:
                services.proposal_update(
                    proposal=found,
                    values=values,
                    amounts=form.amount_rows(),
                    expected_version=form.cleaned_data["version"] or 0,
                    by=request.user,
                )
            except ConflictError as error:
                # Keep what the user typed, show what the other person saved, and let a second save
                # (now against their version) be a conscious decision to replace it.
                current = proposal_filed(error.current)
                data = request.POST.copy()
                data["version"] = str(error.current.version)
                form = ProposalForm(data, suppliers=[], editing=True, **choices)
                form.is_valid()
                last = ChangeRecord.objects.filter(cycle=cycle, table="proposals", object=found.code).first()
                conflict = {
                    "rows": _conflict_rows(current, values, form.amount_rows()),
                    "current": error.current,
                    "saved_by": (last.user.get_full_name() or last.user.get_username()) if last and last.user else "",
                    "saved_at": last.at if last else None,
                }
                status = 409
            except CycleInvalid as invalid:
                form.add_problems(invalid.errors)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("proposal", cycle=cycle, proposal=found.code)
    else:
        form = ProposalForm(
            initial=proposal_initial(filed.proposal, found.version),
            suppliers=[],
            editing=True,
            amounts=filed.rows(),
            **choices,
        )
    return render(
        request,
        "web/analysis/proposal_form.html",
        {
            "view": view,
            "form": form,
            "editing": found,
            "conflict": conflict,
            "supplier_name": view.organisation_name(supplier),
        },
        status=status,
    )


# -- submit, delete, restore -----------------------------------------------------------------

ACTIONS = {
    "submit": (
        services.proposal_submit,
        gettext_lazy("Submit the proposal for review"),
        gettext_lazy(
            "Once submitted, the proposal is part of the annual analysis: the coordinators review it and it "
            "counts in the scenarios."
        ),
        gettext_lazy("The proposal is submitted for review."),
    ),
    "delete": (
        services.proposal_delete,
        gettext_lazy("Delete the proposal"),
        gettext_lazy(
            "A deleted proposal leaves the annual analysis, with its reviews. It can be found under "
            "“Deleted” and restored."
        ),
        gettext_lazy("The proposal is deleted. It can be restored."),
    ),
    "restore": (
        services.proposal_restore,
        gettext_lazy("Restore the proposal"),
        gettext_lazy("The proposal comes back as it was, with its reviews."),
        gettext_lazy("The proposal is restored."),
    ),
}


def _state_change(request: HttpRequest, cycle: str, code: str, action: str) -> HttpResponse:
    view = cycle_view(cycle)
    found = _proposal(request, view, code)
    _require_change(request, found, action)
    service, title, explanation, done = ACTIONS[action]
    errors: list[str] = []
    if request.method == "POST":
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = -1
        try:
            service(proposal=found, expected_version=expected, by=request.user)
        except ConflictError:
            messages.error(
                request, _("Someone else changed the proposal after you opened it. Look at it again before you go on.")
            )
            return redirect("proposal", cycle=cycle, proposal=found.code)
        except CycleInvalid as invalid:
            errors = [friendly(msg) for messages_ in invalid.errors.values() for msg in messages_]
        else:
            messages.success(request, done)
            return redirect("proposal", cycle=cycle, proposal=found.code)
    return render(
        request,
        "web/analysis/confirm.html",
        {
            "view": view,
            "proposal": found,
            "action": action,
            "title": title,
            "explanation": explanation,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def proposal_submit(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    return _state_change(request, cycle, proposal, "submit")


def proposal_delete(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    return _state_change(request, cycle, proposal, "delete")


def proposal_restore(request: HttpRequest, cycle: str, proposal: str) -> HttpResponse:
    return _state_change(request, cycle, proposal, "restore")
