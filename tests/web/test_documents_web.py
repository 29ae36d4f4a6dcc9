"""Documents made in the background from the web, their progress and downloads; open data.

Every download is opened again with its library and carries a reference figure (PRODUCT.md).
Jobs run synchronously here (settings.JOBS_SYNC), except where the test follows a job through
queued → running → done itself.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from fordela.engine.money import NBSP
from fordela.jobs.models import Job
from tests.web.conftest import CYCLE

START = f"/c/{CYCLE}/dokument/skapa/"


@pytest.fixture
def sync(settings):
    settings.JOBS_SYNC = True


def _make(client, **post) -> Job:
    response = client.post(START, post)
    assert response.status_code == 302, response.content[:500]
    job = Job.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert job.status == Job.Status.DONE, job.error
    return job


def _download(client, job: Job) -> bytes:
    response = client.get(f"/c/{CYCLE}/dokument/jobb/{job.pk}/hamta/")
    assert response.status_code == 200
    assert job.filename in response["Content-Disposition"]
    return b"".join(response) if response.streaming else response.content


def test_deck_from_the_web_carries_the_bridge(as_user, sync):
    from pptx import Presentation

    bob = as_user("bob")
    job = _make(bob, kind="deck", scenario="proposed", stage="preparation")
    assert job.filename == "samordningsgrupp-2026.pptx"
    assert [s["text"] for s in job.steps][-1] == "sparar samordningsgrupp-2026.pptx"
    assert len(job.steps) == job.expected_steps == 5  # three suppliers, the frames, the file
    deck = Presentation(io.BytesIO(_download(bob, job)))
    cells = [
        cell.text
        for slide in deck.slides
        for s in slide.shapes
        if s.has_table
        for row in s.table.rows
        for cell in row.cells
    ]
    assert f"1{NBSP}183,6" in cells and f"1{NBSP}174,4" in cells  # TOTAL SUMMA, proposed and recommended


def test_pdf_with_own_bill_for_a_customer(as_user, sync):
    from pypdf import PdfReader

    charlie = as_user("charlie")
    job = _make(charlie, kind="pdf", supplier="intraservice", organisation="grundskola", year="2026")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(_download(charlie, job))).pages).replace(NBSP, " ")
    assert "Budgetbrygga Nämnden för Intraservice 2026" in text and "1 183,6" in text
    assert "Grundskoleförvaltningen: kostnader 2026" in text
    assert "1 136 000 000" in text  # the Intraservice management frame


def test_annual_analysis_and_workbook(as_user, sync):
    from docx import Document
    from openpyxl import load_workbook

    fatima = as_user("fatima")
    job = _make(fatima, kind="annual_analysis", supplier="dms")
    document = Document(io.BytesIO(_download(fatima, job)))
    assert f"är 86{NBSP}900{NBSP}000 kronor." in "\n".join(p.text for p in document.paragraphs)

    dana = as_user("dana")
    job = _make(dana, kind="workbook")
    book = load_workbook(io.BytesIO(_download(dana, job)))
    assert book.defined_names["fordela_header_rows"].attr_text == "2"
    frames = {row[0].value: row for row in book["organisations"].iter_rows(min_row=3)}
    assert "intraservice" in frames


def test_progress_goes_queued_running_done(as_user):
    from fordela.jobs.queue import job_claim
    from fordela.jobs.services import job_progress, job_run

    bob = as_user("bob")
    # Not synchronous: the job waits in the queue for a worker, played here step by step.
    response = bob.post(START, {"kind": "pdf", "supplier": "dms"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and job.steps == []
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html and f'max="{job.expected_steps}"' in html

    progress = f"/c/{CYCLE}/dokument/jobb/{job.pk}/status/"
    job = job_claim(worker="test-worker")
    assert job is not None and job.attempts == 1 and job.lease_until is not None
    job_progress(job=job, text="brygga och listor")
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.started_at is not None
    html = bob.get(progress).content.decode()
    assert "brygga och listor" in html and 'value="1"' in html and 'hx-trigger="every 1s"' in html

    job_run(job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.finished_at is not None
    assert [s["text"] for s in job.steps][1:] == [
        "brygga och listor för Nämnden för demokrati och medborgarservice",
        "ramar",
        f"sparar {job.filename}",
    ]
    html = bob.get(progress).content.decode()
    assert "hx-trigger" not in html  # polling stops
    assert f'value="{job.expected_steps}"' in html and f"/dokument/jobb/{job.pk}/hamta/" in html
    # The documents page lists it inside a polite live region.
    page = bob.get(f"/c/{CYCLE}/dokument/").content.decode()
    assert f'id="job-{job.pk}"' in page and 'aria-live="polite"' in page


def test_customers_cannot_get_other_organisations_or_everyones_documents(as_user, sync):
    from fordela.accounts.models import AuditEvent

    charlie = as_user("charlie")
    assert charlie.post(START, {"kind": "pdf", "organisation": "forskola"}).status_code == 404
    assert charlie.post(START, {"kind": "workbook"}).status_code == 403
    assert charlie.post(START, {"kind": "annual_analysis", "supplier": "dms"}).status_code == 403
    assert not Job.objects.exists()
    assert AuditEvent.objects.filter(kind="refused", username="charlie").count() == 3

    # Someone else's document: not even its existence is confirmed.
    gustav_job = _make(as_user("gustav"), kind="pdf", supplier="iu", organisation="forskola")
    for suffix in ("", "status/", "hamta/"):
        assert charlie.get(f"/c/{CYCLE}/dokument/jobb/{gustav_job.pk}/{suffix}").status_code == 404
    # A coordinator may fetch it; the owner too.
    assert as_user("bob").get(f"/c/{CYCLE}/dokument/jobb/{gustav_job.pk}/hamta/").status_code == 200
    assert charlie.get(f"/c/{CYCLE}/dokument/jobb/not-a-uuid/").status_code == 404


def test_invalid_choices_are_refused_next_to_the_field(as_user, sync):
    alice = as_user("alice")
    response = alice.post(START, {"kind": "annual_analysis", "supplier": "nobody"})
    assert response.status_code == 400
    assert 'id="analysis-supplier-error"' in response.content.decode()
    assert alice.post(START, {"kind": "deck", "scenario": "x"}).status_code == 400
    assert not Job.objects.exists()


def test_download_button_partial_posts_the_document(as_user, sync):
    from django.template import Context, Template
    from django.test import RequestFactory

    from fordela.web.views.common import cycle_view

    request = RequestFactory().get("/")
    html = Template(
        '{% include "web/documents/_download_button.html" with kind="pdf" organisation="grundskola" '
        'button_id="bill-pdf" label="PDF" %}'
    ).render(Context({"view": cycle_view(CYCLE), "request": request}))
    assert f'action="{START}"' in html and 'name="organisation" value="grundskola"' in html
    assert 'hx-target="#bill-pdf-progress"' in html and 'id="bill-pdf-progress"' in html


@pytest.mark.parametrize("persona", ["charlie", "alice", "dana"])
def test_documents_and_open_data_pages_render(as_user, persona):
    client = as_user(persona)
    page = client.get(f"/c/{CYCLE}/dokument/").content.decode()
    assert 'id="make-deck"' in page and 'id="make-pdf"' in page
    assert ('id="make-workbook"' in page) is (persona != "charlie")
    opendata = client.get(f"/c/{CYCLE}/oppna-data/")
    assert opendata.status_code == 200 and "kostnadsfordelning.csv" in opendata.content.decode()


def test_open_data_files(as_user):
    client = as_user("gustav")
    catalogue = json.loads(client.get(f"/c/{CYCLE}/oppna-data/catalog.jsonld").content)
    assert catalogue["@type"] == "dcat:Catalog"
    datasets = {d["@id"] for d in catalogue["dcat:dataset"]}
    assert datasets == {"#tjanstekatalog", "#ekonomiska-ramar", "#kostnadsfordelning"}
    frames = json.loads(client.get(f"/c/{CYCLE}/oppna-data/ekonomiska-ramar.json").content)["rows"]
    assert "1136000000.00" in json.dumps(frames)  # the Intraservice management frame, machine format
    csv = client.get(f"/c/{CYCLE}/oppna-data/kostnadsfordelning.csv")
    assert csv["Content-Type"].startswith("text/csv") and csv.content.decode().count("\n") > 1000
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/c/{CYCLE}/oppna-data/oppna-data.zip").content))
    assert "catalog.jsonld" in archive.namelist() and len(archive.namelist()) == 7
    assert client.get(f"/c/{CYCLE}/oppna-data/secret.txt").status_code == 404
