"""The invoicing base: exact periods, index, invoice after incurred, dispens, VAT."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import CostObject, SplitBlock
from fordela.engine.bridge import with_index
from fordela.engine.invoicing import (
    Granularity,
    InvoicingError,
    charged_after_incurred,
    indexed_amounts,
    indexed_split,
    invoicing_base,
    month_split,
    parse_period,
    period_part,
)
from fordela.engine.model import DistributionKey, KeyMethod, OrganisationKind, Period
from fordela.engine.scenario import resolve_code

KEY = DistributionKey("k-equal", "Lika", KeyMethod.EQUAL)
AFTER_INCURRED = ("is-flexibilitet-di", "is-it-sakerhet")


@pytest.fixture(scope="module")
def decided(demo):
    return resolve_code(demo, "coordination_group")


@pytest.fixture(scope="module")
def everyone(demo):
    """Every supplier invoiced for its own services too: the whole distribution as lines."""
    return frozenset(o.code for o in demo.organisations)


@pytest.fixture(scope="module")
def quarterly(demo, decided, everyone):
    return invoicing_base(demo, 2026, decided, own_services=everyone)


@pytest.fixture(scope="module")
def allocation(demo, decided):
    return allocate(demo, 2026, decided)


def _sums(lines, *keys):
    totals = defaultdict(int)
    for line in lines:
        totals[tuple(getattr(line, k) for k in keys)] += line.net
    return dict(totals)


def test_every_key_distributed_object_sums_to_its_indexed_total(demo, quarterly, allocation):
    invoiced = _sums(quarterly.lines, "object")
    exempt_unshared = sum(n.amount for n in quarterly.not_invoiced if n.kind == "exempted_unshared")
    assert exempt_unshared == 0
    weighted = defaultdict(int)
    for line in allocation.lines:
        if line.kind != "subscription":
            weighted[line.object] += line.amount
    subscriptions = _sums([ln for ln in quarterly.lines if ln.kind == "subscription"], "object")
    for obj, total in weighted.items():
        if obj in AFTER_INCURRED:
            continue
        assert invoiced.get((obj,), 0) - subscriptions.get((obj,), 0) == with_index(total, Decimal("0.03")), obj


def test_each_organisations_year_is_its_indexed_share_split_over_periods(quarterly):
    per_org = _sums([ln for ln in quarterly.lines if ln.kind in ("service", "initiative")], "object", "organisation")
    per_object = _sums([ln for ln in quarterly.lines if ln.kind in ("service", "initiative")], "object")
    # Without a dispens, an organisation's four quarters are the exact split of its yearly amount.
    lines = [ln for ln in quarterly.lines if ln.object == "office365" and ln.organisation == "grundskola"]
    assert [ln.period for ln in lines] == [Period.Q1, Period.Q2, Period.Q3, Period.Q4]
    year = per_org[("office365", "grundskola")]
    assert [ln.net for ln in lines] == [sum(month_split(year)[3 * q : 3 * q + 3]) for q in range(4)]
    assert sum(per_object.values()) > 0


def test_subscriptions_are_charged_at_their_price_without_index(quarterly, allocation):
    subs = {(ln.object, ln.organisation): ln.amount for ln in allocation.lines if ln.kind == "subscription"}
    assert subs
    assert _sums([ln for ln in quarterly.lines if ln.kind == "subscription"], "object", "organisation") == subs


def test_after_incurred_charges_what_is_incurred_capped_at_the_approved_amount(demo, quarterly):
    incurred = {(r.proposal, r.period): r.amount for r in demo.incurred_costs}
    flexibility = _sums([ln for ln in quarterly.lines if ln.object == "is-flexibilitet-di"], "period")
    # 3,4 mkr incurred of 4 mkr approved (4,12 with index): every quarter charged as incurred
    assert flexibility == {(q,): incurred[("is-flexibilitet-di", q)] for q in Period if q.value.startswith("q")}
    security = _sums([ln for ln in quarterly.lines if ln.object == "is-it-sakerhet"], "period")
    cap = with_index(9_000_000_00, Decimal("0.03"))
    assert sum(security.values()) == cap < sum(v for (p, _), v in incurred.items() if p == "is-it-sakerhet")
    assert security[(Period.Q4,)] == cap - 7_000_000_00  # the cap is reached in the fourth quarter
    rest = {n.object: n.amount for n in quarterly.not_invoiced if n.kind == "not_incurred"}
    assert rest == {"is-flexibilitet-di": with_index(4_000_000_00, Decimal("0.03")) - 3_400_000_00}
    assert all(ln.kind == "incurred" for ln in quarterly.lines if ln.object in AFTER_INCURRED)


def test_dispens_moves_the_exempted_share_to_the_other_participants(quarterly):
    lines = [ln for ln in quarterly.lines if ln.object == "e-arkiv"]
    own = _sums([ln for ln in lines if ln.organisation == "stadsbyggnad"], "period", "kind")
    assert set(own) == {(Period.Q1, "service"), (Period.Q2, "service")}
    exempted = sum(e.amount for e in quarterly.exempted if e.organisation == "stadsbyggnad")
    year = own[(Period.Q1, "service")] + own[(Period.Q2, "service")] + exempted
    assert exempted == sum(month_split(year)[6:])  # exactly its months July–December
    shares = sum(ln.net for ln in lines if ln.kind == "exemption_share")
    assert shares == exempted
    by_quarter = _sums(lines, "period")
    assert sum(by_quarter.values()) == sum(ln.net for ln in lines)
    assert {ln.period for ln in lines if ln.kind == "exemption_share"} == {Period.Q3, Period.Q4}


def test_companies_pay_vat_administrations_do_not(demo, quarterly):
    kinds = {o.code: o.kind for o in demo.organisations}
    company = [ln for ln in quarterly.lines if kinds[ln.organisation] is OrganisationKind.COMPANY]
    assert company and all(ln.vat_rate == Decimal("0.25") for ln in company)
    assert all(ln.vat == (ln.net * 25 + 50) // 100 for ln in company if ln.net >= 0)
    assert all(ln.vat == 0 for ln in quarterly.lines if kinds[ln.organisation] is not OrganisationKind.COMPANY)


def test_months_and_quarters_agree(demo, decided, quarterly, everyone):
    monthly = invoicing_base(demo, 2026, decided, granularity=Granularity.MONTH, own_services=everyone)
    by_quarter = defaultdict(int)
    for ln in monthly.lines:
        quarter = Period(f"q{(ln.period.months[0] - 1) // 3 + 1}")
        by_quarter[(quarter, ln.object, ln.organisation, ln.kind)] += ln.net
    assert by_quarter == {(ln.period, ln.object, ln.organisation, ln.kind): ln.net for ln in quarterly.lines}


def test_a_year_after_the_base_year_needs_the_decided_scenario(demo):
    with pytest.raises(InvoicingError, match="name the decided scenario"):
        invoicing_base(demo, 2026)


def test_the_base_year_is_invoiced_without_index(demo):
    base = invoicing_base(demo, 2025)
    assert base.index_years == 0
    own = sum(n.amount for n in base.not_invoiced if n.kind == "own_service")
    assert base.net_total() + own == sum(ln.amount for ln in allocate(demo, 2025).lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("q1", (2026, Period.Q1)),
        ("2026-Q3", (2026, Period.Q3)),
        ("m3", (2026, Period.M03)),
        ("2026-m12", (2026, Period.M12)),
    ],
)
def test_parse_period(text, expected):
    assert parse_period(text, 2026) == expected


@pytest.mark.parametrize("text", ["q5", "2026-x1", "m13", "hösten"])
def test_parse_period_refuses_nonsense(text):
    with pytest.raises(ValueError, match="not a period"):
        parse_period(text, 2026)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_months_always_sum_exactly_to_the_year(amount):
    months = month_split(amount)
    assert len(months) == 12 and sum(months) == amount
    assert max(months) - min(months) <= 1
    quarters = [sum(months[i : i + 3]) for i in range(0, 12, 3)]
    assert sum(quarters) == amount


@given(st.integers(-(10**13), 10**13), st.integers(0, 12), st.integers(0, 12))
def test_a_period_part_is_the_sum_of_its_months(amount, start, stop):
    start, stop = min(start, stop), max(start, stop)
    assert period_part(amount, start, stop) == sum(month_split(amount)[start:stop])


@given(st.dictionaries(st.integers(1, 12), st.integers(0, 10**10)), st.integers(0, 10**11))
def test_after_incurred_never_charges_more_than_incurred_nor_approved(incurred, cap):
    charges, rest = charged_after_incurred(incurred, cap)
    assert all(c >= 0 for c in charges)
    cumulative_incurred = cumulative_charged = 0
    for month, charge in enumerate(charges, start=1):
        cumulative_incurred += incurred.get(month, 0)
        cumulative_charged += charge
        assert cumulative_charged <= cumulative_incurred
        assert cumulative_charged <= cap
    assert cumulative_charged == min(sum(incurred.values()), cap)
    assert rest == cap - cumulative_charged


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 10**9), min_size=1),
    st.decimals(min_value=0, max_value=1, places=4),
    st.integers(0, 3),
)
def test_indexed_split_sums_to_the_indexed_total(amounts, rate, years):
    total = sum(amounts.values())
    parts = indexed_split(total, amounts, rate, years)
    assert set(parts) == set(amounts)
    assert sum(parts.values()) == (with_index(total, rate, years) if years and total else total)


@given(
    st.lists(
        st.dictionaries(st.sampled_from("abcdefgh"), st.integers(-(10**9), 10**9), min_size=1),
        min_size=1,
        max_size=6,
    ),
    st.decimals(min_value=0, max_value=1, places=4),
    st.integers(0, 3),
)
def test_indexing_every_object_at_once_is_indexing_each_alone(rows, rate, years):
    """`indexed_amounts` (one vectorised split for all objects) gives what `indexed_split`
    gives each object, to the öre: participants with 0 öre, negative amounts and rows that
    sum to 0 included."""
    organisations = tuple(sorted({org for row in rows for org in row}))
    amounts = np.zeros((len(rows), len(organisations)), dtype=np.int64)
    member = np.zeros(amounts.shape, dtype=bool)
    for i, row in enumerate(rows):
        for org, amount in row.items():
            amounts[i, organisations.index(org)] = amount
            member[i, organisations.index(org)] = True
    objects = tuple(CostObject(f"o{i}", "service", 0, KEY, tuple(sorted(row))) for i, row in enumerate(rows))
    block = SplitBlock(objects, (0,) * len(rows), tuple(rows), organisations, amounts, member)
    indexed = indexed_amounts(block, rate, years)
    for i, row in enumerate(rows):
        assert block.row(i, indexed) == indexed_split(sum(row.values()), row, rate, years)


def test_a_supplier_is_not_invoiced_for_its_own_services_unless_configured(demo, decided, quarterly):
    default = invoicing_base(demo, 2026, decided)
    own = [ln for ln in quarterly.lines if ln.supplier == ln.organisation]
    assert own, "the demo has suppliers using their own services"
    assert not any(ln.supplier == ln.organisation for ln in default.lines)
    assert set(default.lines) == set(quarterly.lines) - set(own)
    # What is not invoiced is reported, per object and supplier, to the öre.
    reported = {(n.object, n.organisation): n.amount for n in default.not_invoiced if n.kind == "own_service"}
    expected = defaultdict(int)
    for ln in own:
        expected[(ln.object, ln.organisation)] += ln.net
    assert reported == dict(expected)
    one = own[0].supplier
    configured = invoicing_base(demo, 2026, decided, own_services=frozenset({one}))
    assert {ln.supplier for ln in configured.lines if ln.supplier == ln.organisation} == {one}
