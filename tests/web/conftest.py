"""Web test fixtures: the demo cycle in the database and one logged-in client per persona.

Personas (fordela.accounts.services.DEMO_ACCOUNTS): alice edits Intraservice's annual analysis,
fatima edits DMS', bob coordinates, charlie views Grundskoleförvaltningen, gustav views
Förskoleförvaltningen, dana is finance, erik is admin.
"""

from __future__ import annotations

import pytest
from django.test import Client

from fordela.accounts.services import demo_accounts_create
from fordela.cycle.services import cycle_import

CYCLE = "goteborg-2026"
PERSONAS = ("alice", "fatima", "bob", "charlie", "gustav", "dana", "erik")


@pytest.fixture
def demo_db(db, demo):
    cycle_import(data=demo)
    demo_accounts_create()
    return demo


def _client(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def as_user(demo_db):
    """as_user("bob") → a Client logged in as bob."""
    return _client
