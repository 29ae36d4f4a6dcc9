"""The tables and columns of the cycle package: the one machine-readable contract.

``docs/package.md`` is written from this module (``fordela schema --format markdown``) and
``schema.json`` from ``as_json_schema()``; a test keeps both in step with the code. The types
it is declared with (`Kind`, `Column`, `Table`, the length limits) are in ``schema_types``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from fordela.engine import model as m
from fordela.engine.parse import RATE, YEAR
from fordela.package.schema_types import (
    TITLE_LENGTH,
    UNIT_LENGTH,
    Kind,
    Table,
    _c,
    _code,
    _enum,
    _money,
    _name,
    _ref,
    _text,
    _year,
)

TABLES: tuple[Table, ...] = (
    Table(
        "cycle",
        m.Cycle,
        (
            _code("Code of the cycle, e.g. goteborg-2026"),
            _name("Title shown to users", name="title"),
            _year("target_year", "The budget year being planned"),
            _year("base_year", "The year whose decided budget the bridge starts from"),
            _c(
                "index_rate", Kind.DECIMAL, "Price index for the target year, e.g. 0.03", non_negative=True, number=RATE
            ),
            _c("first_year", Kind.INTEGER, "First year with data (default base_year − 5)", required=False, number=YEAR),
            _c(
                "last_year",
                Kind.INTEGER,
                "Last year of the outlook (default target_year + 4)",
                required=False,
                number=YEAR,
            ),
            _ref("current_stage", "review_stages", "The review stage the cycle has reached", required=False),
            _text("note", "Free text, e.g. which values are illustrative"),
        ),
        ("code",),
        "The cycle itself: exactly one row.",
        single_row=True,
    ),
    Table(
        "organisations",
        m.Organisation,
        (
            _code(),
            _name("Name shown to users"),
            _enum("kind", m.OrganisationKind, "administration, company or board (a supplier)"),
            _text("note", "Free text, e.g. 'illustrativ'"),
        ),
        ("code",),
        "Every organisation that supplies or pays for services.",
    ),
    Table(
        "drivers",
        m.Driver,
        (_code(), _name(), _name("Unit, e.g. st", name="unit", max_length=UNIT_LENGTH)),
        ("code",),
        "Quantities that keys are based on (employees, admin computers, payslips).",
    ),
    Table(
        "driver_values",
        m.DriverValue,
        (
            _ref("driver", "drivers", "The driver"),
            _ref("organisation", "organisations", "The organisation"),
            _year("year", "The year the value applies to"),
            _c("value", Kind.DECIMAL, "The value, never negative", non_negative=True),
            _text("note", "Where the row comes from, e.g. 'illustrativ'"),
        ),
        ("driver", "organisation", "year"),
        "Each organisation's value of each driver per year.",
    ),
    Table(
        "keys",
        m.DistributionKey,
        (
            _code(),
            _name(),
            _enum("method", m.KeyMethod, "driver, equal, fixed, frozen, subscription or hybrid"),
            _ref("driver", "drivers", "The driver of a `driver` key", required=False),
            _year("frozen_year", "The year whose split a `frozen` key repeats", required=False),
            _ref("solidarity_driver", "drivers", "The driver that spreads a `hybrid` key's remainder", required=False),
            _text("note", "Where the row comes from, e.g. 'illustrativ'"),
        ),
        ("code",),
        "Distribution keys: the rules that split a service's cost among its participants.",
    ),
    Table(
        "key_shares",
        m.KeyShare,
        (
            _ref("key", "keys", "A `fixed` key"),
            _ref("organisation", "organisations", "The organisation"),
            _c("share", Kind.DECIMAL, "Its share (any non-negative decimal; normalised)", non_negative=True),
            _text("note", "Where the row comes from, e.g. 'illustrativ'"),
        ),
        ("key", "organisation"),
        "The shares of `fixed` keys.",
    ),
    Table(
        "services",
        m.Service,
        (
            _code(),
            _name(),
            _ref("supplier", "organisations", "The supplier (a board)"),
            _enum("category", m.ServiceCategory, "base, add_on, infrastructure or opt_in"),
            _text("description", "What the service delivers; development plans"),
        ),
        ("code",),
        "The service catalogue.",
    ),
    Table(
        "service_years",
        m.ServiceYear,
        (
            _ref("service", "services", "The service"),
            _year("year", "The year"),
            _ref("key", "keys", "The key that splits the cost this year"),
            _money("cost", "Budget (past and base year) or the supplier's proposal (later years)", required=False),
            _money(
                "development_within_service", "Of which development within service", required=False, non_negative=True
            ),
            _money("outcome", "Actual cost of a past year", required=False),
            _text("note", "Where the row comes from, e.g. 'illustrativ'"),
        ),
        ("service", "year"),
        "Each service's cost history and key per year. A row after the base year must equal the "
        "base-year cost plus the management amounts of all the service's proposals.",
    ),
    Table(
        "participation",
        m.Participation,
        (
            _ref("service", "services", "The service"),
            _ref("organisation", "organisations", "The participant"),
            _year("from_year", "First year of participation"),
            _year("to_year", "Last year (empty = open)", required=False),
            _text("note", "Where the row comes from, e.g. 'illustrativ'"),
        ),
        ("service", "organisation", "from_year"),
        "Who takes part in which service, from which year to which year.",
    ),
    Table(
        "subscriptions",
        m.Subscription,
        (
            _ref("service", "services", "An add-on or opt-in service"),
            _ref("organisation", "organisations", "The subscriber"),
            _year("year", "The year"),
            _c("quantity", Kind.DECIMAL, "Quantity ordered", non_negative=True),
            _money("unit_price", "Price per unit in SEK", non_negative=True),
            _text("note", "Where the row comes from, e.g. 'illustrativ'"),
        ),
        ("service", "organisation", "year"),
        "Subscriptions to add-on and opt-in services: quantity × unit price.",
    ),
    Table(
        "allocation_history",
        m.AllocationHistory,
        (
            _ref("service", "services", "The service"),
            _ref("organisation", "organisations", "The organisation"),
            _year("year", "The year"),
            _money("amount", "What the organisation was charged"),
            _text("note", "Where the row comes from, e.g. 'illustrativ'"),
        ),
        ("service", "organisation", "year"),
        "Amounts actually allocated in past years (used by `frozen` keys).",
    ),
    Table(
        "review_stages",
        m.ReviewStage,
        (
            _code(),
            _name("Name, e.g. Beredning"),
            _c("position", Kind.INTEGER, "Order: a later stage overrules an earlier one", non_negative=True),
        ),
        ("code",),
        "The review stages in order: preparation, coordination group, council.",
    ),
    Table(
        "proposals",
        m.Proposal,
        (
            _code(),
            _ref("supplier", "organisations", "The supplier that files it"),
            _enum("kind", m.ProposalKind, "What kind of proposal"),
            _name("Title", name="title", max_length=TITLE_LENGTH),
            _enum("financing", m.Financing, "How it is financed"),
            _ref("service", "services", "The service it concerns or creates", required=False),
            _ref("key", "keys", "The key that splits an initiative's cost", required=False),
            _enum(
                "proposed_category", m.ServiceCategory, "New category (re-categorisation, new service)", required=False
            ),
            _ref("proposed_key", "keys", "New key (key change)", required=False),
            _money("future_management_cost", "Yearly management cost once running (negative = saving)", required=False),
            _year("future_management_from_year", "First year of that future management cost", required=False),
            _c("already_decided", Kind.BOOL, "An initiative decided in an earlier cycle", required=False),
            _text("description", "The proposal text"),
        ),
        ("code",),
        "The annual analysis: every proposal a supplier files.",
    ),
    Table(
        "proposal_amounts",
        m.ProposalAmount,
        (
            _ref("proposal", "proposals", "The proposal"),
            _year("year", "The year"),
            _enum(
                "type",
                m.AmountType,
                "development (one-off that year) or management (level change vs the base year, held until changed)",
            ),
            _money("amount", "Amount in SEK"),
        ),
        ("proposal", "year", "type"),
        "The amounts of each proposal per year and type.",
    ),
    Table(
        "reviews",
        m.Review,
        (
            _ref("proposal", "proposals", "The proposal"),
            _ref("stage", "review_stages", "The stage"),
            _enum("outcome", m.ReviewOutcome, "The outcome"),
            _c(
                "future_management_approved",
                Kind.BOOL,
                "Whether the future management cost is approved",
                required=False,
            ),
            _text("comment", "The stage's comment"),
        ),
        ("proposal", "stage"),
        "Each stage's outcome per proposal.",
    ),
    Table(
        "review_amounts",
        m.ReviewAmount,
        (
            _ref("proposal", "proposals", "The proposal"),
            _ref("stage", "review_stages", "The stage"),
            _year("year", "The year"),
            _enum("type", m.AmountType, "development or management"),
            _money("amount", "The approved amount"),
        ),
        ("proposal", "stage", "year", "type"),
        "Approved amounts where a stage approves less than proposed (none listed = all proposed amounts).",
        composite_refs=((("proposal", "stage"), "reviews", ("proposal", "stage")),),
    ),
    Table(
        "review_conditions",
        m.ReviewCondition,
        (
            _ref("proposal", "proposals", "The proposal"),
            _ref("stage", "review_stages", "The stage"),
            _enum("kind", m.ConditionKind, "invoice_after_incurred, prerequisite or other"),
            _text("text", "The condition in words"),
        ),
        ("proposal", "stage", "kind"),
        "Conditions attached to an approval.",
        composite_refs=((("proposal", "stage"), "reviews", ("proposal", "stage")),),
    ),
    Table(
        "scenarios",
        m.Scenario,
        (
            _code(),
            _name(),
            _enum("kind", m.ScenarioKind, "explicit, all_proposed or stage"),
            _ref("stage", "review_stages", "The stage of a `stage` scenario", required=False),
            _text("description", "What the scenario is for"),
        ),
        ("code",),
        "Named selections of proposals.",
    ),
    Table(
        "scenario_proposals",
        m.ScenarioProposal,
        (
            _ref("scenario", "scenarios", "An explicit scenario"),
            _ref("proposal", "proposals", "A proposal it includes"),
        ),
        ("scenario", "proposal"),
        "The proposals of each explicit scenario.",
    ),
    Table(
        "budget_lines",
        m.BudgetLine,
        (
            _ref("supplier", "organisations", "The supplier"),
            _year("year", "The year"),
            _enum("line", m.BudgetLineKind, "change_initiatives: decided development budget that year"),
            _money("amount", "Amount in SEK"),
            _text("note", "Where the figure comes from"),
        ),
        ("supplier", "year", "line"),
        "Decided budget figures that are not in the catalogue (the base year's change initiatives).",
    ),
    Table(
        "incurred_costs",
        m.IncurredCost,
        (
            _ref("proposal", "proposals", "An initiative approved with the condition invoice_after_incurred"),
            _year("year", "The year"),
            _enum("period", m.Period, "The period the costs were incurred: q1–q4 or m01–m12"),
            _money("amount", "Costs incurred in the period, in SEK"),
            _text("note", "Where the figure comes from, e.g. the supplier's ledger"),
        ),
        ("proposal", "year", "period"),
        "Costs actually incurred by initiatives that may only be invoiced after they are incurred; "
        "charged in the invoicing period that holds the end of `period`, never beyond the approved amount.",
    ),
    Table(
        "vat_rules",
        m.VatRule,
        (
            _enum("organisation_kind", m.OrganisationKind, "The kind of customer, e.g. company"),
            _enum("category", m.ServiceCategory, "The category of service"),
            _c("rate", Kind.DECIMAL, "VAT rate, e.g. 0.25", non_negative=True, number=RATE),
            _text("note", "Where the row comes from, e.g. 'illustrativ'"),
        ),
        ("organisation_kind", "category"),
        "VAT on invoices: companies are separate legal entities and pay VAT where the city's rules say so. "
        "No rule = no VAT (administrations and boards belong to the municipality).",
    ),
    Table(
        "exemptions",
        m.Exemption,
        (
            _ref("service", "services", "A base service"),
            _ref("organisation", "organisations", "The exempted organisation"),
            _year("year", "The year"),
            _enum("from_period", m.Period, "First period of the exemption (q1–q4 or m01–m12)"),
            _enum("to_period", m.Period, "Last period of the exemption"),
            _text("reason", "The decision behind the dispens"),
        ),
        ("service", "organisation", "year", "from_period"),
        "Dispens: an organisation not charged for a base service in some periods; its share is re-split "
        "among the service's other participants by the same key (docs/invoicing.md).",
    ),
    Table(
        "analysis_texts",
        m.AnalysisText,
        (
            _ref("supplier", "organisations", "The supplier whose annual analysis it belongs to"),
            _enum("section", m.AnalysisSection, "Which part: the supplier's or the coordination group's"),
            _text(
                "text",
                "Plain text: paragraphs separated by a blank line, a line starting with '- ' is a bullet",
                required=True,
            ),
            _ref("service", "services", "The service of a service_development section", required=False),
            _ref("proposal", "proposals", "The proposal of a proposal_comment section", required=False),
            _text("note", "Where the text comes from, e.g. the seed document"),
        ),
        ("supplier", "section", "service", "proposal"),
        "The written annual analysis per supplier (seeds/004…: introduction, services delivered, new and "
        "retired services, management cost, key changes and the dialogue held, development per service) and "
        "the coordination group's framing, comments per proposal, conclusions and recommendation to the "
        "council (seeds/000…). Figures are not written here: the documents insert them from the engine.",
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def check_matches_model() -> None:
    """Raise if a table's columns and its row type's fields ever drift apart."""
    for table in TABLES:
        names = {f.name for f in fields(table.row_type)}
        if names != set(table.column_names):
            raise AssertionError(f"{table.name}: columns {sorted(table.column_names)} != fields {sorted(names)}")
        field_name = next(f.name for f in fields(m.CycleData) if f.name == table.name)
        assert field_name == table.name


def as_json_schema() -> dict[str, Any]:
    """The package contract as a JSON document (tables, columns, types, references)."""
    return {
        "tables": [
            {
                "name": t.name,
                "description": t.description,
                "primary_key": list(t.primary_key),
                "single_row": t.single_row,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.kind.value,
                        "required": c.required,
                        "description": c.description,
                        **({"references": f"{c.ref}.code"} if c.ref else {}),
                        **({"choices": [e.value for e in c.choices]} if c.choices else {}),
                        **({"non_negative": True} if c.non_negative else {}),
                        **({"max_length": c.max_length} if c.max_length is not None else {}),
                        **(
                            {
                                "decimals": c.number.places,
                                "minimum": format(c.number.minimum, "f"),
                                "maximum": format(c.number.maximum, "f"),
                            }
                            if c.number is not None
                            else {}
                        ),
                    }
                    for c in t.columns
                ],
            }
            for t in TABLES
        ]
    }
