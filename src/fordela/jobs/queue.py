"""The job queue in the database, as `fordela worker` works it.

Why not a library: the `Job` row already carries what the web shows (progress steps, the file),
and django-tasks' database backend leaves a task "running" for ever when its worker dies
(django-tasks issue #46, open). Here the queue is the job table itself:

- a worker *claims* the oldest queued job with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL) and a
  conditional UPDATE … WHERE status = 'queued' (any database): two workers never get the same row;
- while it works it renews the job's *lease* (`lease_until`); every write it makes is fenced by
  `worker = <its name> AND status = 'running'`, so a worker that lost its job writes nothing;
- any worker *reclaims* jobs whose lease ran out (their worker was killed): queued again, or
  failed with the reason after `JOBS_MAX_ATTEMPTS` starts;
- each worker records a heartbeat, which /health/ reads.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fordela.jobs.models import Job, WorkerHeartbeat

log = logging.getLogger(__name__)
# A worker not seen for this long is down (it polls every second or two).
WORKER_SEEN_WITHIN = timedelta(seconds=30)
DATABASE_RETRY_SECONDS = 5


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _lease() -> timedelta:
    return timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def jobs_reclaim() -> tuple[int, int]:
    """Jobs whose worker died (lease ran out): queued again, or failed after the last attempt.

    Each is one conditional UPDATE, so several workers reclaiming at once change each row once.
    Returns (queued again, failed).
    """
    now = timezone.now()
    expired = Job.objects.filter(status=Job.Status.RUNNING, lease_until__lt=now)
    maximum = settings.JOBS_MAX_ATTEMPTS
    failed = expired.filter(attempts__gte=maximum).update(
        status=Job.Status.FAILED,
        finished_at=now,
        lease_until=None,
        error=_("The worker making this document stopped; tried %(attempts)s times. Please ask again.")
        % {"attempts": maximum},
    )
    requeued = expired.filter(attempts__lt=maximum).update(
        status=Job.Status.QUEUED, steps=[], worker="", lease_until=None, started_at=None
    )
    if failed or requeued:
        log.warning("reclaimed jobs of stopped workers", extra={"requeued": requeued, "failed": failed})
    return requeued, failed


def job_claim(*, worker: str) -> Job | None:
    """The oldest queued job, now running for `worker`; None when the queue is empty."""
    now = timezone.now()
    with transaction.atomic():
        # SKIP LOCKED: another worker's candidate is passed over, not waited for (no-op on SQLite,
        # which serialises writers; the conditional UPDATE below decides there).
        pk = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=Job.Status.QUEUED)
            .order_by("created_at")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return None
        claimed = Job.objects.filter(pk=pk, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING,
            worker=worker,
            lease_until=now + _lease(),
            attempts=F("attempts") + 1,
            started_at=now,
        )
    return Job.objects.get(pk=pk) if claimed else None


def heartbeat(*, worker: str) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name=worker, defaults={"seen_at": now})


def workers_alive() -> bool:
    return WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - WORKER_SEEN_WITHIN).exists()


@contextmanager
def lease_kept(job: Job) -> Iterator[None]:
    """Renew `job`'s lease from a side thread while the body works (a step may take minutes)."""
    done = threading.Event()

    def renew() -> None:
        try:
            while not done.wait(settings.JOBS_LEASE_SECONDS / 3):
                Job.objects.filter(pk=job.pk, worker=job.worker, status=Job.Status.RUNNING).update(
                    lease_until=timezone.now() + _lease()
                )
        finally:
            connections.close_all()  # this thread's connection only

    thread = threading.Thread(target=renew, name=f"lease-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def worker_run(*, worker: str, stop: threading.Event, poll: float = 1.0, burst: bool = False) -> int:
    """Run jobs until `stop` is set (or, with `burst`, until the queue is empty). Returns jobs run.

    A stop request lets the current job finish. The job's database connection is closed after
    each job, so an idle worker holds at most one connection.
    """
    from fordela.jobs.services import job_run

    ran = 0
    log.info("worker started", extra={"worker": worker})
    try:
        while not stop.is_set():
            try:
                close_old_connections()  # drops a broken or expired connection before it is used
                heartbeat(worker=worker)
                jobs_reclaim()
                job = job_claim(worker=worker)
            except DatabaseError:
                # The database is away (restart, failover): wait and try again rather than exit.
                log.exception("worker cannot reach the database; retrying", extra={"worker": worker})
                connections.close_all()
                stop.wait(DATABASE_RETRY_SECONDS)
                continue
            if job is None:
                if burst:
                    break
                stop.wait(poll)
                continue
            log.info("job started", extra={"job": str(job.pk), "kind": job.kind, "attempt": job.attempts})
            with lease_kept(job):
                job = job_run(job=job)
            log.info("job finished", extra={"job": str(job.pk), "status": job.status})
            ran += 1
            connections.close_all()
    finally:
        with suppress(DatabaseError):  # if the database is away, the heartbeat simply ages out
            WorkerHeartbeat.objects.filter(name=worker).delete()
        connections.close_all()
        log.info("worker stopped", extra={"worker": worker, "jobs": ran})
    return ran
