"""The job queue in the database: claims, leases, reclaiming a dead worker's job, per-user limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fordela.jobs.models import Job, WorkerHeartbeat
from fordela.jobs.queue import job_claim, jobs_reclaim, workers_alive
from fordela.jobs.services import JobLimitError, JobLost, job_create, job_progress, job_run

CYCLE = "goteborg-2026"


@pytest.fixture
def cycle(db, demo):
    from fordela.cycle.services import cycle_import

    cycle_import(data=demo)


def _queued(n: int = 1) -> list[Job]:
    return [job_create(cycle=CYCLE, kind="workbook", params={}, by=None) for _ in range(n)]


def test_claims_take_the_oldest_job_once(cycle):
    first, second = _queued(2)
    a = job_claim(worker="a")
    b = job_claim(worker="b")
    assert (a.pk, b.pk) == (first.pk, second.pk)
    assert job_claim(worker="c") is None
    assert {j.status for j in Job.objects.all()} == {Job.Status.RUNNING}
    assert a.attempts == 1 and a.worker == "a" and a.lease_until > timezone.now()


def test_a_job_whose_worker_died_is_queued_again_then_failed_with_the_reason(cycle, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    (job,) = _queued()
    claimed = job_claim(worker="dead-1")
    job_progress(job=claimed, text="halvvägs")
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert jobs_reclaim() == (1, 0)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.steps == [] and job.worker == ""

    again = job_claim(worker="dead-2")
    assert again.attempts == 2
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert jobs_reclaim() == (0, 1)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert "stannade" in job.error and "2" in job.error  # the reason, in Swedish


def test_a_worker_that_lost_its_job_writes_nothing(cycle):
    (job,) = _queued()
    mine = job_claim(worker="slow")
    # Its lease ran out and another worker took the job over.
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    jobs_reclaim()
    theirs = job_claim(worker="fast")
    with pytest.raises(JobLost):
        job_progress(job=mine, text="för sent")
    job_run(job=mine)  # finishes its work but cannot store it
    job.refresh_from_db()
    assert job.worker == "fast" and job.status == Job.Status.RUNNING and job.content is None
    assert job_run(job=theirs).status == Job.Status.DONE


def test_a_running_job_with_its_lease_kept_is_not_reclaimed(cycle):
    _queued()
    job_claim(worker="alive")
    assert jobs_reclaim() == (0, 0)


def test_each_user_has_a_limited_number_of_unfinished_jobs(cycle, settings):
    from django.contrib.auth import get_user_model

    settings.JOBS_PER_USER = 2
    user = get_user_model().objects.create(username="many")
    for _ in range(2):
        job_create(cycle=CYCLE, kind="workbook", params={}, by=user)
    with pytest.raises(JobLimitError):
        job_create(cycle=CYCLE, kind="workbook", params={}, by=user)
    Job.objects.filter(created_by=user).update(status=Job.Status.DONE)
    job_create(cycle=CYCLE, kind="workbook", params={}, by=user)


def test_health_needs_the_database_and_a_recent_worker(client, db):
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["worker"] == "down"
    WorkerHeartbeat.objects.create(name="w:1", seen_at=timezone.now() - timedelta(minutes=5))
    assert not workers_alive() and client.get("/health/").status_code == 503
    WorkerHeartbeat.objects.create(name="w:2")
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"database": "ok", "worker": "ok", "status": "ok"}


def test_health_is_503_when_the_database_is_down(client, db, monkeypatch):
    from django.db import DatabaseError, connection

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patched:  # undone before the test database is cleaned up
        patched.setattr(connection, "cursor", broken)
        response = client.get("/health/")
    assert response.status_code == 503 and response.json()["database"] == "down"


def test_only_a_job_no_worker_took_up_goes_stale(cycle):
    _queued(2)
    Job.objects.update(created_at=timezone.now() - timedelta(hours=1))
    job_claim(worker="busy")
    queued = Job.objects.get(status=Job.Status.QUEUED)
    running = Job.objects.get(status=Job.Status.RUNNING)
    assert queued.stale and not running.stale  # a running job is guarded by its lease instead


def test_a_worker_waits_out_a_database_outage(transactional_db, demo, monkeypatch):
    # Transactional: the worker's lease thread has its own connection and must see the job
    # committed (inside a test transaction its UPDATE would wait on the test's row lock).
    import threading

    from fordela.cycle.services import cycle_import
    from fordela.jobs import queue

    cycle_import(data=demo)
    calls = {"n": 0}
    real = queue.job_claim

    def flaky(*, worker):
        calls["n"] += 1
        if calls["n"] == 1:
            from django.db import OperationalError

            raise OperationalError("server closed the connection unexpectedly")
        return real(worker=worker)

    monkeypatch.setattr(queue, "job_claim", flaky)
    monkeypatch.setattr(queue, "DATABASE_RETRY_SECONDS", 0)
    monkeypatch.setattr(queue.connections, "close_all", lambda: None)  # the test's own connection stays
    _queued()
    ran = queue.worker_run(worker="patient", stop=threading.Event(), burst=True)
    assert ran == 1 and calls["n"] == 3  # failed, claimed the job, found the queue empty
    assert Job.objects.get().status == Job.Status.DONE
