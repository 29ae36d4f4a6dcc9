"""What /health/ reports: the database answers, and a job worker has been seen lately."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection

log = logging.getLogger(__name__)


def health_status() -> tuple[dict[str, str], bool]:
    """({"database": …, "worker": …, "status": …}, healthy). With JOBS_SYNC no worker is needed."""
    from fordela.jobs.queue import workers_alive

    report = {"database": "ok", "worker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if settings.JOBS_SYNC:
            report["worker"] = "not needed"
        elif not workers_alive():
            report["worker"] = "down"
    except DatabaseError as error:
        log.error("health: database unreachable", extra={"error": str(error)})
        report["database"] = report["worker"] = "down"
    ok = report["database"] == "ok" and report["worker"] != "down"
    report["status"] = "ok" if ok else "down"
    return report, ok
