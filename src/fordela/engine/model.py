"""Plain, immutable data of one cycle: the tables of the cycle package as typed rows.

Money is ``int`` öre, years are ``int``, decimals (driver values, shares, quantities,
index rate) are ``Decimal``. Every field name equals the column name in the exchange format
(``fordela.package.schema``), so a row can be built with ``Row(**columns)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class OrganisationKind(StrEnum):
    ADMINISTRATION = "administration"
    COMPANY = "company"
    BOARD = "board"


class KeyMethod(StrEnum):
    DRIVER = "driver"
    EQUAL = "equal"
    FIXED = "fixed"
    FROZEN = "frozen"
    SUBSCRIPTION = "subscription"
    HYBRID = "hybrid"


class ServiceCategory(StrEnum):
    BASE = "base"
    ADD_ON = "add_on"
    INFRASTRUCTURE = "infrastructure"
    OPT_IN = "opt_in"


class ProposalKind(StrEnum):
    NEW_SERVICE = "new_service"
    RECATEGORISATION = "recategorisation"
    KEY_CHANGE = "key_change"
    CHANGE_INITIATIVE = "change_initiative"
    DEVELOPMENT_WITHIN_SERVICE = "development_within_service"
    SUPPLIER_CONTRACT = "supplier_contract"
    SETTLEMENT = "settlement"
    EFFICIENCY = "efficiency"
    VOLUME_CHANGE = "volume_change"


class Financing(StrEnum):
    SOLIDARITY = "solidarity"  # shared by all participants through a key
    ADD_ON = "add_on"  # paid by the customers who buy the add-on service
    USERS = "users"  # joiners pay for what they use (opt-in)
    OWN_FUNDS = "own_funds"  # egna medel: not charged to customers
    MUNICIPAL_GRANT = "municipal_grant"  # kommunbidrag: not charged
    GRANT_CALL = "grant_call"  # utlysning: not charged


class AmountType(StrEnum):
    DEVELOPMENT = "development"
    MANAGEMENT = "management"


class ReviewOutcome(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    APPROVE_AS_ADD_ON = "approve_as_add_on"
    REJECT = "reject"
    DEFER = "defer"


class ConditionKind(StrEnum):
    INVOICE_AFTER_INCURRED = "invoice_after_incurred"
    PREREQUISITE = "prerequisite"
    OTHER = "other"


class ScenarioKind(StrEnum):
    EXPLICIT = "explicit"  # the proposals listed in scenario_proposals, as proposed
    ALL_PROPOSED = "all_proposed"  # everything proposed, as proposed
    STAGE = "stage"  # as decided by a review stage; a later stage overrules an earlier one


class BudgetLineKind(StrEnum):
    CHANGE_INITIATIVES = "change_initiatives"


class Period(StrEnum):
    """An invoicing period within a year: a quarter or a month (see engine/invoicing.py)."""

    Q1 = "q1"
    Q2 = "q2"
    Q3 = "q3"
    Q4 = "q4"
    M01 = "m01"
    M02 = "m02"
    M03 = "m03"
    M04 = "m04"
    M05 = "m05"
    M06 = "m06"
    M07 = "m07"
    M08 = "m08"
    M09 = "m09"
    M10 = "m10"
    M11 = "m11"
    M12 = "m12"

    @property
    def months(self) -> range:
        """The months (1–12) the period covers."""
        number = int(self.value[1:])
        if self.value.startswith("q"):
            return range(3 * number - 2, 3 * number + 1)
        return range(number, number + 1)


@dataclass(frozen=True, slots=True)
class Cycle:
    code: str
    title: str
    target_year: int
    base_year: int
    index_rate: Decimal
    first_year: int | None = None
    last_year: int | None = None
    current_stage: str | None = None
    note: str = ""

    @property
    def years(self) -> range:
        first = self.first_year if self.first_year is not None else self.base_year - 5
        last = self.last_year if self.last_year is not None else self.target_year + 4
        return range(first, last + 1)


@dataclass(frozen=True, slots=True)
class Organisation:
    code: str
    name: str
    kind: OrganisationKind
    note: str = ""


@dataclass(frozen=True, slots=True)
class Driver:
    code: str
    name: str
    unit: str


@dataclass(frozen=True, slots=True)
class DriverValue:
    driver: str
    organisation: str
    year: int
    value: Decimal
    note: str = ""  # where the row comes from, e.g. "illustrativ"


@dataclass(frozen=True, slots=True)
class DistributionKey:
    code: str
    name: str
    method: KeyMethod
    driver: str | None = None
    frozen_year: int | None = None
    solidarity_driver: str | None = None
    note: str = ""  # where the row comes from, e.g. "illustrativ"


@dataclass(frozen=True, slots=True)
class KeyShare:
    key: str
    organisation: str
    share: Decimal
    note: str = ""  # where the row comes from, e.g. "illustrativ"


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    name: str
    supplier: str
    category: ServiceCategory
    description: str = ""


@dataclass(frozen=True, slots=True)
class ServiceYear:
    service: str
    year: int
    key: str
    cost: int | None = None
    development_within_service: int | None = None
    outcome: int | None = None
    note: str = ""  # where the row comes from, e.g. "illustrativ"


@dataclass(frozen=True, slots=True)
class Participation:
    service: str
    organisation: str
    from_year: int
    to_year: int | None = None
    note: str = ""  # where the row comes from, e.g. "illustrativ"

    def covers(self, year: int) -> bool:
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True, slots=True)
class Subscription:
    service: str
    organisation: str
    year: int
    quantity: Decimal
    unit_price: int
    note: str = ""  # where the row comes from, e.g. "illustrativ"


@dataclass(frozen=True, slots=True)
class AllocationHistory:
    service: str
    organisation: str
    year: int
    amount: int
    note: str = ""  # where the row comes from, e.g. "illustrativ"


@dataclass(frozen=True, slots=True)
class ReviewStage:
    code: str
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Proposal:
    code: str
    supplier: str
    kind: ProposalKind
    title: str
    financing: Financing
    service: str | None = None
    key: str | None = None
    proposed_category: ServiceCategory | None = None
    proposed_key: str | None = None
    future_management_cost: int | None = None
    future_management_from_year: int | None = None
    already_decided: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class ProposalAmount:
    proposal: str
    year: int
    type: AmountType
    amount: int


@dataclass(frozen=True, slots=True)
class Review:
    proposal: str
    stage: str
    outcome: ReviewOutcome
    future_management_approved: bool = False
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ReviewAmount:
    proposal: str
    stage: str
    year: int
    type: AmountType
    amount: int


@dataclass(frozen=True, slots=True)
class ReviewCondition:
    proposal: str
    stage: str
    kind: ConditionKind
    text: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    code: str
    name: str
    kind: ScenarioKind
    stage: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class ScenarioProposal:
    scenario: str
    proposal: str


@dataclass(frozen=True, slots=True)
class BudgetLine:
    supplier: str
    year: int
    line: BudgetLineKind
    amount: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class IncurredCost:
    """Costs an initiative approved "invoice after incurred" has actually incurred in a period."""

    proposal: str
    year: int
    period: Period
    amount: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class VatRule:
    """The VAT rate on what an organisation of a kind is invoiced for a category of service."""

    organisation_kind: OrganisationKind
    category: ServiceCategory
    rate: Decimal
    note: str = ""  # where the row comes from, e.g. "illustrativ"


@dataclass(frozen=True, slots=True)
class Exemption:
    """Dispens: an organisation not charged for a service from one period to another of a year."""

    service: str
    organisation: str
    year: int
    from_period: Period
    to_period: Period
    reason: str = ""


class AnalysisSection(StrEnum):
    """The written parts of a supplier's annual analysis (seeds/004…) and of the coordination
    group's deck about it (seeds/000…), in reading order."""

    # written by the supplier
    INTRODUCTION = "introduction"  # inledning och uppdrag
    SERVICES_DELIVERED = "services_delivered"  # the base services delivered
    NEW_AND_RETIRED = "new_and_retired"  # new services, services to retire, or that there are none
    MANAGEMENT_COST = "management_cost"  # management cost of the existing services
    KEY_CHANGES = "key_changes"  # why the keys should change
    KEY_CHANGE_DIALOGUE = "key_change_dialogue"  # who was consulted, and how
    SERVICE_DEVELOPMENT = "service_development"  # development within management, per service
    # written by the coordination group
    FRAMING = "framing"  # inramning förutsättningar
    PROPOSAL_COMMENT = "proposal_comment"  # SLK kommentar, per proposal
    CONCLUSIONS = "conclusions"  # slutsatser / summering per supplier
    COUNCIL_RECOMMENDATION = "council_recommendation"  # rekommendation till kommunfullmäktige

    @property
    def per_service(self) -> bool:
        return self is AnalysisSection.SERVICE_DEVELOPMENT

    @property
    def per_proposal(self) -> bool:
        return self is AnalysisSection.PROPOSAL_COMMENT

    @property
    def by_coordination_group(self) -> bool:
        return self in COORDINATION_GROUP_SECTIONS


COORDINATION_GROUP_SECTIONS = frozenset(
    {
        AnalysisSection.FRAMING,
        AnalysisSection.PROPOSAL_COMMENT,
        AnalysisSection.CONCLUSIONS,
        AnalysisSection.COUNCIL_RECOMMENDATION,
    }
)


@dataclass(frozen=True, slots=True)
class AnalysisText:
    """One section of the written annual analysis of a supplier: plain text, paragraphs separated
    by a blank line, a line starting with "- " or "• " is a bullet. `service` for a per-service
    section, `proposal` for a per-proposal one; `note` says where the text comes from."""

    supplier: str
    section: AnalysisSection
    text: str
    service: str | None = None
    proposal: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True, weakref_slot=True)  # weak: fordela.cycle.selectors
class CycleData:
    """Everything in one cycle package. Tuples keep it immutable and hashable by identity."""

    cycle: Cycle
    organisations: tuple[Organisation, ...] = ()
    drivers: tuple[Driver, ...] = ()
    driver_values: tuple[DriverValue, ...] = ()
    keys: tuple[DistributionKey, ...] = ()
    key_shares: tuple[KeyShare, ...] = ()
    services: tuple[Service, ...] = ()
    service_years: tuple[ServiceYear, ...] = ()
    participation: tuple[Participation, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    allocation_history: tuple[AllocationHistory, ...] = ()
    review_stages: tuple[ReviewStage, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    proposal_amounts: tuple[ProposalAmount, ...] = ()
    reviews: tuple[Review, ...] = ()
    review_amounts: tuple[ReviewAmount, ...] = ()
    review_conditions: tuple[ReviewCondition, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    scenario_proposals: tuple[ScenarioProposal, ...] = ()
    budget_lines: tuple[BudgetLine, ...] = field(default=())
    incurred_costs: tuple[IncurredCost, ...] = ()
    vat_rules: tuple[VatRule, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    analysis_texts: tuple[AnalysisText, ...] = ()
