"""A page's number of SQL queries does not grow with the size of the cycle (no N+1 queries).

The demo cycle and the same cycle enlarged four times (`bench/scale.py`: four times the
organisations and services, sixteen times the participation) are imported side by side; every
heavy page must ask the database the same number of questions for both. The large tables of the
enlarged cycle go in with COPY on PostgreSQL: the cycle read back must equal the package.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fordela.accounts.services import demo_accounts_create
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_import
from fordela.package.reader import read_package
from tests.scale.test_linear import _scale_module

PAGES = [
    ("bob", "/c/{cycle}/"),
    ("bob", "/c/{cycle}/scenarier/utan-nya-insatser/"),
    ("bob", "/c/{cycle}/brygga/"),
    ("bob", "/c/{cycle}/organisation/"),
    ("charlie", "/c/{cycle}/organisation/grundskola/"),
    ("charlie", "/c/{cycle}/nyckelsimulator/?service=demokrati&key=k-employees"),
    ("bob", "/c/{cycle}/tjanster/it-arbetsplats/"),
    ("dana", "/c/{cycle}/fakturering/"),
    ("dana", "/c/{cycle}/oppna-data/"),
    # every page whose tables grow with the cycle, and the downloads of their whole tables
    ("bob", "/c/{cycle}/tjanster/"),
    ("bob", "/c/{cycle}/jamfor-scenarier/"),
    ("bob", "/c/{cycle}/forslag/"),
    ("bob", "/c/{cycle}/katalog/"),
    ("charlie", "/c/{cycle}/prognos/"),
    ("dana", "/c/{cycle}/utfall/"),
    ("bob", "/c/{cycle}/organisation/grundskola/"),
    ("bob", "/c/{cycle}/scenarier/utan-nya-insatser/?download=organisations"),
    ("dana", "/c/{cycle}/fakturering/?download=totals"),
    ("dana", "/c/{cycle}/fakturering/export/"),
]


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_the_cycle(tmp_path, settings, monkeypatch) -> None:
    from django.contrib.auth import get_user_model

    from fordela.web.middleware import IdleSessionMiddleware

    # The session's idle expiry is written on a client's first request, then not again in this test.
    monkeypatch.setattr(IdleSessionMiddleware, "REFRESH_SECONDS", 10**9)
    settings.FORDELA_CACHE = False  # count the queries of a page computed from scratch
    scale = _scale_module()
    for n in (1, 4):
        data = read_package(scale.scale_package(n, tmp_path / f"x{n}"))
        cycle_import(data=data)
        assert cycle_data(data.cycle.code) == data
    demo_accounts_create()
    clients = {}
    for username in {u for u, _ in PAGES}:
        clients[username] = Client()
        clients[username].force_login(get_user_model().objects.get(username=username))
        clients[username].get("/tillganglighet/")
    for username, path in PAGES:
        counts = []
        for cycle in ("goteborg-2026", "goteborg-2026-x4"):
            with CaptureQueriesContext(connection) as queries:
                response = clients[username].get(path.format(cycle=cycle))
            assert response.status_code == 200, (path, cycle)
            counts.append(len(queries))
        assert counts[0] == counts[1], (path, counts)
