"""Workers as real processes against one PostgreSQL: a killed worker's job is finished or failed
with a reason on restart, and two workers (behind two `fordela serve`) never run one job twice.

PostgreSQL only: the processes share the test database, which on SQLite lives in memory.
"""

from __future__ import annotations

import signal

import pytest
from django.db import connection

from fordela.jobs.models import Job
from tests.ops.processes import Browser, environment, free_port, request, start, stop, wait_for

CYCLE = "goteborg-2026"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_db(transactional_db, demo):
    if connection.vendor != "postgresql":
        pytest.skip("processes share the test database only on PostgreSQL (DATABASE_URL)")
    from fordela.cycle.services import cycle_import

    cycle_import(data=demo)
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return environment(DATABASE_URL=url, FORDELA_LOCAL="1", FORDELA_JOBS_LEASE_SECONDS="2")


def _job(kind: str = "deck") -> Job:
    from fordela.jobs.services import job_create

    return job_create(cycle=CYCLE, kind=kind, params={}, by=None)


def _kill_while_running(job: Job, env: dict[str, str], log) -> None:
    worker = start("worker", "--poll", "0.2", env=env, log=log)
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.RUNNING, what="the job to start")
    finally:
        stop(worker, signal.SIGKILL)  # no chance to clean up: as a crash or an OOM kill


def test_a_killed_workers_job_is_finished_by_the_next_worker(shared_db, tmp_path):
    job = _job()
    _kill_while_running(job, shared_db, tmp_path / "first.log")
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempts == 1  # what the crash left behind

    worker = start("worker", "--poll", "0.2", env=shared_db, log=tmp_path / "second.log")
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).finished, timeout=120, what="the job to finish")
    finally:
        stop(worker)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2, job.error
    assert job.content and job.filename.endswith(".pptx")
    assert not Job.objects.filter(status=Job.Status.RUNNING).exists()


def test_a_job_whose_worker_dies_every_time_fails_with_the_reason(shared_db, tmp_path):
    env = shared_db | {"FORDELA_JOBS_MAX_ATTEMPTS": "1"}
    job = _job()
    _kill_while_running(job, env, tmp_path / "first.log")
    worker = start("worker", "--poll", "0.2", env=env, log=tmp_path / "second.log")
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).finished, timeout=60, what="the job to be failed")
    finally:
        stop(worker)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "stannade" in job.error
    assert not Job.objects.filter(status=Job.Status.RUNNING).exists()


def test_two_servers_and_two_workers_never_run_a_job_twice(shared_db, tmp_path):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from fordela.accounts.models import Profile, Role

    password = "a-test-password-1234"
    # Hashed as the servers' settings expect (the test settings' MD5 hasher is not theirs).
    hashed = PBKDF2PasswordHasher().encode(password, "testsalt1234", iterations=1000)
    for name in ("ann", "ben", "cid"):
        user = get_user_model().objects.create(username=name, password=hashed)
        Profile.objects.create(user=user, role=Role.COORDINATOR)
    ports = [free_port(), free_port()]
    processes = [
        start(
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            env=shared_db,
            log=tmp_path / f"serve-{port}.log",
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_for(lambda port=port: request(port, "GET", "/login/")[0] == 200, what=f"serve on {port}")
        # Six documents asked for through both servers, before any worker runs.
        for name in ("ann", "ben", "cid"):
            for port in ports:
                browser = Browser(port, https=False)
                assert browser.login(name, password)[0] == 302
                status, _, body = browser.post(f"/c/{CYCLE}/dokument/skapa/", {"kind": "workbook"})
                assert status == 302, body[:500]
        assert Job.objects.filter(status=Job.Status.QUEUED).count() == 6
        workers = [
            start("worker", "--poll", "0.1", "--name", f"w{i}", env=shared_db, log=tmp_path / f"worker-{i}.log")
            for i in (1, 2)
        ]
        processes += workers
        wait_for(lambda: Job.objects.filter(status=Job.Status.DONE).count() == 6, timeout=180, what="all jobs done")
    finally:
        for process in processes:
            stop(process)
    jobs = list(Job.objects.all())
    assert all(j.attempts == 1 for j in jobs), [(j.pk, j.attempts) for j in jobs]
    started = [
        line
        for i in (1, 2)
        for line in (tmp_path / f"worker-{i}.log").read_text().splitlines()
        if '"job started"' in line
    ]
    assert len(started) == 6 and len({line.split('"job": "')[1][:36] for line in started}) == 6
