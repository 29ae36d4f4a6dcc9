"""The catalogue and drivers kept in the web, and the workbook upload: pages, permissions,
preview before save, hostile input never a 5xx."""

from __future__ import annotations

import dataclasses
import io

import pytest

from fordela.catalogue.models import DriverValue, Service, ServiceYear
from fordela.cycle.models import Proposal, Review
from fordela.cycle.selectors import cycle_data
from fordela.history.models import ChangeRecord
from fordela.package.writer import write_package

CYCLE = "goteborg-2026"
HOSTILE = ("\x00", "1\r\n2", "9" * 100_000, "1.500", "1e9", "<script>x</script>", "−", "١٢")


def service_post(client, code="datacenter", **changes):
    page = client.get(f"/c/{CYCLE}/katalog/tjanster/{code}/")
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):
            data[name] = value
        elif value is not None:
            data[name] = str(value)
    data.update(changes)
    return data


def test_pages_open_for_the_roles_that_keep_them(as_user):
    alice, dana, bob = as_user("alice"), as_user("dana"), as_user("bob")
    assert alice.get(f"/c/{CYCLE}/katalog/").status_code == 200
    assert alice.get(f"/c/{CYCLE}/katalog/tjanster/datacenter/").status_code == 200
    assert dana.get(f"/c/{CYCLE}/katalog/drivare/employees/?year=2026").status_code == 200
    assert dana.get(f"/c/{CYCLE}/katalog/nycklar/k-stadsnat/").status_code == 200
    assert dana.get(f"/c/{CYCLE}/katalog/organisationer/dms/").status_code == 200
    assert bob.get(f"/c/{CYCLE}/katalog/ladda-upp/").status_code == 200
    assert b"katalog/tjanster/datacenter" in alice.get(f"/c/{CYCLE}/tjanster/datacenter/").content


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("fatima", "katalog/tjanster/datacenter/"),
        ("charlie", "katalog/tjanster/datacenter/"),
        ("charlie", "katalog/"),
        ("charlie", "katalog/drivare/employees/"),
        ("alice", "katalog/drivare/employees/"),
        ("alice", "katalog/nycklar/k-stadsnat/"),
        ("alice", "katalog/organisationer/dms/"),
        ("dana", "katalog/ladda-upp/"),
        ("charlie", "katalog/ladda-upp/"),
    ],
)
def test_refused(as_user, who, url):
    client = as_user(who)
    assert client.get(f"/c/{CYCLE}/{url}").status_code in (403, 404)
    assert client.post(f"/c/{CYCLE}/{url}", {"action": "save"}).status_code in (403, 404)


def test_service_is_saved_only_after_its_effect_was_shown(as_user):
    alice = as_user("alice")
    data = service_post(alice, cost_2025="75 000 000", key_2026="k-employees", action="save")
    shown = alice.post(f"/c/{CYCLE}/katalog/tjanster/datacenter/", data)
    assert shown.status_code == 200
    assert ServiceYear.objects.get(service__code="datacenter", year=2026).key.code == "k-computers"
    text = shown.content.decode()
    assert "Effekt per organisation 2026" in text and "5\u00a0000\u00a0000" in text
    data["previewed"] = shown.context["form"]["previewed"].value()
    saved = alice.post(f"/c/{CYCLE}/katalog/tjanster/datacenter/", data)
    assert saved.status_code == 302
    row = ServiceYear.objects.get(service__code="datacenter", year=2026)
    assert (row.key.code, row.cost) == ("k-employees", 68_600_000_00)
    # The form of before is stale now: a conflict, nothing overwritten.
    stale = alice.post(f"/c/{CYCLE}/katalog/tjanster/datacenter/", {**data, "cost_2025": "80 000 000"})
    assert stale.status_code == 409
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 75_000_000_00


def test_service_validation_messages_are_the_packages(as_user):
    alice = as_user("alice")
    data = service_post(alice, cost_2026="1 000", action="preview")
    page = alice.post(f"/c/{CYCLE}/katalog/tjanster/datacenter/", data)
    assert page.status_code == 200 and "does not add up" in page.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_form_never_5xx(as_user, value):
    alice, dana = as_user("alice"), as_user("dana")
    for field in ("cost_2025", "development_within_service_2026", "description", "participants"):
        data = service_post(alice, action="preview", **{field: value})
        assert alice.post(f"/c/{CYCLE}/katalog/tjanster/automatisering/", data).status_code < 500
    for name in ("subscription_grundskola", "price_grundskola"):
        data = service_post(alice, "automatisering", action="preview", **{name: value})
        assert alice.post(f"/c/{CYCLE}/katalog/tjanster/automatisering/", data).status_code < 500
    url = f"/c/{CYCLE}/katalog/drivare/employees/"
    assert dana.post(url, {"version": "1", "value_grundskola": value, "year": "2026"}).status_code < 500
    assert dana.post(url, {"version": value, "year": value}).status_code < 500
    assert dana.post(url, {"version": value, "year": "2026", "previewed": value, "action": "save"}).status_code < 500
    assert (
        as_user("bob")
        .post(f"/c/{CYCLE}/katalog/ladda-upp/", {"action": "apply", "upload": value, "revision": value})
        .status_code
        < 500
    )
    huge = service_post(alice, action="save", version="9" * 30, previewed=value)
    assert alice.post(f"/c/{CYCLE}/katalog/tjanster/datacenter/", huge).status_code < 500
    assert (
        dana.post(
            f"/c/{CYCLE}/katalog/nycklar/k-stadsnat/",
            {"version": "1", "name": value, "share_dms": value, "frozen_year": value},
        ).status_code
        < 500
    )
    assert (
        dana.post(
            f"/c/{CYCLE}/katalog/organisationer/dms/", {"version": "1", "name": value, "from_datacenter": value}
        ).status_code
        < 500
    )
    upload = io.BytesIO(f"organisation;value\ngrundskola;{value}\n".encode("utf-8", "surrogatepass"))
    upload.name = "hr.csv"
    assert dana.post(url, {"year": "2026", "file": upload}).status_code < 500


def test_driver_values_from_an_hr_export(as_user):
    dana = as_user("dana")
    url = f"/c/{CYCLE}/katalog/drivare/employees/"
    names = {o.code: o.name for o in cycle_data(CYCLE).organisations}
    export = f"Förvaltning;Antal anställda\n{names['grundskola']};12 345\nforskola;4 321,0\nOkänd nämnd;7\n"
    upload = io.BytesIO(export.encode("cp1252"))
    upload.name = "hr-export.csv"
    shown = dana.post(url, {"year": "2026", "file": upload})
    text = shown.content.decode()
    assert shown.status_code == 200
    assert "Okänd nämnd" in text  # listed as a problem
    assert "employees/grundskola/2026" in text and "12345" in text  # old → new per organisation
    assert "Effekt per organisation 2026" in text
    form = shown.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(action="save", year="2026", source="hr-export.csv")
    saved = dana.post(url, data)
    assert saved.status_code == 302
    value = DriverValue.objects.get(driver__code="employees", organisation__code="grundskola", year=2026).value
    assert value == 12345
    record = ChangeRecord.objects.get(table="driver_values", object="employees/grundskola/2026")
    assert record.changes["source"] == [None, "hr-export.csv"]


def test_workbook_upload_preview_and_apply_keep_reviews(as_user, tmp_path):
    bob = as_user("bob")
    data = cycle_data(CYCLE)
    years = tuple(
        dataclasses.replace(sy, cost=sy.cost + 1_000_000_00) if sy.service == "datacenter" and sy.cost else sy
        for sy in data.service_years
    )
    path = tmp_path / "arbetsbok.xlsx"
    write_package(dataclasses.replace(data, service_years=years), path)
    reviews = Review.objects.count()
    with path.open("rb") as f:
        shown = bob.post(f"/c/{CYCLE}/katalog/ladda-upp/", {"file": f})
    text = shown.content.decode()
    assert shown.status_code == 200 and "service_years" in text and "datacenter/2025" in text
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 70_000_000_00
    upload, revision = shown.context["upload"], shown.context["revision"]
    applied = bob.post(f"/c/{CYCLE}/katalog/ladda-upp/", {"action": "apply", "upload": upload, "revision": revision})
    assert applied.status_code == 302
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 71_000_000_00
    assert Review.objects.count() == reviews and Proposal.objects.filter(deleted_at__isnull=False).count() == 0


@pytest.mark.parametrize("content", [b"\x00\x01", b"PK\x03\x04broken", b"<?xml version='1.0'?><!DOCTYPE x>"])
def test_hostile_uploads_never_5xx(as_user, content):
    bob = as_user("bob")
    for name in ("a.xlsx", "a.zip", "a.exe"):
        upload = io.BytesIO(content)
        upload.name = name
        assert bob.post(f"/c/{CYCLE}/katalog/ladda-upp/", {"file": upload}).status_code < 500
    assert (
        bob.post(
            f"/c/{CYCLE}/katalog/ladda-upp/", {"action": "apply", "upload": "../../etc", "revision": "x"}
        ).status_code
        < 500
    )
    assert Service.objects.count() > 0


def test_the_workbook_instructions_lead_to_the_upload_page(as_user, tmp_path):
    import openpyxl

    path = tmp_path / "arbetsbok.xlsx"
    write_package(cycle_data(CYCLE), path)
    book = openpyxl.load_workbook(path, read_only=True)
    text = " ".join(str(c) for row in book["Instruktioner"].iter_rows(values_only=True) for c in row if c)
    book.close()
    url = f"/c/{CYCLE}/katalog/ladda-upp/"
    assert url in text and "--merge" in text
    bob = as_user("bob")
    assert bob.get(url).status_code == 200
    assert url in bob.get(f"/c/{CYCLE}/dokument/").content.decode()
    assert url not in as_user("charlie").get(f"/c/{CYCLE}/dokument/").content.decode()


def test_a_change_is_changed_back_from_its_history(as_user):
    alice = as_user("alice")
    data = service_post(alice, key_2026="k-employees", action="preview")
    shown = alice.post(f"/c/{CYCLE}/katalog/tjanster/datacenter/", data)
    data["previewed"], data["action"] = shown.context["form"]["previewed"].value(), "save"
    assert alice.post(f"/c/{CYCLE}/katalog/tjanster/datacenter/", data).status_code == 302
    record = ChangeRecord.objects.get(table="service_years", object="datacenter/2026")
    page = alice.get(f"/c/{CYCLE}/tjanster/datacenter/").content.decode()
    assert f"/c/{CYCLE}/katalog/andringar/{record.pk}/" in page
    assert as_user("charlie").get(f"/c/{CYCLE}/katalog/andringar/{record.pk}/").status_code == 403
    assert as_user("fatima").post(f"/c/{CYCLE}/katalog/andringar/{record.pk}/").status_code == 403
    confirm = alice.get(f"/c/{CYCLE}/katalog/andringar/{record.pk}/")
    assert confirm.status_code == 200 and "Effekt per organisation" in confirm.content.decode()
    assert alice.post(f"/c/{CYCLE}/katalog/andringar/{record.pk}/").status_code == 302
    assert ServiceYear.objects.get(service__code="datacenter", year=2026).key.code == "k-computers"
    assert alice.post(f"/c/{CYCLE}/katalog/andringar/{record.pk}/").status_code == 409  # already changed back
    assert alice.get(f"/c/{CYCLE}/katalog/andringar/999999/").status_code == 404
    assert "katalog/andringar" not in as_user("charlie").get(f"/c/{CYCLE}/tjanster/datacenter/").content.decode()


def test_hostile_record_numbers_are_404(as_user):
    bob = as_user("bob")
    for number in ("9" * 30, "9" * 5000, "0"):
        assert bob.get(f"/c/{CYCLE}/katalog/andringar/{number}/").status_code == 404
        assert bob.post(f"/c/{CYCLE}/katalog/andringar/{number}/").status_code == 404
