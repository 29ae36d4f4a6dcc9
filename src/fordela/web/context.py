"""What every page needs: the user's role and organisation, the menu, the cycles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from fordela.accounts.permissions import organisation_of, role_of
from fordela.catalogue.models import Cycle, Organisation

# (url name, label); an area appears once its routes exist.
MENU = (
    ("start", _("Overview")),
    ("catalogue", _("Services")),
    ("proposals", _("Annual analysis")),
    ("scenarios", _("Scenarios")),
    ("bridge", _("Bridge and frames")),
    ("organisation_home", _("My organisation")),
    ("simulator", _("Key simulator")),
    ("outlook", _("Outlook")),
    ("invoicing", _("Invoicing")),
    ("outcome", _("Outcome")),
    ("documents", _("Documents")),
    ("opendata", _("Open data")),
    ("threads", _("Consultation")),
    ("history", _("History")),
)


def organisation_name(code: str, cycle: str | None) -> str:
    """The organisation's name as people know it (its code only if no cycle knows it): from the
    cycle of the page, else from the latest cycle that has it."""
    if not code:
        return ""
    found = Organisation.objects.filter(code=code, cycle__code=cycle).values_list("name", flat=True).first()
    if found is None:
        latest = Organisation.objects.filter(code=code).order_by("-cycle__target_year")
        found = latest.values_list("name", flat=True).first()
    return found or code


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    cycle = match.kwargs.get("cycle") if match else None
    if cycle is None:
        cycle = Cycle.objects.order_by("-target_year", "code").values_list("code", flat=True).first()
    menu = []
    for name, label in MENU if cycle else ():
        try:
            url = reverse(name, kwargs={"cycle": cycle})
        except NoReverseMatch:
            continue
        current = match is not None and match.url_name == name
        menu.append((url, label, current))
    return {
        "nav_role": role_of(request.user),
        "nav_organisation": organisation_name(organisation_of(request.user), cycle),
        "nav_cycle": cycle,
        "nav_menu": menu,
    }
