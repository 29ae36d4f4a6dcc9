"""Who may do what: one role per user, and the organisation the role acts for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPPLIER_EDITOR = "supplier_editor", _("Supplier editor")
    COORDINATOR = "coordinator", _("Coordinator")
    CUSTOMER_VIEWER = "customer_viewer", _("Customer viewer")
    FINANCE = "finance", _("Finance")
    ADMIN = "admin", _("Administrator")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=Role.choices)
    # The organisation's code (the same in every cycle): the supplier an editor works for, the
    # customer a viewer sees. Empty for roles that see everything.
    organisation = models.CharField(max_length=64, blank=True, default="")
    # E-mail when something of theirs happens (fordela.accounts.notifications); each user can turn it off.
    notify_by_email = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class AuditEvent(models.Model):
    """Logins (failed too), logouts and refused requests, for security follow-up."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        REFUSED = "refused", _("Refused")
        LOCKED_OUT = "locked_out", _("Login locked")
        ACCOUNT = "account", _("Account changed")

    at = models.DateTimeField(auto_now_add=True)  # stored in UTC (USE_TZ)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True, default="")
    path = models.CharField(max_length=500, blank=True, default="")
    object = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-at"]
