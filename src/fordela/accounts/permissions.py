"""Every permission rule in one place; views and services ask here, never decide themselves.

Refusals go through `deny`, which records an audit event and raises 403, or 404 where even the
existence of another organisation's data should not be confirmed.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from fordela.accounts.models import AuditEvent, Profile, Role

SEES_EVERY_ORGANISATION = frozenset({Role.COORDINATOR, Role.FINANCE, Role.ADMIN})


_PROFILE = "_fordela_profile"


def _profile(user: Any) -> Profile | None:
    """The user's profile, read once per user object: a request's user is loaded afresh for each
    request, and a page asks several rules (four queries per page before)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _PROFILE):
        setattr(user, _PROFILE, Profile.objects.filter(user=user).first())
    return getattr(user, _PROFILE)


def forget_profile(user: Any) -> None:
    """After a change of `user`'s own profile in the same request or test."""
    if hasattr(user, _PROFILE):
        delattr(user, _PROFILE)


def role_of(user: Any) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = _profile(user)
    return Role(profile.role) if profile else None


def organisation_of(user: Any) -> str:
    profile = _profile(user)
    return profile.organisation if profile else ""


def can_edit_supplier(user: Any, supplier: str) -> bool:
    """Write the annual analysis (proposals) of `supplier`."""
    role = role_of(user)
    return role is Role.ADMIN or (role is Role.SUPPLIER_EDITOR and organisation_of(user) == supplier)


def can_review(user: Any) -> bool:
    return role_of(user) in (Role.COORDINATOR, Role.ADMIN)


def can_edit_scenarios(user: Any) -> bool:
    return role_of(user) in (Role.COORDINATOR, Role.ADMIN)


def can_create_cycle(user: Any) -> bool:
    """Start the next year's cycle from a decided one."""
    return role_of(user) in (Role.COORDINATOR, Role.ADMIN)


def can_view_organisation(user: Any, organisation: str) -> bool:
    """See what `organisation` pays: its own people, and the roles that see every organisation."""
    role = role_of(user)
    if role is None:
        return False
    return role in SEES_EVERY_ORGANISATION or organisation_of(user) == organisation


def can_comment(user: Any, organisation: str | None = None) -> bool:
    """Open a consultation thread: customers on proposals and on their own bill's lines."""
    role = role_of(user)
    if role in (Role.COORDINATOR, Role.ADMIN):
        return True
    if role in (Role.CUSTOMER_VIEWER, Role.SUPPLIER_EDITOR):
        return organisation is None or organisation_of(user) == organisation
    return False


def can_answer(user: Any, supplier: str | None) -> bool:
    """Answer a thread: the supplier concerned, or a coordinator."""
    role = role_of(user)
    return role in (Role.COORDINATOR, Role.ADMIN) or (
        role is Role.SUPPLIER_EDITOR and supplier is not None and organisation_of(user) == supplier
    )


def deny(request: HttpRequest, what: str, *, hide: bool = False) -> NoReturn:
    """Record the refusal and refuse: 404 when `hide`, else 403."""
    user = request.user if request.user.is_authenticated else None
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.REFUSED,
        user=user,
        username=user.get_username() if user else "",
        path=request.path[:500],
        object=what[:300],
    )
    if hide:
        raise Http404(what)
    raise PermissionDenied(what)


# --- Consultation threads (fordela.consultation) -------------------------------------------------
# A thread belongs to the customer organisation that asks and the supplier that answers.


def is_asker(user: Any, organisation: str) -> bool:
    """Speaks for the organisation that asks: its customer viewers (and its editors, a board
    being a customer of the other suppliers)."""
    role = role_of(user)
    return role in (Role.CUSTOMER_VIEWER, Role.SUPPLIER_EDITOR) and organisation_of(user) == organisation


def can_see_thread(user: Any, *, organisation: str, supplier: str) -> bool:
    """Read a thread: the asking organisation, the supplier it is about, and every coordinator,
    finance and admin. Other customers and suppliers do not see it."""
    role = role_of(user)
    if role is None:
        return False
    if role in SEES_EVERY_ORGANISATION:
        return True
    own = organisation_of(user)
    return own == organisation or (role is Role.SUPPLIER_EDITOR and own == supplier)


def can_reply_thread(user: Any, *, organisation: str, supplier: str) -> bool:
    """Write in a thread: the answerers (the supplier, coordinators) and the asker."""
    return can_answer(user, supplier) or is_asker(user, organisation)


def can_resolve_thread(user: Any, *, organisation: str) -> bool:
    """Mark a thread resolved: the asker or a coordinator (or admin)."""
    return role_of(user) in (Role.COORDINATOR, Role.ADMIN) or is_asker(user, organisation)


def visible_organisations(user: Any) -> frozenset[str] | None:
    """The organisations whose bills `user` may see in lists of every organisation (scenario
    builder, comparison): None for the roles that see every organisation, else their own."""
    if role_of(user) in SEES_EVERY_ORGANISATION:
        return None
    own = organisation_of(user)
    return frozenset({own}) if own else frozenset()


# -- the annual analysis (proposals) ---------------------------------------------------------


def can_see_proposal(user: Any, supplier: str, *, draft: bool) -> bool:
    """A submitted proposal is seen by everyone logged in; a draft only by those who may edit it.

    Other suppliers' drafts are refused as 404: not even their existence is confirmed.
    """
    return not draft or can_edit_supplier(user, supplier)


def can_change_proposal(user: Any, supplier: str, *, reviewed: bool) -> bool:
    """Edit, submit, delete or restore a proposal of `supplier`.

    Once a stage has reviewed a proposal, its supplier no longer changes it: the review was made
    on what it says (an admin still can, and every change is in the history).
    """
    if role_of(user) is Role.ADMIN:
        return True
    return can_edit_supplier(user, supplier) and not reviewed


# -- my organisation, the key simulator, the outlook ---------------------------------------------


def can_pick_organisation(user: Any) -> bool:
    """Choose any organisation's bill (coordinators, finance, admin); the others go to their own."""
    return role_of(user) in SEES_EVERY_ORGANISATION


def key_simulation_visible(user: Any) -> frozenset[str] | None:
    """The organisation rows `user` sees in the key simulator: None = every organisation.

    Coordinators, finance, admin and supplier editors see everyone (a supplier weighs a key
    change against all its customers before proposing it, as DMS did); a customer viewer sees
    its own row and the sum over all, i.e. what the key change would do to it.
    """
    role = role_of(user)
    if role in SEES_EVERY_ORGANISATION or role is Role.SUPPLIER_EDITOR:
        return None
    own = organisation_of(user)
    return frozenset({own}) if role is not None and own else frozenset()


# -- documents, invoicing, outcome (fordela.jobs, fordela.billing) --------------------------------


def can_make_document(user: Any, kind: str, *, organisation: str | None = None) -> bool:
    """Generate (and download) a document of `kind`.

    Everyone logged in reads the deck and the PDF of bridges, lists and frames (the bridge page is
    open to all); an organisation's bill only its own people and the roles that see every
    organisation. The workbook (every organisation's drivers) and the annual analysis (every
    organisation's key-change effect) go to those who see every organisation in the key
    simulator: coordinators, finance, admin and supplier editors.
    """
    role = role_of(user)
    if role is None:
        return False
    if kind in ("workbook", "annual_analysis"):
        return key_simulation_visible(user) is None
    if kind == "pdf" and organisation:
        return can_view_organisation(user, organisation)
    return kind in ("deck", "pdf")


def can_see_job(user: Any, *, owner_id: int | None, kind: str, organisation: str | None = None) -> bool:
    """A generated document: its owner, or a coordinator, finance or admin — and only while they
    may still make that document themselves."""
    if not can_make_document(user, kind, organisation=organisation):
        return False
    return owner_id == getattr(user, "pk", None) or role_of(user) in SEES_EVERY_ORGANISATION


def can_see_every_invoice(user: Any) -> bool:
    """The whole invoicing base; the others see only their own organisation's invoice lines."""
    return role_of(user) in SEES_EVERY_ORGANISATION


def can_invoice(user: Any) -> bool:
    """Freeze an invoicing period and export it to the ledger (SIE): finance and admin."""
    return role_of(user) in (Role.FINANCE, Role.ADMIN)


def can_verify_invoicing(user: Any) -> bool:
    """Recompute a frozen period from its stored inputs (changes nothing)."""
    return role_of(user) in SEES_EVERY_ORGANISATION


def can_record_outcome(user: Any, supplier: str | None = None) -> bool:
    """Record a service's outcome: finance, coordinators, admin; a supplier's editors for its own
    services (`supplier` None: for any service at all)."""
    role = role_of(user)
    if role in SEES_EVERY_ORGANISATION:
        return True
    return role is Role.SUPPLIER_EDITOR and (supplier is None or organisation_of(user) == supplier)


# -- the catalogue and drivers kept in the web (fordela.cycle.catalogue) --------------------------


def can_edit_service(user: Any, supplier: str) -> bool:
    """Change a service of `supplier` (costs, development within service, description, key,
    participants, subscriptions): its own supplier editors, coordinators and admin."""
    role = role_of(user)
    if role in (Role.COORDINATOR, Role.ADMIN):
        return True
    return role is Role.SUPPLIER_EDITOR and organisation_of(user) == supplier


def can_edit_drivers(user: Any) -> bool:
    """Change drivers and their values, keys and their shares, and organisations (join and
    leave years): finance, coordinators and admin."""
    return role_of(user) in (Role.FINANCE, Role.COORDINATOR, Role.ADMIN)


def can_upload_package(user: Any) -> bool:
    """Merge an edited workbook or package into the cycle: it can change every table."""
    return role_of(user) in (Role.COORDINATOR, Role.ADMIN)
