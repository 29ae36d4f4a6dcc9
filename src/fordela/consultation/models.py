"""Consultation: customers comment on a proposal or question a line of their bill; the supplier
or a coordinator answers; the thread and its status stay with the item."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Thread(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")

    cycle = models.CharField(max_length=64)
    # Exactly one subject: a proposal, or a bill line (service/initiative, organisation, year).
    proposal = models.CharField(max_length=64, blank=True, default="")
    line_object = models.CharField(max_length=64, blank=True, default="")
    line_year = models.IntegerField(null=True, blank=True)
    organisation = models.CharField(max_length=64)  # the customer asking
    supplier = models.CharField(max_length=64)  # who answers (with the coordinators)
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Last message or status change: the list shows the most recently active threads first.
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: every message and status change bumps it; a reply written on an older
    # version (someone else wrote meanwhile) is refused so its author reads the thread first.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["cycle", "proposal"], name="thread_proposal"),
            models.Index(fields=["cycle", "organisation", "line_object", "line_year"], name="thread_line"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(proposal="") & ~models.Q(line_object=""))
                | (~models.Q(proposal="") & models.Q(line_object="")),
                name="thread_has_one_subject",
            )
        ]

    @property
    def is_about_proposal(self) -> bool:
        return bool(self.proposal)


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
