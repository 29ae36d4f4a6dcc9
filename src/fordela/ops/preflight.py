"""What must be right before fordela serves anyone outside local mode, each naming its setting.

`fordela serve` refuses to start while any problem is listed; the same problems are Django
system checks (tag `deploy`), so `manage.py check --deploy` fails on them too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_LENGTH = 50


def settings_problems() -> list[str]:
    """Unsafe settings outside local mode (none in local mode)."""
    if settings.LOCAL:
        return []
    problems = []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    if not key:
        problems.append("FORDELA_SECRET_KEY is not set: set it to a long random value (see docs/deploy.md)")
    elif len(key) < MIN_KEY_LENGTH or key == settings.INSECURE_LOCAL_KEY:
        problems.append(
            f"FORDELA_SECRET_KEY is too short or published: use at least {MIN_KEY_LENGTH} random characters"
        )
    if settings.DEBUG:
        problems.append("DEBUG is on: unset DEBUG (it shows tracebacks and settings to anyone)")
    if not settings.ALLOWED_HOSTS:
        problems.append("FORDELA_ALLOWED_HOSTS is not set: name the host names the service answers to")
    return problems


def demo_password_problems() -> list[str]:
    """Active accounts that still log in with the published demo password."""
    if settings.LOCAL:
        return []
    from django.contrib.auth import get_user_model

    from fordela.accounts.services import DEMO_ACCOUNTS, DEMO_PASSWORD

    names = [a.username for a in DEMO_ACCOUNTS]
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    found = sorted(u.username for u in users if u.check_password(DEMO_PASSWORD))
    if not found:
        return []
    return [
        f"the demo accounts' published password is in use ({', '.join(found)}): "
        "deactivate them with `fordela user deactivate NAME` or give them new passwords"
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="fordela.E001") for problem in settings_problems()]
