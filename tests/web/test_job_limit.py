"""One user cannot fill the document queue (settings.JOBS_PER_USER)."""

from __future__ import annotations

from fordela.jobs.models import Job
from tests.web.conftest import CYCLE


def test_the_web_refuses_more_documents_than_the_limit(as_user, settings):
    settings.JOBS_PER_USER = 1
    bob = as_user("bob")
    start = f"/c/{CYCLE}/dokument/skapa/"
    assert bob.post(start, {"kind": "workbook"}).status_code == 302
    refused = bob.post(start, {"kind": "workbook"})
    assert refused.status_code == 429 and "dokument under arbete" in refused.content.decode()
    assert Job.objects.count() == 1
