"""Distribution by every key method, on small hand-made cycles (no database)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from fordela.engine import model as m
from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import AllocationError
from fordela.engine.scenario import resolve_code

ORGS = (
    m.Organisation("a", "A", m.OrganisationKind.ADMINISTRATION),
    m.Organisation("b", "B", m.OrganisationKind.ADMINISTRATION),
    m.Organisation("c", "C", m.OrganisationKind.COMPANY),
    m.Organisation("sup", "Supplier", m.OrganisationKind.BOARD),
)


def cycle_with(method_key: m.DistributionKey, cost: int, **extra) -> m.CycleData:
    values = {"a": 3, "b": 1, "c": 0, "sup": 2}
    return m.CycleData(
        cycle=m.Cycle("t", "T", 2026, 2025, Decimal("0.03")),
        organisations=ORGS,
        drivers=(m.Driver("emp", "Employees", "st"),),
        driver_values=tuple(m.DriverValue("emp", o, y, Decimal(v)) for o, v in values.items() for y in (2024, 2025)),
        keys=(method_key,),
        services=(m.Service("s", "S", "sup", m.ServiceCategory.BASE),),
        service_years=(m.ServiceYear("s", 2025, method_key.code, cost=cost),),
        participation=tuple(m.Participation("s", o, 2020) for o in ("a", "b", "sup")),
        **extra,
    )


def amounts(allocation, kind=None):
    return {ln.organisation: ln.amount for ln in allocation.lines if kind is None or ln.kind == kind}


def test_driver_key_largest_remainder():
    data = cycle_with(m.DistributionKey("k", "K", m.KeyMethod.DRIVER, driver="emp"), 100)
    # weights 3,1,2 of 6: 50, 16.67, 33.33 → 50, 17, 33
    assert amounts(allocate(data, 2025)) == {"a": 50, "b": 17, "sup": 33}


def test_equal_key_ties_to_lower_code():
    data = cycle_with(m.DistributionKey("k", "K", m.KeyMethod.EQUAL), 100)
    assert amounts(allocate(data, 2025)) == {"a": 34, "b": 33, "sup": 33}


def test_negative_cost_is_symmetric():
    data = cycle_with(m.DistributionKey("k", "K", m.KeyMethod.EQUAL), -100)
    assert amounts(allocate(data, 2025)) == {"a": -34, "b": -33, "sup": -33}


def test_fixed_key_with_decimal_shares():
    key = m.DistributionKey("k", "K", m.KeyMethod.FIXED)
    shares = tuple(m.KeyShare("k", o, Decimal(s)) for o, s in (("a", "0.5"), ("b", "0.25"), ("sup", "0.25")))
    data = cycle_with(key, 1001, key_shares=shares)
    result = amounts(allocate(data, 2025))
    assert result == {"a": 501, "b": 250, "sup": 250}
    assert sum(result.values()) == 1001


def test_frozen_key_repeats_history_else_computes():
    frozen = m.DistributionKey("f", "Frozen", m.KeyMethod.FROZEN, frozen_year=2024)
    driver = m.DistributionKey("k", "K", m.KeyMethod.DRIVER, driver="emp")
    base = cycle_with(frozen, 1000)
    data = replace(
        base,
        keys=(frozen, driver),
        service_years=(m.ServiceYear("s", 2024, "k", cost=600), m.ServiceYear("s", 2025, "f", cost=1000)),
    )
    # computed from the package: 2024 split by employees 3:1:2
    assert amounts(allocate(data, 2025)) == {"a": 500, "b": 167, "sup": 333}
    history = tuple(m.AllocationHistory("s", o, 2024, a) for o, a in (("a", 100), ("b", 100), ("sup", 200)))
    assert amounts(allocate(replace(data, allocation_history=history), 2025)) == {"a": 250, "b": 250, "sup": 500}


def test_subscription_reports_under_recovery_never_spreads():
    key = m.DistributionKey("k", "K", m.KeyMethod.SUBSCRIPTION)
    subs = (m.Subscription("s", "a", 2025, Decimal("2.5"), 101), m.Subscription("s", "c", 2025, Decimal(1), 100))
    allocation = allocate(cycle_with(key, 1000, subscriptions=subs), 2025)
    assert amounts(allocation) == {"a": 253, "c": 100}  # 2.5 × 1.01 kr = 252.5 öre → 253 half-up
    assert [(r.kind, r.amount) for r in allocation.recoveries] == [("under_recovery", 647)]


def test_hybrid_spreads_the_remainder_by_solidarity_driver():
    key = m.DistributionKey("k", "K", m.KeyMethod.HYBRID, solidarity_driver="emp")
    subs = (m.Subscription("s", "b", 2025, Decimal(1), 400),)
    allocation = allocate(cycle_with(key, 1000, subscriptions=subs), 2025)
    assert amounts(allocation, "subscription") == {"b": 400}
    assert amounts(allocation, "service") == {"a": 300, "b": 100, "sup": 200}
    surplus = allocate(cycle_with(key, 300, subscriptions=subs), 2025)
    assert [(r.kind, r.amount) for r in surplus.recoveries] == [("surplus", -100)]


def test_errors_name_service_year_and_organisation():
    data = cycle_with(m.DistributionKey("k", "K", m.KeyMethod.DRIVER, driver="emp"), 100)
    data = replace(data, driver_values=tuple(v for v in data.driver_values if v.organisation != "b"))
    with pytest.raises(AllocationError) as error:
        allocate(data, 2025)
    assert error.value.problems == ("service s, year 2025, organisation b: no value of driver emp",)


def test_missing_driver_is_an_error():
    data = cycle_with(m.DistributionKey("k", "K", m.KeyMethod.DRIVER, driver="nope"), 100)
    with pytest.raises(AllocationError, match="names a missing driver"):
        allocate(data, 2025)


def test_zero_weights_are_an_error():
    data = cycle_with(m.DistributionKey("k", "K", m.KeyMethod.DRIVER, driver="emp"), 100)
    data = replace(data, participation=(m.Participation("s", "c", 2020),))
    with pytest.raises(AllocationError, match="weight is zero"):
        allocate(data, 2025)


def test_demo_every_year_and_scenario_sums_exactly(demo):
    for code in ("proposed", "preparation", "coordination_group", "utan-nya-insatser"):
        resolution = resolve_code(demo, code)
        allocation = allocate(demo, 2026, resolution)
        by_object = allocation.by_object()
        recovered = {r.object: r.amount for r in allocation.recoveries}
        for obj in allocation.objects:
            assert by_object.get(obj.code, 0) + recovered.get(obj.code, 0) == obj.cost, (code, obj.code)
    base = allocate(demo, 2025)
    assert sum(base.by_organisation().values()) > 0


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    cost=st.integers(min_value=-(10**13), max_value=10**13),
    values=st.lists(st.decimals(min_value=0, max_value=10**6, places=2), min_size=3, max_size=3),
    method=st.sampled_from(["driver", "equal", "fixed"]),
)
def test_every_split_sums_exactly_and_follows_the_weights(cost, values, method):
    key = m.DistributionKey("k", "K", m.KeyMethod(method), driver="emp" if method == "driver" else None)
    data = cycle_with(key, cost)
    weights = dict(zip(("a", "b", "sup"), values, strict=True))
    data = replace(
        data,
        driver_values=tuple(m.DriverValue("emp", o, 2025, v) for o, v in weights.items()),
        key_shares=tuple(m.KeyShare("k", o, v) for o, v in weights.items()),
    )
    if method != "equal" and sum(values) == 0:
        with pytest.raises(AllocationError):
            allocate(data, 2025)
        return
    result = amounts(allocate(data, 2025))
    assert sum(result.values()) == cost
    effective = {o: (1 if method == "equal" else w) for o, w in weights.items()}
    total = sum(effective.values())
    for org, amount in result.items():
        exact = cost * effective[org] / total
        assert abs(amount - exact) < 1  # largest remainder: within one öre of the exact share
