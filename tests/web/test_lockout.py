"""Repeated wrong passwords lock the user name and the address out (django-axes), audited."""

from __future__ import annotations

import pytest
from django.test import Client

from fordela.accounts.models import AuditEvent
from fordela.accounts.services import DEMO_PASSWORD


def _login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_account_then_the_right_one_is_refused(demo_db, settings):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, "bob", "wrong-password").status_code == 200  # the form again, with its error
    locked = _login(client, "bob", "wrong-password")
    assert locked.status_code == 429
    assert "Inloggningen är spärrad" in locked.content.decode()
    # Even the right password does not get in now, from this address or another one.
    assert _login(client, "bob", DEMO_PASSWORD).status_code == 429
    assert _login(Client(), "bob", DEMO_PASSWORD, address="10.9.9.9").status_code == 429
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, username="bob").count() >= limit
    # One event per refused attempt; the first names the address that caused it.
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKED_OUT, username="bob").order_by("at", "pk").first()
    assert event is not None and event.object == "address 10.0.0.1" and event.path == "/login/"
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, username="bob").exists()


def test_an_address_that_tries_many_accounts_is_locked_out(demo_db, settings):
    client = Client()
    names = ["alice", "fatima", "charlie", "gustav", "dana", "erik"]
    statuses = [_login(client, name, "wrong-password", address="10.0.0.2").status_code for name in names]
    assert statuses[settings.AXES_FAILURE_LIMIT - 1] == 429
    # dana's account is not locked from elsewhere: the lock was the address's.
    assert _login(Client(), "dana", DEMO_PASSWORD, address="10.0.0.3").status_code == 302


@pytest.mark.parametrize("failures", [2])
def test_a_successful_login_resets_the_count(demo_db, settings, failures):
    client = Client()
    for _ in range(failures):
        _login(client, "dana", "wrong-password", address="10.0.0.4")
    assert _login(client, "dana", DEMO_PASSWORD, address="10.0.0.4").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(Client(), "dana", "wrong-password", address="10.0.0.4").status_code == 200
