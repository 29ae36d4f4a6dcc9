"""Open data is for anyone; only its views are marked login_not_required (tests/web/test_pages.py walks
the URLconf for the rest)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

CYCLE = "goteborg-2026"
# The only views marked login_not_required; a new one must be added here on purpose.
PUBLIC = {"health", "accessibility", "login", "set_language", "opendata_index", "opendata", "opendata_file"}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            assert isinstance(entry, URLPattern)
            yield prefix + str(entry.pattern), entry


def test_only_the_public_views_are_marked_login_not_required():
    marked = {p.name for _, p in _patterns(get_resolver()) if getattr(p.callback, "login_required", True) is False}
    assert marked == PUBLIC


@pytest.mark.django_db
def test_anonymous_visitor_downloads_the_open_data_and_sees_its_page(demo_db):
    client = Client()
    index = client.get("/oppna-data/").content.decode()
    assert f'href="/c/{CYCLE}/oppna-data/"' in index
    login = client.get("/login/").content.decode()
    assert 'href="/oppna-data/"' in login
    page = client.get(f"/c/{CYCLE}/oppna-data/")
    assert page.status_code == 200 and "kostnadsfordelning.csv" in page.content.decode()
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/c/{CYCLE}/oppna-data/oppna-data.zip").content))
    assert len(archive.namelist()) == 7
    frames = json.loads(archive.read("ekonomiska-ramar.json"))["rows"]
    text = json.dumps(frames)
    # decided (coordination group): Intraservice management 1 136,0 mkr; the proposal 1 137,4 must not leak
    assert "1136000000.00" in text and "1137400000.00" not in text
    assert client.get(f"/c/{CYCLE}/oppna-data/secret.txt").status_code == 404
    assert client.get("/c/no-such-cycle/oppna-data/").status_code == 404


@pytest.mark.django_db
def test_drafts_and_undecided_proposals_stay_out_of_the_open_data(demo_db):
    from fordela.cycle.models import Proposal

    # A submitted proposal without any review, and the same as a draft: neither is decided.
    source = Proposal.objects.get(code="is-ny-automatisering")
    amounts = list(source.amounts.all())
    for code, status in (("undecided-x", "submitted"), ("draft-x", "draft")):
        copy = Proposal.objects.get(pk=source.pk)
        copy.pk, copy.code, copy.status = None, code, status
        copy.save()
        for amount in amounts:
            amount.pk, amount.proposal, amount.amount = None, copy, 987_654_321
            amount.save()
    client = Client()
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/c/{CYCLE}/oppna-data/oppna-data.zip").content))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "9876543.21" not in everything and "undecided-x" not in everything and "draft-x" not in everything
