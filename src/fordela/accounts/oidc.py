"""Single sign-on through OpenID Connect (e.g. Microsoft Entra ID), via mozilla-django-oidc.

Active only when OIDC_RP_CLIENT_ID is set (see settings and docs/sso.md). The identity provider
decides who the user is; fordela decides what they may do, from the token's claims:
`FORDELA_OIDC_ROLE_CLAIM` (default `roles`, Entra ID's app roles) names one of the fordela roles
(supplier_editor, coordinator, customer_viewer, finance, admin) and `FORDELA_OIDC_ORG_CLAIM`
(default `fordela_organisation`) the organisation code. A user without a known role gets no
Profile and so sees nothing but the pages every logged-in user sees.
"""

from __future__ import annotations

import os
from typing import Any

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from fordela.accounts.models import Profile, Role
from fordela.accounts.permissions import forget_profile

ROLE_CLAIM = os.environ.get("FORDELA_OIDC_ROLE_CLAIM", "roles")
ORG_CLAIM = os.environ.get("FORDELA_OIDC_ORG_CLAIM", "fordela_organisation")
GROUPS_CLAIM = os.environ.get("FORDELA_OIDC_GROUPS_CLAIM", "groups")


def group_roles(text: str) -> dict[str, tuple[Role, str]]:
    """`FORDELA_OIDC_GROUP_ROLES`: "GROUP=ROLE[:ORGANISATION],…" (Entra ID group object ids).

    For directories that hand out security groups rather than app roles: each group gives a
    role and, for roles acting for one organisation, that organisation.
    """
    mapping = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        group, _, target = item.partition("=")
        role, _, organisation = target.strip().partition(":")
        if not group.strip() or role not in Role.values:
            raise ValueError(f"FORDELA_OIDC_GROUP_ROLES: '{item}' is not GROUP=ROLE[:ORGANISATION]")
        mapping[group.strip()] = (Role(role), organisation.strip())
    return mapping


GROUP_ROLES = group_roles(os.environ.get("FORDELA_OIDC_GROUP_ROLES", ""))


def _values(raw: Any) -> list[str]:
    return [raw] if isinstance(raw, str) else [str(v) for v in (raw or [])]


def profile_from_claims(
    claims: dict[str, Any], groups: dict[str, tuple[Role, str]] | None = None
) -> tuple[Role | None, str]:
    """(role, organisation) from the identity provider's claims.

    The first known app role (ROLE_CLAIM) wins, with the organisation from ORG_CLAIM; without
    one, the first group (GROUPS_CLAIM) named in FORDELA_OIDC_GROUP_ROLES gives both.
    """
    groups = GROUP_ROLES if groups is None else groups
    role = next((Role(v) for v in _values(claims.get(ROLE_CLAIM)) if v in Role.values), None)
    organisation = str(claims.get(ORG_CLAIM, "") or "")
    if role is None:
        mapped = next((groups[g] for g in _values(claims.get(GROUPS_CLAIM)) if g in groups), None)
        if mapped is not None:
            role, organisation = mapped[0], organisation or mapped[1]
    return role, organisation


class RoleMappingOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def create_user(self, claims: dict[str, Any]) -> Any:
        user = super().create_user(claims)
        self._sync_profile(user, claims)
        return user

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        self._sync_profile(user, claims)
        return user

    def _sync_profile(self, user: Any, claims: dict[str, Any]) -> None:
        role, organisation = profile_from_claims(claims)
        if role is None:
            Profile.objects.filter(user=user).delete()
        else:
            Profile.objects.update_or_create(user=user, defaults={"role": role, "organisation": organisation})
        forget_profile(user)  # this very object is the request's user after the login
