"""Pages render for every persona, and nothing is reachable without a login."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.conftest import CYCLE, PERSONAS

OPEN = {"login", "health", "accessibility", "set_language", "oidc_authentication_init", "oidc_authentication_callback"}
OPEN |= {"opendata_index", "opendata", "opendata_file"}  # open data is for anyone (tests/web/test_public.py)


def _patterns(resolver: URLResolver, prefix: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield p, prefix + str(p.pattern)


def _example(route: str) -> str:
    values = {
        "cycle": CYCLE,
        "service": "office365",
        "proposal": "is-hr-chatbot",
        "organisation": "grundskola",
        "scenario": "preparation",
        "supplier": "intraservice",
        "thread": "1",
        "stage": "preparation",
        "year": "2026",
        "pk": "1",
        "id": "1",
    }
    import re

    def fill(match):
        return values.get(match.group(2), "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def test_every_url_except_the_open_ones_requires_login(demo_db):
    client = Client()
    checked = 0
    for pattern, route in _patterns(get_resolver()):
        url = _example(route)
        if pattern.name in OPEN:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302 and "/login/" in response["Location"], (
                method,
                url,
                response.status_code,
            )
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("name", ["health", "accessibility", "login"])
def test_open_pages(client, name, db):
    from django.urls import reverse

    from fordela.jobs.queue import heartbeat

    heartbeat(worker="test-worker")  # /health/ also wants a job worker
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_start_and_catalogue_render_for_everyone(as_user, persona):
    client = as_user(persona)
    start = client.get(f"/c/{CYCLE}/")
    assert start.status_code == 200
    text = start.content.decode()
    assert "1\u00a0136\u00a0000\u00a0000" in text  # the Intraservice management frame
    assert client.get(f"/c/{CYCLE}/tjanster/?supplier=dms").status_code == 200
    service = client.get(f"/c/{CYCLE}/tjanster/kontaktcenter/?year=2025")
    assert service.status_code == 200
    assert "Kostnadshistorik" in service.content.decode()


def test_home_redirects_to_the_cycle(as_user):
    response = as_user("bob").get("/")
    assert response.status_code == 302 and response["Location"] == f"/c/{CYCLE}/"


def test_login_and_failed_login_are_audited(demo_db):
    from fordela.accounts.models import AuditEvent
    from fordela.accounts.services import DEMO_PASSWORD

    client = Client()
    client.post("/login/", {"username": "bob", "password": "wrong"})
    response = client.post("/login/", {"username": "bob", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    kinds = list(AuditEvent.objects.order_by("at", "id").values_list("kind", "username"))
    assert kinds == [("login_failed", "bob"), ("login", "bob")]


def test_session_rotates_at_login(demo_db):
    from fordela.accounts.services import DEMO_PASSWORD

    client = Client()
    client.get("/login/")
    before = client.session.session_key
    client.post("/login/", {"username": "bob", "password": DEMO_PASSWORD})
    assert client.session.session_key != before
