"""Sessions end after the idle limit; the expiry moves with use, written at most once a minute."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from fordela.web.middleware import IdleSessionMiddleware

pytestmark = pytest.mark.django_db


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_expiry_moves_at_most_once_a_minute(client, django_user_model, monkeypatch, settings):
    user = django_user_model.objects.create_user("idle", password="a-long-test-password")
    client.force_login(user)
    clock = [1_800_000_000.0]
    monkeypatch.setattr("fordela.web.middleware.time.time", lambda: clock[0])

    client.get("/tillganglighet/")
    first = _expiry(client)
    clock[0] += 30
    response = client.get("/tillganglighet/")
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # nothing written within the minute
    assert _expiry(client) == first
    clock[0] += IdleSessionMiddleware.REFRESH_SECONDS
    response = client.get("/tillganglighet/")
    assert settings.SESSION_COOKIE_NAME in response.cookies  # the cookie's max-age moves too
    assert _expiry(client) > first


def test_an_anonymous_visit_makes_no_session(client):
    client.get("/tillganglighet/")
    assert not Session.objects.exists()
