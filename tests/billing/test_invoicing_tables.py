"""The invoicing tables of the package are validated like every other table."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from fordela.engine import model as m
from fordela.package.rows import RawTable
from fordela.package.validate import validate_cycle_data, validate_tables


def test_an_exemption_must_not_end_before_it_starts(demo):
    backwards = m.Exemption("e-arkiv", "kultur", 2026, m.Period.Q4, m.Period.M03)
    problems = validate_cycle_data(replace(demo, exemptions=(backwards,)))
    assert [(p.table, p.column) for p in problems] == [("exemptions", "to_period")]
    assert "ends before" in problems[0].message


def test_incurred_costs_belong_to_an_initiative_invoiced_after_incurred(demo):
    wrong = m.IncurredCost("is-kravkatalog", 2026, m.Period.Q1, 100_00)
    problems = validate_cycle_data(replace(demo, incurred_costs=(wrong,)))
    assert [(p.table, p.column) for p in problems] == [("incurred_costs", "proposal")]
    assert "invoice_after_incurred" in problems[0].message


def test_periods_and_kinds_are_checked_cell_by_cell():
    raw = {
        "vat_rules": RawTable.from_records(
            "vat_rules", [{"organisation_kind": "bolag", "category": "base", "rate": "-1"}]
        ),
        "incurred_costs": RawTable.from_records(
            "incurred_costs", [{"proposal": "x", "year": "2026", "period": "q5", "amount": "1"}]
        ),
    }
    found = {(p.table, p.column) for p in validate_tables(raw)}
    assert {("vat_rules", "organisation_kind"), ("vat_rules", "rate"), ("incurred_costs", "period")} <= found


def test_the_demo_rules_are_25_percent_for_companies(demo):
    assert {(r.organisation_kind, r.rate) for r in demo.vat_rules} == {(m.OrganisationKind.COMPANY, Decimal("0.25"))}
