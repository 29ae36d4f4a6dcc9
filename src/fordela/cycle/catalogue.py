"""Writes of the catalogue and the drivers in the web: a service, a driver's values, a key and its
shares, an organisation's participation (join and leave years).

Every edit here goes the same way, as a proposal's does (fordela.cycle.proposals):

- permission is checked again (PermissionDenied), whatever the view did;
- the cycle as it would be after the edit is validated with the package rules
  (`validate_cycle_data`): a form accepts exactly what an import accepts, with the same messages
  (`CycleInvalid`, mapped to the form's fields);
- the effect on every organisation is computed by the engine (fordela.reports.effect), so the page
  shows it before the user saves; saving refuses an edit after which a distribution could no
  longer be computed;
- saving is one transaction: a conditional UPDATE of the edited row's `version` (zero rows: someone
  saved first, `CatalogueConflict`), the rows written by `rows_apply` (history old → new per row),
  and `cycle_touch` (the revision that caches are keyed on).

With ``save=False`` the same call only previews: nothing is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Model

from fordela.accounts.permissions import can_edit_drivers, can_edit_service
from fordela.catalogue.models import Cycle, DistributionKey, Driver, Organisation, Service
from fordela.cycle.merge import rows_apply
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_touch
from fordela.cycle.validation import NON_FIELD, CycleInvalid, problems_as_errors
from fordela.engine import model as m
from fordela.package.diff import TableDiff, cycle_diff
from fordela.package.errors import Problem
from fordela.reports.effect import Effect, effect

Build = Callable[[m.CycleData], m.CycleData]
FieldOf = Callable[[Problem, Any], "str | None"]


class CatalogueConflict(Exception):
    """Someone else saved the row after the user loaded it; `version` is its version now."""

    def __init__(self, what: str, version: int) -> None:
        self.version = version
        super().__init__(f"{what} was changed by someone else (now version {version})")


@dataclass(frozen=True)
class EditPreview:
    diffs: tuple[TableDiff, ...]
    effects: tuple[Effect, ...]
    version: int  # the version the edit was made on (saved: the new one)

    @property
    def empty(self) -> bool:
        return not self.diffs


def _replace(rows: Iterable[Any], keep: Callable[[Any], bool], new: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(r for r in rows if keep(r)) + tuple(new)


def _check(
    old: m.CycleData, new: m.CycleData, field_of: FieldOf, years: Iterable[int], service: str | None
) -> tuple[Effect, ...]:
    errors = problems_as_errors(new, old, field_of)
    if errors:
        raise CycleInvalid(errors)
    effects = tuple(effect(old, new, year=y, service=service) for y in sorted(set(years)) if y in new.cycle.years)
    broken = [e for e in effects if e.error_after and e.error_after != e.error_before]
    if broken:
        raise CycleInvalid(
            {NON_FIELD: [f"the distribution of {e.year} cannot be computed: {e.error_after}" for e in broken]}
        )
    return effects


def _edit(
    *,
    obj: Model,
    what: str,
    expected_version: int,
    build: Build,
    field_of: FieldOf,
    years: Callable[[m.CycleData, m.CycleData], Iterable[int]],
    service: str | None,
    by: Any,
    save: bool,
    source: str,
) -> EditPreview:
    cycle: Cycle = obj.cycle  # type: ignore[attr-defined]
    model = type(obj)
    if not save:
        current = model.objects.filter(pk=obj.pk).values_list("version", flat=True).first()  # type: ignore[attr-defined]
        if current != expected_version:
            raise CatalogueConflict(what, current or 0)
        old = cycle_data(cycle.code)
        new = build(old)
        effects = _check(old, new, field_of, years(old, new), service)
        return EditPreview(cycle_diff(old, new), effects, expected_version)
    with transaction.atomic():
        updated = model.objects.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)  # type: ignore[attr-defined]
        if not updated:
            raise CatalogueConflict(what, model.objects.get(pk=obj.pk).version)  # type: ignore[attr-defined]
        old = cycle_data(cycle.code)
        new = build(old)
        effects = _check(old, new, field_of, years(old, new), service)
        diffs = cycle_diff(old, new)
        rows_apply(cycle=cycle, diffs=diffs, by=by, source=source)
        cycle_touch(cycle=cycle)
        obj.refresh_from_db()
        return EditPreview(diffs, effects, obj.version)  # type: ignore[attr-defined]


# -- a service -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceEdit:
    """A service as its form holds it: description, per year (key, cost, development within
    service), the organisations that take part in the target year, and the target year's
    subscriptions (organisation → (quantity, unit price in öre); None leaves them as they are)."""

    description: str
    years: Mapping[int, tuple[str, int | None, int | None]]
    participants: frozenset[str]
    subscriptions: Mapping[str, tuple[Decimal, int]] | None = None


def service_field(code: str) -> FieldOf:
    def field_of(problem: Problem, row: Any) -> str | None:
        if row is None:
            return None
        if problem.table == "services" and row.code == code:
            return problem.column if problem.column == "description" else NON_FIELD
        if problem.table == "service_years" and row.service == code:
            return (
                f"{problem.column}_{row.year}"
                if problem.column in ("key", "cost", "development_within_service")
                else NON_FIELD
            )
        if problem.table == "participation" and row.service == code:
            return "participants"
        if problem.table == "subscriptions" and row.service == code:
            return f"subscription_{row.organisation}"
        return None

    return field_of


def _participation(
    rows: tuple[m.Participation, ...], code: str, year: int, wanted: frozenset[str]
) -> tuple[m.Participation, ...]:
    """Join the organisations in `wanted` from `year` and let the others leave after `year - 1`."""
    kept: list[m.Participation] = []
    present: set[str] = set()
    for p in rows:
        if p.service != code:
            kept.append(p)
        elif p.covers(year) and p.organisation not in wanted:
            if p.from_year < year:  # it took part before: it leaves, its earlier years stay
                kept.append(dataclasses.replace(p, to_year=year - 1))
        else:
            if p.covers(year):
                present.add(p.organisation)
            kept.append(p)
    for org in sorted(wanted - present):
        same = next(
            (i for i, p in enumerate(kept) if (p.service, p.organisation, p.from_year) == (code, org, year)), None
        )
        if same is not None:
            kept[same] = dataclasses.replace(kept[same], to_year=None)
        else:
            kept.append(m.Participation(code, org, year))
    return tuple(kept)


def _service_years(
    data: m.CycleData, code: str, edited: Mapping[int, tuple[str, int | None, int | None]]
) -> tuple[m.ServiceYear, ...]:
    """The service's years as edited. A later year's cost is the base-year cost plus the service's
    proposals (the package's rule), so a change of the base-year cost moves each later year's cost
    by as much, unless the form changes that year's cost itself."""
    base = data.cycle.base_year
    old = {sy.year: sy for sy in data.service_years if sy.service == code}
    delta = 0
    if base in old and base in edited and old[base].cost is not None and edited[base][1] is not None:
        delta = edited[base][1] - old[base].cost  # type: ignore[operator]
    rows = []
    for sy in data.service_years:
        if sy.service != code or sy.year not in edited:
            rows.append(sy)
            continue
        key, cost, development = edited[sy.year]
        if sy.year > base and cost is not None and cost == sy.cost:
            cost += delta
        rows.append(dataclasses.replace(sy, key=key, cost=cost, development_within_service=development))
    return tuple(rows)


def service_change(*, service: Service, edit: ServiceEdit, expected_version: int, by: Any, save: bool) -> EditPreview:
    """Preview or save an edit of `service` made on `expected_version`."""
    if not can_edit_service(by, service.supplier.code):
        raise PermissionDenied(f"may not change service {service.code}")
    code = service.code

    def build(data: m.CycleData) -> m.CycleData:
        target = data.cycle.target_year
        services = tuple(
            dataclasses.replace(s, description=edit.description) if s.code == code else s for s in data.services
        )
        years = _service_years(data, code, edit.years)
        subscriptions = data.subscriptions
        if edit.subscriptions is not None:
            notes = {s.organisation: s.note for s in data.subscriptions if s.service == code and s.year == target}
            subscriptions = _replace(
                data.subscriptions,
                lambda s: not (s.service == code and s.year == target),
                (
                    m.Subscription(code, org, target, q, price, notes.get(org, ""))
                    for org, (q, price) in sorted(edit.subscriptions.items())
                ),
            )
        participation = _participation(data.participation, code, target, edit.participants)
        return dataclasses.replace(
            data, services=services, service_years=years, subscriptions=subscriptions, participation=participation
        )

    def years(old: m.CycleData, new: m.CycleData) -> set[int]:
        changed = {sy.year for sy in new.service_years if sy.service == code and sy not in old.service_years}
        return changed | {new.cycle.target_year}

    return _edit(
        obj=service,
        what=f"service {code}",
        expected_version=expected_version,
        build=build,
        field_of=service_field(code),
        years=years,
        service=code,
        by=by,
        save=save,
        source="",
    )


# -- a driver's values -----------------------------------------------------------------------


def driver_field(code: str) -> FieldOf:
    def field_of(problem: Problem, row: Any) -> str | None:
        if problem.table == "driver_values" and row is not None and row.driver == code:
            return f"value_{row.organisation}"
        if problem.table == "drivers" and row is not None and row.code == code:
            return NON_FIELD
        return None

    return field_of


def driver_values_change(
    *,
    driver: Driver,
    year: int,
    values: Mapping[str, Decimal | None],
    expected_version: int,
    by: Any,
    save: bool,
    source: str = "",
) -> EditPreview:
    """Set `driver`'s values for `year` per organisation (None: no value); the other organisations'
    values and other years stay. Previewed as every organisation's whole bill that year."""
    if not can_edit_drivers(by):
        raise PermissionDenied(f"may not change driver {driver.code}")
    code = driver.code

    def build(data: m.CycleData) -> m.CycleData:
        old = {(v.organisation): v for v in data.driver_values if v.driver == code and v.year == year}
        rows = [
            dataclasses.replace(old[org], value=value) if org in old else m.DriverValue(code, org, year, value)
            for org, value in sorted(values.items())
            if value is not None
        ]
        rows += [v for org, v in old.items() if org not in values]
        driver_values = _replace(data.driver_values, lambda v: not (v.driver == code and v.year == year), rows)
        return dataclasses.replace(data, driver_values=driver_values)

    return _edit(
        obj=driver,
        what=f"driver {code}",
        expected_version=expected_version,
        build=build,
        field_of=driver_field(code),
        years=lambda old, new: {year},
        service=None,
        by=by,
        save=save,
        source=source,
    )


# -- a key and its shares ---------------------------------------------------------------------


def key_field(code: str) -> FieldOf:
    def field_of(problem: Problem, row: Any) -> str | None:
        if problem.table == "keys" and row is not None and row.code == code:
            return (
                problem.column
                if problem.column in ("name", "driver", "frozen_year", "solidarity_driver")
                else NON_FIELD
            )
        if problem.table == "key_shares" and row is not None and row.key == code:
            return f"share_{row.organisation}"
        return None

    return field_of


def key_change(
    *,
    key: DistributionKey,
    values: m.DistributionKey,
    shares: Mapping[str, Decimal | None],
    expected_version: int,
    by: Any,
    save: bool,
) -> EditPreview:
    """Change a key (name, driver, frozen year, solidarity driver; not its code or method) and its
    shares (None: no share). Previewed as every organisation's bill in the target year."""
    if not can_edit_drivers(by):
        raise PermissionDenied(f"may not change key {key.code}")
    code = key.code

    def build(data: m.CycleData) -> m.CycleData:
        keys = tuple(
            dataclasses.replace(values, code=code, method=k.method, note=k.note) if k.code == code else k
            for k in data.keys
        )
        notes = {s.organisation: s.note for s in data.key_shares if s.key == code}
        rows = (
            m.KeyShare(code, org, share, notes.get(org, ""))
            for org, share in sorted(shares.items())
            if share is not None
        )
        return dataclasses.replace(data, keys=keys, key_shares=_replace(data.key_shares, lambda s: s.key != code, rows))

    return _edit(
        obj=key,
        what=f"key {code}",
        expected_version=expected_version,
        build=build,
        field_of=key_field(code),
        years=lambda old, new: {new.cycle.target_year},
        service=None,
        by=by,
        save=save,
        source="",
    )


# -- an organisation and the years it takes part ----------------------------------------------


def organisation_field(code: str) -> FieldOf:
    def field_of(problem: Problem, row: Any) -> str | None:
        if problem.table == "organisations" and row is not None and row.code == code:
            return problem.column if problem.column == "name" else NON_FIELD
        if problem.table == "participation" and row is not None and row.organisation == code:
            return f"years_{row.service}"
        return None

    return field_of


def organisation_change(
    *,
    organisation: Organisation,
    name: str,
    years: Mapping[str, tuple[int, int | None] | None],
    expected_version: int,
    by: Any,
    save: bool,
) -> EditPreview:
    """Rename an organisation and set, per service, the years it takes part: (join year, leave year
    or None) replaces its participation rows of that service; None removes them. Services not named
    stay as they are."""
    if not can_edit_drivers(by):
        raise PermissionDenied(f"may not change organisation {organisation.code}")
    code = organisation.code

    def build(data: m.CycleData) -> m.CycleData:
        orgs = tuple(dataclasses.replace(o, name=name) if o.code == code else o for o in data.organisations)
        notes = {p.service: p.note for p in data.participation if p.organisation == code}
        rows = (
            m.Participation(s, code, span[0], span[1], notes.get(s, ""))
            for s, span in sorted(years.items())
            if span is not None
        )
        participation = _replace(
            data.participation, lambda p: not (p.organisation == code and p.service in years), rows
        )
        return dataclasses.replace(data, organisations=orgs, participation=participation)

    def changed(old: m.CycleData, new: m.CycleData) -> set[int]:
        return {new.cycle.target_year, new.cycle.base_year}

    return _edit(
        obj=organisation,
        what=f"organisation {code}",
        expected_version=expected_version,
        build=build,
        field_of=organisation_field(code),
        years=changed,
        service=None,
        by=by,
        save=save,
        source="",
    )
