from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from fordela.accounts.models import AuditEvent


def _path(request: HttpRequest | None) -> str:
    return request.path[:500] if request is not None else ""


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, user=user, username=user.get_username(), path=_path(request))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        AuditEvent.objects.create(
            kind=AuditEvent.Kind.LOGOUT, user=user, username=user.get_username(), path=_path(request)
        )


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150], path=_path(request)
    )


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """django-axes locked this user name and address after too many failed logins."""
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.LOCKED_OUT,
        username=str(username or "")[:150],
        path=_path(request),
        object=f"address {ip_address or '?'}"[:300],
    )
