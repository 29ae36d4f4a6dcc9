"""A page of a large cycle renders only what it shows: organisation × service tables come a page
of rows at a time (with the whole table as a CSV download), however many organisations there are.

Counts rows, never time: the demo enlarged three times (`bench/scale.py`, 78 organisations) is
imported and its longest tables are read back from the HTML.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from fordela.accounts.services import demo_accounts_create
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_import
from fordela.package.reader import read_package
from fordela.web.tables import PAGE_ROWS
from tests.scale.test_linear import _scale_module

CYCLE = "goteborg-2026-x3"


@pytest.fixture
def client_for(tmp_path, settings):
    settings.FORDELA_CACHE = False
    data = read_package(_scale_module().scale_package(3, tmp_path / "x3"))
    cycle_import(data=data)
    demo_accounts_create()

    def client(username: str) -> Client:
        c = Client()
        c.force_login(get_user_model().objects.get(username=username))
        return c

    return client


def _table(html: str, marker: str) -> str:
    """The <table> that follows `marker` in `html`."""
    start = html.index(marker)
    return html[start : html.index("</table>", start)]


def _body_rows(table: str) -> int:
    return table.split("<tbody>", 1)[1].count("<tr")


@pytest.mark.django_db
def test_the_organisation_chooser_shows_one_page_of_every_organisation(client_for) -> None:
    bob = client_for("bob")
    organisations = len(cycle_data(CYCLE).organisations)
    assert organisations > PAGE_ROWS
    seen = 0
    for page in (1, 2):
        html = bob.get(f"/c/{CYCLE}/organisation/?organisations-page={page}").content.decode()
        rows = _body_rows(_table(html, 'id="organisations"'))
        assert rows <= PAGE_ROWS
        seen += rows
        assert re.search(r'<nav class="pager" aria-label="[^"]+">', html)
    assert seen == organisations
    for hostile in ("0", "3", "-1", "1.5", "abc", "٢", "9" * 40):
        assert bob.get(f"/c/{CYCLE}/organisation/?organisations-page={hostile}").status_code == 404, hostile


@pytest.mark.django_db
def test_the_scenario_shows_a_page_of_organisations_and_downloads_them_all(client_for) -> None:
    bob = client_for("bob")
    path = f"/c/{CYCLE}/scenarier/utan-nya-insatser/"
    html = bob.get(path).content.decode()
    table = _table(html, 'id="results-organisations"')
    # one page of organisations and the sum under it
    assert _body_rows(table) == PAGE_ROWS + 1
    assert 'class="sum"' in table
    response = bob.get(path + "?download=organisations")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    second = _table(bob.get(path + "?organisations-page=2").content.decode(), 'id="results-organisations"')
    # every organisation of both pages, each page with the sum; the download has a header too
    assert (PAGE_ROWS + _body_rows(second) - 1) == len(rows) - 2 > PAGE_ROWS
    assert rows[-1][1] == "Summa alla organisationer"
    assert bob.get(path + "?download=everything").status_code == 404


@pytest.mark.django_db
def test_the_invoicing_totals_come_a_page_at_a_time(client_for) -> None:
    dana = client_for("dana")
    html = dana.get(f"/c/{CYCLE}/fakturering/").content.decode()
    assert "totals-page=2" in html
    second = dana.get(f"/c/{CYCLE}/fakturering/?totals-page=2")
    assert second.status_code == 200
    assert dana.get(f"/c/{CYCLE}/fakturering/?totals-page=99").status_code == 404
