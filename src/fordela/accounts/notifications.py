"""E-mail to the people concerned when something of theirs happens: a consultation thread is
answered, a proposal is reviewed, a stage is decided, a period is frozen.

Sent through Django's mail settings (the console in local mode) after the transaction commits, so
a write that rolls back mails no one; one message per recipient, never to the user who acted, never
to a user who turned notifications off (`Profile.notify_by_email`) or has no address. Each message
carries the link to the item and says how to turn notifications off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from fordela.accounts.models import Profile, Role


def users_with(*, roles: Iterable[Role], organisation: str | None = None) -> QuerySet[Any]:
    """Active users with one of `roles` (and acting for `organisation`, when given)."""
    query = Q(profile__role__in=[r.value for r in roles])
    if organisation is not None:
        query &= Q(profile__organisation=organisation)
    return get_user_model().objects.filter(query, is_active=True)


def wants_mail(user: Any) -> bool:
    profile = Profile.objects.filter(user=user).first()
    return profile is None or profile.notify_by_email


def notify(*, users: Iterable[Any], subject: str, body: str, path: str, by: Any = None) -> list[str]:
    """Mail `subject`/`body` with a link to `path` to every one of `users` concerned; returns the
    addresses it will mail once the transaction commits."""
    skip = getattr(by, "pk", None)
    recipients = sorted({u.email for u in users if u.email and u.is_active and u.pk != skip and wants_mail(u)})
    if not recipients:
        return []
    link = settings.FORDELA_BASE_URL.rstrip("/") + path
    with translation.override(settings.LANGUAGE_CODE):
        footer = gettext("Turn these e-mails off under Notifications: %(url)s") % {
            "url": settings.FORDELA_BASE_URL.rstrip("/") + reverse("notifications")
        }
        text = f"{body}\n\n{link}\n\n-- \n{footer}\n"
    messages = tuple((subject, text, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients)
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return recipients


def _mail(users: Iterable[Any], path: str, by: Any, subject: str, body: str) -> list[str]:
    return notify(users=users, subject=subject, body=body, path=path, by=by)


def notify_thread_answered(*, cycle: str, thread: int, subject: str, users: Iterable[Any], by: Any) -> list[str]:
    """The asker (and everyone who wrote on the asking side) hears that the thread was answered."""
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Your question has been answered: %(subject)s") % {"subject": subject}
        body = gettext("%(name)s has answered in the consultation thread “%(subject)s”.") % {
            "name": by.get_full_name() or by.get_username(),
            "subject": subject,
        }
    return _mail(users, reverse("thread", kwargs={"cycle": cycle, "thread": thread}), by, title, body)


def notify_proposal_reviewed(
    *, cycle: str, proposal: str, title: str, supplier: str, stage: str, outcome: str, by: Any
) -> list[str]:
    """The supplier's editors hear how a stage decided on their proposal."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Proposal reviewed: %(title)s") % {"title": title}
        body = gettext("%(stage)s has reviewed the proposal “%(title)s”: %(outcome)s.") % {
            "stage": stage,
            "title": title,
            "outcome": outcome,
        }
    users = users_with(roles=[Role.SUPPLIER_EDITOR], organisation=supplier)
    return _mail(users, reverse("proposal", kwargs={"cycle": cycle, "proposal": proposal}), by, subject, body)


def notify_stage_decided(*, cycle: str, title: str, stage: str, by: Any) -> list[str]:
    """Everyone who works in the cycle hears that a stage's decisions now stand."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("%(stage)s has decided: %(title)s") % {"stage": stage, "title": title}
        body = gettext(
            "The decisions of %(stage)s now stand in %(title)s: the budget frames, the bridge and every "
            "organisation's costs follow them."
        ) % {"stage": stage, "title": title}
    users = users_with(roles=list(Role))
    return _mail(users, reverse("start", kwargs={"cycle": cycle}), by, subject, body)


def notify_period_frozen(*, cycle: str, period: str, by: Any) -> list[str]:
    """Finance, the coordinators and the customers hear that a period is invoiced and frozen."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Invoicing frozen for %(period)s") % {"period": period}
        body = gettext(
            "The invoicing base of %(period)s in %(cycle)s is frozen: it will be invoiced as it stands and "
            "can be reproduced to the öre."
        ) % {"period": period, "cycle": cycle}
    users = users_with(roles=[Role.FINANCE, Role.COORDINATOR, Role.CUSTOMER_VIEWER])
    return _mail(users, reverse("invoicing", kwargs={"cycle": cycle}), by, subject, body)
