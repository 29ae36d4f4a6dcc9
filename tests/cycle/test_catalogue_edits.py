"""Catalogue and driver edits (fordela.cycle.catalogue) against the demo cycle in the database:
permissions, the package's validation messages, history old → new, version conflicts, the
effect per organisation, and the cycle revision that caches are keyed on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from fordela.accounts.services import demo_accounts_create
from fordela.catalogue.models import (
    Cycle,
    DistributionKey,
    Driver,
    DriverValue,
    KeyShare,
    Organisation,
    Participation,
    Service,
    ServiceYear,
)
from fordela.cycle.catalogue import (
    CatalogueConflict,
    ServiceEdit,
    driver_values_change,
    key_change,
    organisation_change,
    service_change,
)
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_import
from fordela.cycle.validation import CycleInvalid
from fordela.engine import model as m
from fordela.history.models import ChangeRecord
from fordela.package.validate import validate_cycle_data

CYCLE = "goteborg-2026"


@pytest.fixture
def cycle(db, demo) -> Cycle:
    imported = cycle_import(data=demo)
    demo_accounts_create()
    return imported


def user(name: str):
    return get_user_model().objects.get(username=name)


def edit_of(service: Service, **changes) -> ServiceEdit:
    data = cycle_data(CYCLE)
    years = {
        sy.year: (sy.key, sy.cost, sy.development_within_service)
        for sy in data.service_years
        if sy.service == service.code
    }
    participants = frozenset(
        p.organisation for p in data.participation if p.service == service.code and p.covers(data.cycle.target_year)
    )
    edit = ServiceEdit(description=service.description, years=years, participants=participants)
    return ServiceEdit(**{**edit.__dict__, **changes})


def test_supplier_editor_changes_key_and_cost_with_preview_history_and_revision(cycle):
    service = Service.objects.get(cycle=cycle, code="datacenter")
    edit = edit_of(service)
    years = dict(edit.years)
    years[2025] = ("k-computers", 75_000_000_00, None)
    years[2026] = ("k-employees", 63_600_000_00, None)  # moves with the base year: 68 600 000
    edit = edit_of(service, years=years)
    preview = service_change(service=service, edit=edit, expected_version=service.version, by=user("alice"), save=False)
    assert ServiceYear.objects.get(service=service, year=2026).cost == 63_600_000_00  # a preview writes nothing
    table = preview.effects[-1].table
    assert table is not None and table.rows[-1][2:4] == (63_600_000_00, 68_600_000_00)
    assert sum(row[4] for row in table.rows[:-1]) == 5_000_000_00
    revision, version = Cycle.objects.get(pk=cycle.pk).revision, service.version
    saved = service_change(service=service, edit=edit, expected_version=service.version, by=user("alice"), save=True)
    row = ServiceYear.objects.get(service=service, year=2026)
    assert (row.cost, row.key.code) == (68_600_000_00, "k-employees")
    assert Cycle.objects.get(pk=cycle.pk).revision > revision
    record = ChangeRecord.objects.get(cycle=CYCLE, table="service_years", object="datacenter/2026")
    assert record.changes["key"] == ["k-computers", "k-employees"]
    assert record.changes["cost"] == ["63600000.00", "68600000.00"]
    assert record.user.username == "alice"
    assert saved.version == Service.objects.get(pk=service.pk).version > version
    assert validate_cycle_data(cycle_data(CYCLE)) == []


def test_stale_version_is_a_conflict_and_writes_nothing(cycle):
    service = Service.objects.get(cycle=cycle, code="datacenter")
    stale = service.version
    service_change(
        service=service,
        edit=edit_of(service, description="Ny text"),
        expected_version=stale,
        by=user("alice"),
        save=True,
    )
    with pytest.raises(CatalogueConflict):
        service_change(
            service=service,
            edit=edit_of(service, description="Min text"),
            expected_version=stale,
            by=user("alice"),
            save=True,
        )
    assert Service.objects.get(pk=service.pk).description == "Ny text"


@pytest.mark.parametrize("who", ["fatima", "charlie", "dana"])
def test_others_may_not_change_a_service(cycle, who):
    service = Service.objects.get(cycle=cycle, code="datacenter")
    with pytest.raises(PermissionDenied):
        service_change(
            service=service, edit=edit_of(service), expected_version=service.version, by=user(who), save=True
        )


def test_unknown_key_gets_the_package_message_on_its_field(cycle):
    service = Service.objects.get(cycle=cycle, code="datacenter")
    years = dict(edit_of(service).years)
    years[2026] = ("no-such-key", 63_600_000_00, None)
    with pytest.raises(CycleInvalid) as raised:
        service_change(
            service=service,
            edit=edit_of(service, years=years),
            expected_version=service.version,
            by=user("alice"),
            save=True,
        )
    assert any("no-such-key" in msg for msg in raised.value.errors["key_2026"])
    assert ServiceYear.objects.get(service=service, year=2026).key.code == "k-computers"


def test_participants_leave_and_join(cycle):
    service = Service.objects.get(cycle=cycle, code="datacenter")
    edit = edit_of(service)
    participants = edit.participants - {"dms"}
    service_change(
        service=service,
        edit=edit_of(service, participants=participants),
        expected_version=service.version,
        by=user("bob"),
        save=True,
    )
    row = Participation.objects.get(service=service, organisation__code="dms")
    assert (row.from_year, row.to_year) == (2023, 2025)
    service.refresh_from_db()
    service_change(
        service=service,
        edit=edit_of(service, participants=participants | {"dms"}),
        expected_version=service.version,
        by=user("bob"),
        save=True,
    )
    assert Participation.objects.filter(
        service=service, organisation__code="dms", from_year=2026, to_year=None
    ).exists()


def test_subscriptions_of_the_target_year(cycle):
    service = Service.objects.get(cycle=cycle, code="automatisering")
    others = [s for s in cycle_data(CYCLE).subscriptions if s.service == "automatisering" and s.year == 2026]
    others = [s for s in others if s.organisation != "grundskola"]
    edit = edit_of(service, subscriptions={"grundskola": (Decimal(3), 150_000_00)})
    service_change(service=service, edit=edit, expected_version=service.version, by=user("alice"), save=True)
    rows = cycle_data(CYCLE).subscriptions
    mine = [s for s in rows if s.service == "automatisering" and s.year == 2026]
    assert [(s.organisation, s.quantity) for s in mine] == [("grundskola", Decimal(3))]
    assert ChangeRecord.objects.filter(table="subscriptions", action="delete").count() == len(others) > 0


def test_finance_sets_driver_values_and_bills_change(cycle):
    driver = Driver.objects.get(cycle=cycle, code="employees")
    before = DriverValue.objects.get(driver=driver, organisation__code="grundskola", year=2026).value
    preview = driver_values_change(
        driver=driver,
        year=2026,
        values={"grundskola": before * 2},
        expected_version=driver.version,
        by=user("dana"),
        save=False,
    )
    table = preview.effects[0].table
    grundskola = next(r for r in table.rows if r[0] == "grundskola")
    assert grundskola[3] > grundskola[2]
    assert table.rows[-1][4] == 0  # a driver moves costs between organisations, not the total
    driver_values_change(
        driver=driver,
        year=2026,
        values={"grundskola": before * 2},
        expected_version=driver.version,
        by=user("dana"),
        save=True,
    )
    assert DriverValue.objects.get(driver=driver, organisation__code="grundskola", year=2026).value == before * 2
    assert ChangeRecord.objects.filter(table="driver_values", object="employees/grundskola/2026").exists()
    with pytest.raises(PermissionDenied):
        driver_values_change(
            driver=driver, year=2026, values={}, expected_version=driver.version, by=user("alice"), save=True
        )


def test_removing_a_driver_value_that_a_key_needs_is_refused(cycle):
    driver = Driver.objects.get(cycle=cycle, code="employees")
    with pytest.raises(CycleInvalid) as raised:
        driver_values_change(
            driver=driver,
            year=2026,
            values={"grundskola": None},
            expected_version=driver.version,
            by=user("dana"),
            save=True,
        )
    assert "grundskola" in str(raised.value.errors)
    assert DriverValue.objects.filter(driver=driver, organisation__code="grundskola", year=2026).exists()


def test_key_shares(cycle):
    key = DistributionKey.objects.get(cycle=cycle, code="k-stadsnat")
    values = m.DistributionKey(code=key.code, name="Anslutningspunkter", method=m.KeyMethod.FIXED)
    shares = {s.organisation.code: s.share for s in KeyShare.objects.filter(key=key).select_related("organisation")}
    shares["arbetsmarknad"] = Decimal(40)
    key_change(key=key, values=values, shares=shares, expected_version=key.version, by=user("bob"), save=True)
    assert KeyShare.objects.get(key=key, organisation__code="arbetsmarknad").share == Decimal(40)
    assert DistributionKey.objects.get(pk=key.pk).name == "Anslutningspunkter"
    with pytest.raises(PermissionDenied):
        key_change(key=key, values=values, shares=shares, expected_version=key.version, by=user("charlie"), save=True)


def test_organisation_leaves_a_service(cycle):
    org = Organisation.objects.get(cycle=cycle, code="dms")
    organisation_change(
        organisation=org,
        name=org.name,
        years={"datacenter": (2023, 2025)},
        expected_version=org.version,
        by=user("dana"),
        save=True,
    )
    row = Participation.objects.get(service__code="datacenter", organisation=org)
    assert row.to_year == 2025
    with pytest.raises(CycleInvalid):
        org.refresh_from_db()
        organisation_change(
            organisation=org,
            name=org.name,
            years={"datacenter": (2027, 2025)},
            expected_version=org.version,
            by=user("dana"),
            save=True,
        )


def test_a_change_is_changed_back_as_a_new_recorded_change(cycle):
    from fordela.cycle.revert import RevertConflict, change_history, change_revert, revert_preview

    service = Service.objects.get(cycle=cycle, code="datacenter")
    years = dict(edit_of(service).years)
    years[2026] = ("k-employees", 63_600_000_00, None)
    service_change(
        service=service,
        edit=edit_of(service, years=years),
        expected_version=service.version,
        by=user("alice"),
        save=True,
    )
    record = ChangeRecord.objects.get(table="service_years", object="datacenter/2026")
    assert record in change_history(cycle=CYCLE, table="services", code="datacenter")
    with pytest.raises(PermissionDenied):
        change_revert(record=record, by=user("fatima"))
    effect = revert_preview(record=record, by=user("alice"))[0]
    assert effect.changed
    change_revert(record=record, by=user("alice"))
    assert ServiceYear.objects.get(service=service, year=2026).key.code == "k-computers"
    back = ChangeRecord.objects.filter(table="service_years", object="datacenter/2026").first()
    assert back.changes["key"] == ["k-employees", "k-computers"] and "changed back" in back.changes["source"][1]
    with pytest.raises(RevertConflict):  # it no longer is as that change left it
        change_revert(record=record, by=user("alice"))
    change_revert(record=back, by=user("bob"))  # and forward again
    assert ServiceYear.objects.get(service=service, year=2026).key.code == "k-employees"


def test_a_removed_driver_value_and_an_added_subscription_are_changed_back(cycle):
    from fordela.cycle.revert import change_revert

    service = Service.objects.get(cycle=cycle, code="automatisering")
    before = sorted(
        (s.organisation, s.quantity)
        for s in cycle_data(CYCLE).subscriptions
        if s.service == "automatisering" and s.year == 2026
    )
    service_change(
        service=service,
        edit=edit_of(service, subscriptions={"grundskola": (Decimal(3), 150_000_00)}),
        expected_version=service.version,
        by=user("alice"),
        save=True,
    )
    for record in ChangeRecord.objects.filter(table="subscriptions").order_by("-id"):
        change_revert(record=record, by=user("alice"))
    after = sorted(
        (s.organisation, s.quantity)
        for s in cycle_data(CYCLE).subscriptions
        if s.service == "automatisering" and s.year == 2026
    )
    assert after == before
