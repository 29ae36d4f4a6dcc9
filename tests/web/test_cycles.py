"""The next year's cycle from the web and the command line, its pages, and the pages across cycles."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from fordela.engine import bridge as b
from fordela.engine.scenario import decided_scenario, resolve_code

OLD, NEW = "goteborg-2026", "goteborg-2027"


def _cycle_routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _cycle_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if re.findall(r"<(?:\w+:)?(\w+)>", route) == ["cycle"]:
                yield entry.name, "/" + route.replace("<slug:cycle>", NEW)


def test_a_coordinator_creates_the_next_cycle_and_its_pages_render(as_user, demo):
    bob = as_user("bob")
    start = bob.get(f"/c/{OLD}/").content.decode()
    assert 'id="cycle-next"' in start and f'value="{NEW}"' in start
    response = bob.post(f"/c/{OLD}/nasta-ar/", {"code": NEW})
    assert response.status_code == 302 and response["Location"] == f"/c/{NEW}/"

    from fordela.cycle.selectors import cycle_data
    from fordela.history.models import ChangeRecord

    data = cycle_data(NEW)
    decided = resolve_code(demo, decided_scenario(demo))
    for supplier in b.suppliers(demo):
        frame = b.frame(demo, supplier, decided)
        assert b.management_budget(data, supplier, 2026) == frame.management_with_index
        assert sum(x.amount for x in data.budget_lines if x.supplier == supplier and x.year == 2026) == (
            frame.development_with_index
        )
    assert ChangeRecord.objects.filter(cycle=NEW, table="cycle", action="create").exists()

    rendered = 0
    erik = as_user("erik")  # the administrator may open every page
    for name, url in _cycle_routes(get_resolver()):
        status = erik.get(url).status_code
        assert status in (200, 400, 405) or (status == 302 and name == "organisation_home"), (url, status)
        rendered += status == 200
    assert rendered >= 15
    for url in (f"/c/{NEW}/tjanster/lan/", f"/c/{NEW}/organisation/grundskola/", "/over-tid/tjanst/lan/"):
        assert bob.get(url).status_code == 200, url
    page = bob.get("/over-tid/organisation/grundskola/").content.decode()
    assert OLD in page and NEW in page
    # taken code: refused with a message, nothing changed
    again = bob.post(f"/c/{OLD}/nasta-ar/", {"code": NEW}, follow=True)
    assert "already exists" in again.content.decode()


@pytest.mark.parametrize("user", ["charlie", "alice", "dana"])
def test_only_coordinators_create_cycles(as_user, user):
    client = as_user(user)
    assert 'id="cycle-next"' not in client.get(f"/c/{OLD}/").content.decode()
    assert client.post(f"/c/{OLD}/nasta-ar/", {"code": NEW}).status_code == 403
    from fordela.catalogue.models import Cycle

    assert not Cycle.objects.filter(code=NEW).exists()


def test_across_pages_follow_the_permissions(as_user):
    charlie = as_user("charlie")  # Grundskoleförvaltningen
    assert charlie.get("/over-tid/organisation/grundskola/").status_code == 200
    assert charlie.get("/over-tid/organisation/forskola/").status_code == 404
    assert charlie.get("/over-tid/tjanst/office365/").status_code == 200
    assert charlie.get("/over-tid/tjanst/no-such-service/").status_code == 404


def test_the_command_creates_the_cycle(demo_db, capsys):
    from fordela.catalogue.models import Cycle
    from fordela.cli import main

    assert main(["cycle", "next", OLD, NEW]) == 0
    assert Cycle.objects.get(code=NEW).base_year == 2026
    assert main(["cycle", "next", OLD, NEW]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["cycle", "across", "--service", "lan", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert f"{NEW},2026" in out and f"{OLD},2025" in out


def test_across_summaries_are_kept_per_data_version_and_agree_with_the_allocation(demo_db, monkeypatch):
    """The pages across cycles read each cycle's stored summary while its data version holds;
    a write makes it again. Its figures are the deciding scenario's allocation totals."""
    import json

    import fordela.cycle.summaries as summaries
    from fordela.catalogue.models import Cycle
    from fordela.cycle.selectors import cycle_data
    from fordela.cycle.services import cycle_touch
    from fordela.engine.allocate import allocate
    from fordela.reports.across import CycleSummary, cycle_summary, organisation_across

    made: list[str] = []
    original = summaries.cycle_summary

    def counting(data):  # type: ignore[no-untyped-def]
        made.append(data.cycle.code)
        return original(data)

    monkeypatch.setattr(summaries, "cycle_summary", counting)
    first = summaries.across_summaries()
    assert made == [OLD]
    data = cycle_data(OLD)
    assert first == [cycle_summary(data)]
    assert CycleSummary.from_json(json.loads(json.dumps(first[0].as_json()))) == first[0]
    from fordela.cycle import computed, selectors

    selectors._CACHE.clear()
    computed.cache_clear()
    assert summaries.across_summaries() == first  # from the database: nothing loaded or made
    assert made == [OLD]
    resolution = resolve_code(data, decided_scenario(data) or "")
    expected = allocate(data, data.cycle.target_year, resolution).by_organisation()["grundskola"]
    table = organisation_across(first, "grundskola")
    assert (OLD, data.cycle.target_year) in [(r[0], r[1]) for r in table.rows]
    assert [r[3] for r in table.rows if r[1] == data.cycle.target_year] == [expected]
    cycle_touch(cycle=Cycle.objects.get(code=OLD))
    assert summaries.across_summaries() == first
    assert made == [OLD, OLD]  # a new data version: made again
    cycle_touch(cycle=Cycle.objects.get(code=OLD), scenarios_only=True)  # a toggle
    summaries.across_summaries()
    assert made == [OLD, OLD]  # the deciding scenario is a stage's: a toggle changes nothing


@pytest.mark.django_db(transaction=True)
def test_two_viewers_storing_the_same_summary_at_once_store_it_once(demo):
    """A summary is stored by whoever views first; two at the same moment must not collide (one
    upsert, decided by the database's unique key, not a check in Python)."""
    import threading

    from django.db import connection, connections

    from fordela.cycle import summaries
    from fordela.cycle.models import AcrossSummary
    from fordela.cycle.services import cycle_import

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises the writers anyway")
    cycle_import(data=demo)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def view() -> None:
        try:
            start.wait()
            summaries._made(demo.cycle.code)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=view) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert AcrossSummary.objects.filter(cycle__code=demo.cycle.code).count() == 1
