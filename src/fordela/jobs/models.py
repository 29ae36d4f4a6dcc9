"""A document made in the background: who asked for what, how far it has come, and the file.

The job table is also the queue `fordela worker` takes work from (fordela.jobs.queue): a worker
claims a queued row, holds a lease on it while it works, and a row whose lease ran out (its
worker died) is queued again or failed with the reason. The file is kept in the database
(documents are at most a few MB): it then survives restarts, needs no shared disk between web
processes, and is removed with the job.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_AFTER = timedelta(minutes=15)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # A random id: a job's URL does not reveal how many documents others have made.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle_code = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    # What the document is made from (supplier, scenario, stage, organisation, year): the
    # permission to download it is decided from these again on every request.
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps = models.JSONField(default=list)  # the progress steps done so far, in order
    expected_steps = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True, default="")
    content_type = models.CharField(max_length=120, blank=True, default="")
    content = models.BinaryField(null=True, blank=True, editable=False)
    # The queue: which worker runs it, until when its lease holds, how many times it was started.
    worker = models.CharField(max_length=200, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["cycle_code", "created_by", "-created_at"], name="job_owner_recent"),
            models.Index(fields=["status", "created_at"], name="job_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def stale(self) -> bool:
        """Still queued long after it was asked for: no worker is running (a running job whose
        worker died is taken over through its lease, fordela.jobs.queue)."""
        return self.status == self.Status.QUEUED and timezone.now() - self.created_at > STALE_AFTER

    @property
    def progress(self) -> int:
        """Steps done, never beyond `expected_steps` (a finished job is complete)."""
        if self.status == self.Status.DONE:
            return self.expected_steps
        return min(len(self.steps), max(self.expected_steps - 1, 0))

    @property
    def last_step(self) -> str:
        return self.steps[-1]["text"] if self.steps else ""


class WorkerHeartbeat(models.Model):
    """A running `fordela worker`, seen at its last poll: /health/ reports the workers as down
    when none has been seen for a while."""

    name = models.CharField(max_length=200, primary_key=True)  # host:pid
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} (seen {timezone.localtime(self.seen_at):%Y-%m-%d %H:%M:%S})"
