"""Running a document job: create it, start it after the request commits, report progress.

A job runs in a thread of the web process, started by `transaction.on_commit` so that it sees
the committed job row. With `settings.JOBS_SYNC` (tests) it runs at once in the caller. One job
runs at a time per process: documents are CPU-bound (WeasyPrint, vl-convert).
"""

from __future__ import annotations

import logging
import tempfile
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from fordela.jobs.kinds import KINDS
from fordela.jobs.models import Job

log = logging.getLogger(__name__)
_ONE_AT_A_TIME = threading.Lock()
KEEP = timedelta(days=7)  # finished jobs and their files are removed after this


class JobError(ValueError):
    """A job that cannot be made (unknown kind)."""


def job_create(*, cycle: str, kind: str, params: dict[str, Any], by: Any) -> Job:
    """A queued job for `by`. The caller has checked that `by` may have this document."""
    from fordela.cycle.selectors import cycle_data

    if kind not in KINDS:
        raise JobError(f"unknown document kind '{kind}'")
    Job.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    steps = KINDS[kind].steps(cycle_data(cycle), params)
    # + 1: the step that stores the file
    return Job.objects.create(cycle_code=cycle, kind=kind, params=params, created_by=by, expected_steps=steps + 1)


def job_start(*, job: Job) -> None:
    """Run `job` in the background once the current transaction commits (at once with JOBS_SYNC)."""
    if getattr(settings, "JOBS_SYNC", False):
        job_run(job=job)
        return
    job_id = job.pk

    def start() -> None:
        threading.Thread(target=_run_in_thread, args=(job_id,), name=f"job-{job_id}", daemon=True).start()

    transaction.on_commit(start)


def _run_in_thread(job_id: Any) -> None:
    try:
        job_run(job=Job.objects.get(pk=job_id))
    finally:
        connections.close_all()  # this thread's connections only


def job_progress(*, job: Job, text: str) -> None:
    """Record a step done; the first one marks the job running."""
    now = timezone.now()
    job.steps = [*job.steps, {"at": now.isoformat(), "text": text}]
    fields = ["steps"]
    if job.status == Job.Status.QUEUED:
        job.status, job.started_at = Job.Status.RUNNING, now
        fields += ["status", "started_at"]
    job.save(update_fields=fields)


def job_run(*, job: Job) -> Job:
    """Make the job's document, recording each step, then store the file (or the error)."""
    from fordela.cycle.selectors import cycle_data

    with _ONE_AT_A_TIME:
        kind = KINDS[job.kind]
        try:
            data = cycle_data(job.cycle_code)
            filename = kind.filename(data, job.params)
            with tempfile.TemporaryDirectory(prefix="fordela-job-") as directory:
                path = Path(directory) / filename
                kind.write(data, job.params, path, lambda text: job_progress(job=job, text=text))
                job_progress(job=job, text=f"sparar {filename}")
                content = path.read_bytes()
        except Exception as error:  # any failure is the job's, shown to its owner
            log.exception("job %s failed", job.pk)
            job.status, job.finished_at = Job.Status.FAILED, timezone.now()
            job.error = str(error) or type(error).__name__
            job.save(update_fields=["status", "error", "finished_at"])
            return job
        job.status, job.finished_at = Job.Status.DONE, timezone.now()
        job.filename, job.content_type, job.content = filename, kind.content_type, content
        job.save(update_fields=["status", "finished_at", "filename", "content_type", "content"])
        return job
