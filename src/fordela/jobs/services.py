"""Running a document job: queue it, make it, report progress.

A created job is queued in the database; `fordela worker` claims and runs it
(fordela.jobs.queue). With `settings.JOBS_SYNC` (tests) it runs at once in the caller. One job
runs at a time per process: documents are CPU-bound (WeasyPrint, vl-convert).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from fordela.jobs.kinds import KINDS
from fordela.jobs.models import Job

log = logging.getLogger(__name__)
_ONE_AT_A_TIME = threading.Lock()
KEEP = timedelta(days=7)  # finished jobs and their files are removed after this


class JobError(ValueError):
    """A job that cannot be made (unknown kind)."""


class JobLimitError(JobError):
    """The user already has as many unfinished jobs as allowed (settings.JOBS_PER_USER)."""


class JobLost(Exception):
    """The job is no longer this worker's (its lease ran out and another took it)."""


def job_create(*, cycle: str, kind: str, params: dict[str, Any], by: Any) -> Job:
    """A queued job for `by`. The caller has checked that `by` may have this document.

    Raises JobLimitError when `by` already has settings.JOBS_PER_USER unfinished jobs: the
    user's row is locked while counting, so parallel requests cannot all pass the count.
    """
    from fordela.cycle.selectors import cycle_data

    if kind not in KINDS:
        raise JobError(f"unknown document kind '{kind}'")
    Job.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    steps = KINDS[kind].steps(cycle_data(cycle), params)
    with transaction.atomic():
        if by is not None and by.pk is not None:
            get_user_model().objects.select_for_update().filter(pk=by.pk).first()
            unfinished = Job.objects.filter(created_by=by, status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
            if unfinished.count() >= settings.JOBS_PER_USER:
                raise JobLimitError(f"{by} already has {settings.JOBS_PER_USER} documents in the making")
        # + 1: the step that stores the file
        return Job.objects.create(cycle_code=cycle, kind=kind, params=params, created_by=by, expected_steps=steps + 1)


def job_start(*, job: Job) -> None:
    """With JOBS_SYNC run `job` at once, here; otherwise it waits in the queue for a worker."""
    if not getattr(settings, "JOBS_SYNC", False):
        return
    worker = f"sync:{os.getpid()}"
    Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, worker=worker, attempts=1, started_at=timezone.now()
    )
    job.refresh_from_db()
    job_run(job=job)


def _mine(job: Job) -> Any:
    """The job's row while it is still this worker's: every write goes through this fence."""
    return Job.objects.filter(pk=job.pk, worker=job.worker, status=Job.Status.RUNNING)


def job_progress(*, job: Job, text: str) -> None:
    """Record a step done (and renew the lease); JobLost if the job is no longer ours."""
    now = timezone.now()
    steps = [*job.steps, {"at": now.isoformat(), "text": text}]
    lease = now + timedelta(seconds=settings.JOBS_LEASE_SECONDS)
    if not _mine(job).update(steps=steps, lease_until=lease):
        raise JobLost(str(job.pk))
    job.steps = steps


def job_run(*, job: Job) -> Job:
    """Make the claimed (running) job's document, recording each step, then store the file or the
    error. Writes only while the job is still this worker's; returns the job as stored."""
    from fordela.cycle.selectors import cycle_data

    # Documents are published in Swedish (sv-SE in every file) whatever language the person who
    # queued one uses; with jobs made in the request (tests) the page's language must not leak in.
    with _ONE_AT_A_TIME, translation.override(settings.LANGUAGE_CODE):
        kind = KINDS[job.kind]
        try:
            data = cycle_data(job.cycle_code)
            filename = kind.filename(data, job.params)
            with tempfile.TemporaryDirectory(prefix="fordela-job-") as directory:
                path = Path(directory) / filename
                kind.write(data, job.params, path, lambda text: job_progress(job=job, text=text))
                job_progress(job=job, text=f"sparar {filename}")
                content = path.read_bytes()
        except JobLost:
            log.warning("job taken over by another worker", extra={"job": str(job.pk)})
            job.refresh_from_db()
            return job
        except Exception as error:  # any failure is the job's, shown to its owner
            log.exception("job %s failed", job.pk)
            _mine(job).update(
                status=Job.Status.FAILED,
                finished_at=timezone.now(),
                lease_until=None,
                error=str(error) or type(error).__name__,
            )
            job.refresh_from_db()
            return job
        _mine(job).update(
            status=Job.Status.DONE,
            finished_at=timezone.now(),
            lease_until=None,
            filename=filename,
            content_type=kind.content_type,
            content=content,
        )
        job.refresh_from_db()
        return job
