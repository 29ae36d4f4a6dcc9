"""Administering accounts: create, change role and organisation, deactivate, reset access, list.

Called from the administrators' screens (fordela.web.views.accounts) and `fordela user …`; every
change is an audit event (kind `account`) naming who did it (`by`, None from the command line)
and what changed. With single sign-on the identity provider's claims set role and organisation
at each login (fordela.accounts.oidc): a change made here then lasts until the next login.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from fordela.accounts.models import AuditEvent, Profile, Role

# Roles that act for one organisation (a supplier, a customer); the others see every organisation.
NEEDS_ORGANISATION = frozenset({Role.SUPPLIER_EDITOR, Role.CUSTOMER_VIEWER})
COMMAND_LINE = "(kommandorad)"


class AccountError(ValueError):
    """An account change that cannot be made; the message says why."""


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    email: str
    role: Role | None
    organisation: str
    active: bool
    single_sign_on: bool  # no password of its own: signs in through the identity provider
    last_login: Any


def _audit(*, by: Any, what: str, path: str = "") -> None:
    actor = by if getattr(by, "is_authenticated", False) else None
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.ACCOUNT,
        user=actor,
        username=actor.get_username() if actor else COMMAND_LINE,
        path=path[:500],
        object=what[:300],
    )


def _role(value: str | Role) -> Role:
    if value not in Role.values:
        raise AccountError(
            _("Unknown role '%(role)s' (roles: %(roles)s).") % {"role": value, "roles": ", ".join(Role.values)}
        )
    return Role(value)


def _organisation(role: Role, organisation: str) -> str:
    from fordela.catalogue.models import Organisation

    organisation = organisation.strip()
    if role in NEEDS_ORGANISATION:
        if not organisation:
            raise AccountError(_("The role %(role)s acts for one organisation: choose it.") % {"role": role.label})
        if not Organisation.objects.filter(code=organisation).exists():
            raise AccountError(_("Unknown organisation '%(organisation)s'.") % {"organisation": organisation})
        return organisation
    if organisation:
        raise AccountError(_("The role %(role)s sees every organisation: choose none.") % {"role": role.label})
    return ""


def _user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise AccountError(_("No such user '%(username)s'.") % {"username": username})
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str | Role,
    organisation: str = "",
    full_name: str = "",
    email: str = "",
    by: Any = None,
    path: str = "",
) -> tuple[Any, str]:
    """A new active account and its first password (shown once to the administrator)."""
    username = username.strip()
    if not username or len(username) > 150 or any(c.isspace() for c in username):
        raise AccountError(_("A user name is 1–150 characters without spaces."))
    role = _role(role)
    organisation = _organisation(role, organisation)
    users = get_user_model()
    if users.objects.filter(username__iexact=username).exists():
        raise AccountError(_("The user name '%(username)s' is taken.") % {"username": username})
    first, _space, last = full_name.strip().partition(" ")
    user = users(username=username, first_name=first[:150], last_name=last[:150], email=email.strip()[:254])
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save()
    Profile.objects.create(user=user, role=role, organisation=organisation)
    _audit(by=by, what=f"{username}: created as {role.value} {organisation}".strip(), path=path)
    return user, password


@transaction.atomic
def user_set_role(*, username: str, role: str | Role, organisation: str = "", by: Any = None, path: str = "") -> None:
    user = _user(username)
    role = _role(role)
    organisation = _organisation(role, organisation)
    before = Profile.objects.select_for_update().filter(user=user).first()
    was = f"{before.role} {before.organisation}".strip() if before else "no role"
    Profile.objects.update_or_create(user=user, defaults={"role": role, "organisation": organisation})
    _audit(by=by, what=f"{username}: role {was} → {role.value} {organisation}".strip(), path=path)


@transaction.atomic
def user_set_active(*, username: str, active: bool, by: Any = None, path: str = "") -> None:
    """Deactivate (no login, open sessions end at their next request) or activate again."""
    user = _user(username)
    if not active and by is not None and getattr(by, "pk", None) == user.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    type(user).objects.filter(pk=user.pk).update(is_active=active)
    _audit(by=by, what=f"{username}: {'activated' if active else 'deactivated'}", path=path)


@transaction.atomic
def user_reset_access(*, username: str, by: Any = None, path: str = "") -> str:
    """A new password (returned, to hand over once) and any login lockout lifted."""
    from axes.utils import reset as axes_reset

    user = _user(username)
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=username)
    _audit(by=by, what=f"{username}: access reset", path=path)
    return password


def users_list() -> list[Account]:
    profiles = {p.user_id: p for p in Profile.objects.all()}
    accounts = []
    for user in get_user_model().objects.order_by("username"):
        profile = profiles.get(user.pk)
        accounts.append(
            Account(
                username=user.username,
                full_name=user.get_full_name(),
                email=user.email,
                role=Role(profile.role) if profile else None,
                organisation=profile.organisation if profile else "",
                active=user.is_active,
                single_sign_on=not user.has_usable_password(),
                last_login=user.last_login,
            )
        )
    return accounts
