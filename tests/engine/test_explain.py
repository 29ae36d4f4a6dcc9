"""The explained change, the key simulator and the bills by year, on small cycles and the demo."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fordela.engine import model as m
from fordela.engine.allocate import allocate, object_lines
from fordela.engine.allocation_types import AllocationError
from fordela.engine.cycle_index import CycleIndex
from fordela.engine.explain import (
    CAUSES,
    KEEP_LAST_YEAR,
    Cause,
    bills_by_year,
    explain,
    explain_organisation,
    simulate_key,
)
from fordela.engine.scenario import resolve_code

ORG_CODES = ("a", "b", "c", "d")
KEYS = (
    m.DistributionKey("k-emp", "Employees", m.KeyMethod.DRIVER, driver="emp"),
    m.DistributionKey("k-pc", "Computers", m.KeyMethod.DRIVER, driver="pc"),
    m.DistributionKey("k-eq", "Equal", m.KeyMethod.EQUAL),
    m.DistributionKey("k-fix", "Fixed", m.KeyMethod.FIXED),
    m.DistributionKey("k-frozen", "Keep 2024", m.KeyMethod.FROZEN, frozen_year=2024),
    m.DistributionKey("k-sub", "Subscription", m.KeyMethod.SUBSCRIPTION),
    m.DistributionKey("k-hyb", "Hybrid", m.KeyMethod.HYBRID, solidarity_driver="emp"),
)


def cycle(**tables) -> m.CycleData:
    base = {
        "cycle": m.Cycle("t", "T", 2026, 2025, Decimal("0.03")),
        "organisations": tuple(m.Organisation(o, o.upper(), m.OrganisationKind.ADMINISTRATION) for o in ORG_CODES),
        "drivers": (m.Driver("emp", "Employees", "st"), m.Driver("pc", "Computers", "st")),
        "keys": KEYS,
        "key_shares": tuple(m.KeyShare("k-fix", o, Decimal(i + 1)) for i, o in enumerate(ORG_CODES)),
    }
    base.update(tables)
    return m.CycleData(**base)


def flat_values(values: dict[str, int], years=(2024, 2025, 2026)) -> tuple[m.DriverValue, ...]:
    return tuple(m.DriverValue(d, o, y, Decimal(v)) for o, v in values.items() for d in ("emp", "pc") for y in years)


def check_exact(data: m.CycleData, resolution, from_year: int, to_year: int) -> dict:
    found = explain(data, resolution, from_year=from_year, to_year=to_year)
    before = allocate(data, from_year, resolution).by_organisation()
    after = allocate(data, to_year, resolution).by_organisation()
    for org, e in found.items():
        change = after.get(org, 0) - before.get(org, 0)
        assert e.change == change
        assert sum(amount for cause, amount in e.parts() if cause is not Cause.INDEX) == change
        assert sum(amount for _, amount in e.parts()) == e.after_with_index - e.before
        for obj in e.objects:
            assert sum(obj.parts) - obj.part(Cause.INDEX) == obj.change
    return found


# --------------------------------------------------------------------------- hand-made


def test_cost_change_under_an_equal_key_is_all_cost():
    data = cycle(
        driver_values=flat_values({"a": 1, "b": 1, "c": 1, "d": 1}),
        services=(m.Service("s", "S", "a", m.ServiceCategory.BASE),),
        service_years=(m.ServiceYear("s", 2024, "k-eq", cost=100), m.ServiceYear("s", 2025, "k-eq", cost=300)),
        participation=(m.Participation("s", "a", 2020), m.Participation("s", "b", 2020)),
    )
    e = explain_organisation(data, None, "b", from_year=2024, to_year=2025)
    assert (e.before, e.after) == (50, 150)
    assert dict(e.parts())[Cause.COST] == 100
    assert all(amount == 0 for cause, amount in e.parts() if cause not in (Cause.COST, Cause.INDEX))


def test_own_and_others_driver_values_and_key_change():
    values = {(o, 2024): v for o, v in {"a": 1, "b": 1}.items()} | {("a", 2025): 3, ("b", 2025): 1}
    data = cycle(
        driver_values=tuple(m.DriverValue("emp", o, y, Decimal(v)) for (o, y), v in values.items())
        + tuple(m.DriverValue("pc", o, y, Decimal(1)) for o in "ab" for y in (2024, 2025)),
        services=(m.Service("s", "S", "a", m.ServiceCategory.BASE),),
        service_years=(m.ServiceYear("s", 2024, "k-emp", cost=400), m.ServiceYear("s", 2025, "k-pc", cost=400)),
        participation=(m.Participation("s", "a", 2020), m.Participation("s", "b", 2020)),
    )
    a = dict(explain_organisation(data, None, "a", from_year=2024, to_year=2025).parts())
    # a's own employees 1 → 3 (b still 1): 200 → 300; b's unchanged: no more; key to equal computers: 300 → 200
    assert (a[Cause.OWN_DRIVER], a[Cause.OTHERS_DRIVERS], a[Cause.KEY]) == (100, 0, -100)
    b = dict(explain_organisation(data, None, "b", from_year=2024, to_year=2025).parts())
    assert (b[Cause.OWN_DRIVER], b[Cause.OTHERS_DRIVERS], b[Cause.KEY]) == (0, -100, 100)


def test_joining_and_a_new_service():
    data = cycle(
        driver_values=flat_values({"a": 1, "b": 1, "c": 2, "d": 1}),
        services=(m.Service("s", "S", "a", m.ServiceCategory.BASE), m.Service("n", "N", "a", m.ServiceCategory.BASE)),
        service_years=(
            m.ServiceYear("s", 2024, "k-emp", cost=300),
            m.ServiceYear("s", 2025, "k-emp", cost=300),
            m.ServiceYear("n", 2025, "k-eq", cost=90),
        ),
        participation=(
            m.Participation("s", "a", 2020),
            m.Participation("s", "b", 2020),
            m.Participation("s", "c", 2025),
            m.Participation("n", "c", 2025),
        ),
    )
    c = dict(explain_organisation(data, None, "c", from_year=2024, to_year=2025).parts())
    assert (c[Cause.PARTICIPATION], c[Cause.NEW_SERVICES]) == (150, 90)
    a = dict(explain_organisation(data, None, "a", from_year=2024, to_year=2025).parts())
    assert a[Cause.PARTICIPATION] == -75


def test_an_impossible_intermediate_state_passes_its_step_on():
    # Last year's key counts computers, which nobody has reported for 2025: the driver steps
    # cannot be computed, so the key change carries them, and the sum stays exact.
    values = tuple(m.DriverValue("pc", o, 2024, Decimal(v)) for o, v in (("a", 1), ("b", 3)))
    values += tuple(m.DriverValue("emp", o, y, Decimal(1)) for o in "ab" for y in (2024, 2025))
    data = cycle(
        driver_values=values,
        services=(m.Service("s", "S", "a", m.ServiceCategory.BASE),),
        service_years=(m.ServiceYear("s", 2024, "k-pc", cost=400), m.ServiceYear("s", 2025, "k-emp", cost=400)),
        participation=(m.Participation("s", "a", 2020), m.Participation("s", "b", 2020)),
    )
    a = dict(explain_organisation(data, None, "a", from_year=2024, to_year=2025).parts())
    assert (a[Cause.OWN_DRIVER], a[Cause.OTHERS_DRIVERS], a[Cause.PARTICIPATION], a[Cause.KEY]) == (0, 0, 0, 100)


# --------------------------------------------------------------------------- property tests


@st.composite
def small_cycles(draw):
    """Two years (2024 → 2025, both recorded) of 1–3 services with random costs, keys, participants,
    driver values and subscriptions."""
    orgs = ORG_CODES[: draw(st.integers(2, 4))]
    value = st.integers(1, 500)
    driver_values = tuple(
        m.DriverValue(d, o, y, Decimal(draw(value)) / (10 if d == "pc" else 1))
        for o in orgs
        for d in ("emp", "pc")
        for y in (2024, 2025)
    )
    cost = st.integers(-(10**9), 10**11)
    services, years, participation, subscriptions = [], [], [], []
    for i in range(draw(st.integers(1, 3))):
        code = f"s{i}"
        services.append(m.Service(code, code, "a", m.ServiceCategory.BASE))
        key_a = draw(st.sampled_from([k.code for k in KEYS if k.method is not m.KeyMethod.FROZEN]))
        key_b = draw(st.sampled_from([k.code for k in KEYS]))
        if draw(st.booleans()):
            years.append(m.ServiceYear(code, 2024, key_a, cost=draw(cost)))
        years.append(m.ServiceYear(code, 2025, key_b, cost=draw(cost)))
        participation.append(m.Participation(code, "a", 2020))
        for o in orgs[1:]:
            first, last = draw(st.sampled_from([(2020, None), (2025, None), (2020, 2024)]))
            participation.append(m.Participation(code, o, first, last))
            for y in (2024, 2025):
                if draw(st.booleans()):
                    subscriptions.append(
                        m.Subscription(code, o, y, Decimal(draw(st.integers(1, 20))), draw(st.integers(0, 10**7)))
                    )
    return cycle(
        organisations=tuple(m.Organisation(o, o, m.OrganisationKind.ADMINISTRATION) for o in orgs),
        driver_values=driver_values,
        key_shares=tuple(m.KeyShare("k-fix", o, Decimal(draw(value))) for o in orgs),
        services=tuple(services),
        service_years=tuple(years),
        participation=tuple(participation),
        subscriptions=tuple(subscriptions),
    )


def _splits(data: m.CycleData, *years: int) -> bool:
    try:
        for year in years:
            allocate(data, year)
    except AllocationError:
        return False
    return True


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=small_cycles())
def test_parts_always_sum_to_the_change(data):
    assume(_splits(data, 2024, 2025))
    check_exact(data, None, 2024, 2025)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=small_cycles())
def test_nothing_changed_gives_all_zero_parts(data):
    # Year 2025 becomes a copy of 2024: same costs, keys, participants, values, subscriptions.
    data = replace(
        data,
        cycle=replace(data.cycle, index_rate=Decimal(0)),
        service_years=tuple(r for r in data.service_years if r.year == 2024)
        + tuple(replace(r, year=2025) for r in data.service_years if r.year == 2024),
        driver_values=tuple(v for v in data.driver_values if v.year == 2024)
        + tuple(replace(v, year=2025) for v in data.driver_values if v.year == 2024),
        participation=tuple(replace(p, from_year=2020, to_year=None) for p in data.participation if p.covers(2024)),
        subscriptions=tuple(s for s in data.subscriptions if s.year == 2024)
        + tuple(replace(s, year=2025) for s in data.subscriptions if s.year == 2024),
    )
    assume(_splits(data, 2024, 2025))
    for e in check_exact(data, None, 2024, 2025).values():
        assert all(amount == 0 for _, amount in e.parts())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=small_cycles(), org=st.sampled_from(ORG_CODES[:2]))
def test_an_organisation_whose_values_stay_has_no_own_driver_part(data, org):
    values = {(v.driver, v.organisation): v.value for v in data.driver_values if v.year == 2024}
    data = replace(
        data,
        driver_values=tuple(
            replace(v, value=values[(v.driver, org)]) if v.organisation == org and v.year == 2025 else v
            for v in data.driver_values
        ),
        subscriptions=tuple(s for s in data.subscriptions if s.organisation != org),
    )
    assume(_splits(data, 2024, 2025))
    assert explain(data, None, from_year=2024, to_year=2025)[org].part(Cause.OWN_DRIVER) == 0


# --------------------------------------------------------------------------- the demo


def test_object_lines_reproduce_allocate(demo):
    resolution = resolve_code(demo, "proposed")
    allocation = allocate(demo, 2026, resolution)
    index = CycleIndex(demo)
    frozen: dict = {}
    for obj in allocation.objects:
        expected = sorted((ln.organisation, ln.kind, ln.amount) for ln in allocation.lines if ln.object == obj.code)
        got = sorted((ln.organisation, ln.kind, ln.amount) for ln in object_lines(index, obj, 2026, frozen=frozen))
        assert got == expected, obj.code


@pytest.mark.parametrize("scenario", ["preparation", "proposed", "coordination_group"])
def test_demo_every_organisation_sums_exactly(demo, scenario):
    found = check_exact(demo, resolve_code(demo, scenario), 2025, 2026)
    grundskola = found["grundskola"]
    assert grundskola.part(Cause.INITIATIVES) > 0
    assert grundskola.part(Cause.INDEX) > 0
    assert len(grundskola.parts()) == len(CAUSES)


def test_demo_key_change_matches_the_simulator(demo):
    # Under "everything proposed" DMS moves extern-service from computers to employees. The key
    # step of the waterfall is what the simulator shows for going back to computers, negated.
    resolution = resolve_code(demo, "proposed")
    simulation = simulate_key(demo, resolution, "extern-service", "k-computers")
    assert simulation.current_key.code == "k-employees"
    e = explain(demo, resolution)
    for row in simulation.rows:
        key_part = next(o.part(Cause.KEY) for o in e[row.organisation].objects if o.object == "extern-service")
        assert key_part == -row.change


def test_simulator_changes_sum_to_zero(demo):
    simulation = simulate_key(demo, resolve_code(demo, "preparation"), "extern-service", "k-employees")
    assert simulation.current_key.code == "k-computers"
    assert sum(r.change for r in simulation.rows) == 0
    assert simulation.current_total == simulation.alternative_total == simulation.cost
    assert any(r.change > 0 for r in simulation.rows) and any(r.change < 0 for r in simulation.rows)


def test_simulator_keep_last_year(demo):
    simulation = simulate_key(demo, resolve_code(demo, "preparation"), "extern-service", KEEP_LAST_YEAR)
    assert simulation.alternative_key.code == "k-frozen-2025"
    assert sum(r.change for r in simulation.rows) == 0
    with pytest.raises(LookupError):
        simulate_key(demo, None, "extern-service", "no-such-key")


def test_bills_by_year_reports_missing_driver_values(demo):
    resolution = resolve_code(demo, "proposed")
    data = replace(demo, driver_values=tuple(v for v in demo.driver_values if v.year < 2029))
    bills = bills_by_year(data, resolution, "grundskola", range(2025, 2031))
    assert [b.amount is not None for b in bills] == [True, True, True, True, False, False]
    assert bills[-1].problems and all("no value of driver" in p for p in bills[-1].problems)
    assert bills[-1].amount_with_index is None and not bills[0].problems
    assert all(b.amount_with_index is not None and b.amount_with_index >= b.amount for b in bills[:4])


def test_explaining_some_organisations_reads_only_theirs_and_agrees_with_all(demo):
    """One organisation's explanation (the organisation page) reads its own column of the
    allocations and gives exactly what explaining every organisation gives it."""
    resolution = resolve_code(demo, "coordination_group")
    everyone = explain(demo, resolution)
    for chosen in (["grundskola"], ["intraservice", "forskola"], [o.code for o in demo.organisations[:3]]):
        assert explain(demo, resolution, chosen) == {org: everyone[org] for org in chosen}
