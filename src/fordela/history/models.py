"""Every change to catalogue, proposals, reviews and scenarios: who, when, old → new."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ChangeRecord(models.Model):
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    cycle = models.CharField(max_length=64)
    table = models.CharField(max_length=40)  # the package table the object belongs to
    object = models.CharField(max_length=200)  # its code, or its key columns joined by '/'
    action = models.CharField(max_length=20)  # create, update, delete, restore, submit, review, toggle
    # {field: [old, new]} as text, so a record stays readable whatever the model becomes
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["cycle", "table", "object"])]
