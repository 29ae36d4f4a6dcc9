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

ROLE_CLAIM = os.environ.get("FORDELA_OIDC_ROLE_CLAIM", "roles")
ORG_CLAIM = os.environ.get("FORDELA_OIDC_ORG_CLAIM", "fordela_organisation")


def profile_from_claims(claims: dict[str, Any]) -> tuple[Role | None, str]:
    """(role, organisation) from the identity provider's claims; the first known role wins."""
    raw = claims.get(ROLE_CLAIM) or []
    values = [raw] if isinstance(raw, str) else list(raw)
    role = next((Role(v) for v in values if v in Role.values), None)
    organisation = str(claims.get(ORG_CLAIM, "") or "")
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
