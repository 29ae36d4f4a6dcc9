"""A recorded change as people read it: one sentence per field, labels and values in the active
language, times in the site's time zone.

`ChangeRecord.changes` keeps machine text ({field: [old, new]}: column names, enum values, package
money text, ISO times in UTC) so that a record stays readable whatever the model becomes; this
module is the one place that turns it into words. A field or value it has no word for is shown as
recorded, never dropped.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fordela.engine import model as m
from fordela.engine.money import Unit, display, to_ore
from fordela.package.schema import TABLES_BY_NAME
from fordela.package.schema_types import Kind

TABLE_LABELS: dict[str, Promise] = {
    "cycle": _("Cycle"),
    "organisations": _("Organisations"),
    "drivers": _("Drivers"),
    "driver_values": _("Driver values"),
    "keys": _("Distribution keys"),
    "key_shares": _("Key shares"),
    "services": _("Services"),
    "service_years": _("Service costs per year"),
    "participation": _("Participation"),
    "subscriptions": _("Subscriptions"),
    "allocation_history": _("Allocation history"),
    "review_stages": _("Review stages"),
    "proposals": _("Proposals"),
    "proposal_amounts": _("Proposal amounts"),
    "reviews": _("Reviews"),
    "review_amounts": _("Approved amounts"),
    "review_conditions": _("Review conditions"),
    "scenarios": _("Scenarios"),
    "scenario_proposals": _("Proposals in scenarios"),
    "budget_lines": _("Budget lines"),
    "analysis_texts": _("Annual analysis texts"),
    "incurred_costs": _("Incurred costs"),
    "vat_rules": _("VAT rules"),
    "exemptions": _("Exemptions"),
    "threads": _("Consultation threads"),
    "invoicing": _("Invoicing"),
}

FIELD_LABELS: dict[str, Promise] = {
    "code": _("Code"),
    "name": _("Name"),
    "title": _("Title"),
    "note": _("Note"),
    "kind": _("Kind"),
    "unit": _("Unit"),
    "driver": _("Driver"),
    "organisation": _("Organisation"),
    "year": _("Year"),
    "value": _("Value"),
    "method": _("Method"),
    "frozen_year": _("Frozen split from year"),
    "solidarity_driver": _("Driver for the solidarity remainder"),
    "key": _("Distribution key"),
    "share": _("Share"),
    "supplier": _("Supplier"),
    "category": _("Category"),
    "description": _("Description"),
    "service": _("Service"),
    "cost": _("Management cost"),
    "development_within_service": _("Of which development within service"),
    "outcome": _("Outcome"),
    "from_year": _("From year"),
    "to_year": _("To year"),
    "quantity": _("Quantity"),
    "unit_price": _("Unit price"),
    "amount": _("Amount"),
    "position": _("Order"),
    "financing": _("Financing"),
    "proposed_category": _("Proposed category"),
    "proposed_key": _("Proposed distribution key"),
    "future_management_cost": _("Future management cost per year"),
    "future_management_from_year": _("Future management from year"),
    "already_decided": _("Already decided"),
    "proposal": _("Proposal"),
    "type": _("Amount type"),
    "stage": _("Review stage"),
    "future_management_approved": _("Future management approved"),
    "comment": _("Comment"),
    "text": _("Text"),
    "scenario": _("Scenario"),
    "line": _("Budget line"),
    "target_year": _("Budget year"),
    "base_year": _("Base year"),
    "index_rate": _("Index"),
    "first_year": _("First year"),
    "last_year": _("Last year"),
    "current_stage": _("Current review stage"),
    "period": _("Period"),
    "rate": _("Rate"),
    "reason": _("Reason"),
    "organisation_kind": _("Kind of organisation"),
    "from_period": _("From period"),
    "to_period": _("To period"),
    "section": _("Section"),
    # not package columns: what the writers record besides them
    "status": _("Status"),
    "deleted_at": _("Deleted"),
    "copy_from": _("Copied from"),
    "proposals": _("Proposals"),
    "source": _("Source"),
    "invoice_own_services": _("Invoiced for its own services"),
}
# Where one column name means something else in one table.
TABLE_FIELD_LABELS: dict[tuple[str, str], Promise] = {
    ("reviews", "outcome"): _("Decision"),
    ("proposals", "kind"): _("Kind of proposal"),
    ("scenarios", "kind"): _("Kind of scenario"),
    ("organisations", "kind"): _("Kind of organisation"),
    ("review_conditions", "kind"): _("Kind of condition"),
}

# The enumerations as people read them; the forms of the annual analysis use the same words.
KIND_LABELS: dict[str, Promise] = {
    m.ProposalKind.NEW_SERVICE: _("New service"),
    m.ProposalKind.RECATEGORISATION: _("Re-categorisation"),
    m.ProposalKind.KEY_CHANGE: _("Key change"),
    m.ProposalKind.CHANGE_INITIATIVE: _("Change initiative"),
    m.ProposalKind.DEVELOPMENT_WITHIN_SERVICE: _("Development within service"),
    m.ProposalKind.SUPPLIER_CONTRACT: _("Supplier contract impact"),
    m.ProposalKind.SETTLEMENT: _("Settlement of completed development"),
    m.ProposalKind.EFFICIENCY: _("Efficiency"),
    m.ProposalKind.VOLUME_CHANGE: _("Volume change"),
}
CATEGORY_LABELS: dict[str, Promise] = {
    m.ServiceCategory.BASE: _("Base service"),
    m.ServiceCategory.ADD_ON: _("Add-on service"),
    m.ServiceCategory.INFRASTRUCTURE: _("Infrastructure service"),
    m.ServiceCategory.OPT_IN: _("Opt-in service"),
}
OUTCOME_LABELS: dict[str, Promise] = {
    m.ReviewOutcome.APPROVE: _("Approve"),
    m.ReviewOutcome.APPROVE_WITH_CONDITIONS: _("Approve with conditions"),
    m.ReviewOutcome.APPROVE_AS_ADD_ON: _("Approve as add-on service"),
    m.ReviewOutcome.REJECT: _("Reject"),
    m.ReviewOutcome.DEFER: _("Defer"),
}
CONDITION_LABELS: dict[str, Promise] = {
    m.ConditionKind.INVOICE_AFTER_INCURRED: _("Invoice after incurred costs"),
    m.ConditionKind.PREREQUISITE: _("Prerequisite"),
    m.ConditionKind.OTHER: _("Other condition"),
}

VALUE_LABELS: dict[str, Promise] = {
    **KIND_LABELS,
    **CATEGORY_LABELS,
    **OUTCOME_LABELS,
    **CONDITION_LABELS,
    # proposal status
    "draft": _("Draft"),
    "submitted": _("Submitted"),
    # consultation threads
    "open": _("Open"),
    "answered": _("Answered"),
    "resolved": _("Resolved"),
    # organisation kinds
    m.OrganisationKind.ADMINISTRATION: _("Administration"),
    m.OrganisationKind.COMPANY: _("Company"),
    m.OrganisationKind.BOARD: _("Board (supplier)"),
    # key methods
    m.KeyMethod.DRIVER: _("By driver"),
    m.KeyMethod.EQUAL: _("Equal shares"),
    m.KeyMethod.FIXED: _("Fixed shares"),
    m.KeyMethod.FROZEN: _("Last year's split"),
    m.KeyMethod.SUBSCRIPTION: _("Subscription (quantity × price)"),
    m.KeyMethod.HYBRID: _("Subscription, the rest shared"),
    # financing
    m.Financing.SOLIDARITY: _("Solidarity financing"),
    m.Financing.USERS: _("Those who join pay"),
    m.Financing.OWN_FUNDS: _("Own funds"),
    m.Financing.MUNICIPAL_GRANT: _("Municipal grant"),
    m.Financing.GRANT_CALL: _("Grant call"),
    # amount types
    m.AmountType.DEVELOPMENT: _("development"),
    m.AmountType.MANAGEMENT: _("management"),
    # scenario kinds
    m.ScenarioKind.EXPLICIT: _("Explicit selection of proposals"),
    m.ScenarioKind.ALL_PROPOSED: _("Everything proposed"),
    m.ScenarioKind.STAGE: _("As decided by a review stage"),
    # budget lines
    m.BudgetLineKind.CHANGE_INITIATIVES: _("Change initiatives"),
}
# "add_on" is both a category and a financing: one word serves both.
VALUE_LABELS.setdefault(m.Financing.ADD_ON, _("Add-on service"))

# Columns that hold what a person wrote, shown as written even if it happens to equal a code.
FREE_TEXT = frozenset({"code", "name", "title", "description", "note", "comment", "text", "reason", "source"})
_TRUE, _FALSE = {"true", "True"}, {"false", "False"}
_AMOUNT = re.compile(r"^(amount|approved) (\d{4}) (\w+)$")
_CONDITION = re.compile(r"^condition (\w+)$")
_MACHINE_MONEY = re.compile(r"^-?\d+\.\d{2}$")
_INTEGER = re.compile(r"^-?\d+$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Sentence:
    """One changed field in words; `text` is the whole sentence, the parts are for layouts that want them."""

    field: str
    old: str | None
    new: str | None
    text: str

    def __str__(self) -> str:
        return self.text


def table_label(table: str) -> str:
    label = TABLE_LABELS.get(table)
    return str(label) if label is not None else table


def field_label(table: str, field: str) -> str:
    label = TABLE_FIELD_LABELS.get((table, field)) or FIELD_LABELS.get(field)
    if label is not None:
        return str(label)
    amount = _AMOUNT.match(field)
    if amount:
        kind, year, amount_type = amount.groups()
        words = gettext("Amount %(year)s, %(type)s") if kind == "amount" else gettext("Approved %(year)s, %(type)s")
        return words % {"year": year, "type": _value_word(amount_type)}
    condition = _CONDITION.match(field)
    if condition:
        return gettext("Condition: %(kind)s") % {"kind": _value_word(condition.group(1))}
    return field.replace("_", " ").capitalize()


def _value_word(value: str) -> str:
    label = VALUE_LABELS.get(value)
    return str(label) if label is not None else value


def local_time(moment: datetime.datetime) -> str:
    """A moment as people here read it: in the site's time zone (Europe/Stockholm), short format."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _money_column(table: str, field: str) -> bool:
    found = TABLES_BY_NAME.get(table)
    return found is not None and any(c.name == field and c.kind is Kind.MONEY for c in found.columns)


def value_text(table: str, field: str, value: Any) -> str | None:
    """A recorded value in words: yes/no, enum values by name, money in kr, times in local time."""
    if value is None or value == "":
        return None
    text = str(value)
    if field in FREE_TEXT:
        return text  # what someone wrote: never read as a code
    if text in _TRUE:
        return gettext("yes")
    if text in _FALSE and not _money_column(table, field):
        return gettext("no")
    if _ISO_TIME.match(text):
        try:
            return local_time(datetime.datetime.fromisoformat(text))
        except ValueError:
            return text
    if _money_column(table, field):
        try:
            # Package text has a dot and two decimals (money.machine); older records hold öre.
            ore = to_ore(Decimal(text)) if _MACHINE_MONEY.match(text) else int(text) if _INTEGER.match(text) else None
        except (InvalidOperation, ValueError):
            ore = None
        if ore is not None:
            return display(ore, Unit.KR, decimals=2 if ore % 100 else 0, label=True)
    return _value_word(text)


def _sentence(field: str, label: str, old: str | None, new: str | None) -> str:
    if old is not None and new is not None:
        return gettext("%(field)s changed from %(old)s to %(new)s") % {"field": label, "old": old, "new": new}
    if new is not None:
        return gettext("%(field)s: %(new)s") % {"field": label, "new": new}
    if old is not None:
        return gettext("%(field)s removed (was %(old)s)") % {"field": label, "old": old}
    return label


def _titles(codes: Any, names: Mapping[str, str]) -> Any:
    if not codes:
        return codes
    return "; ".join(names.get(code.strip(), code.strip()) for code in str(codes).split(","))


def describe(table: str, changes: Mapping[str, Any], *, names: Mapping[str, str] | None = None) -> list[Sentence]:
    """The sentences of one record's `changes` ({field: [old, new]}), in the recorded order.

    `names` maps codes to names (proposal titles): a scenario's toggles name the proposal.
    """
    sentences = []
    for field, pair in changes.items():
        old_raw, new_raw = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
        if {old_raw, new_raw} <= {"included", "excluded", None}:
            title = (names or {}).get(field, field)
            included = new_raw == "included"
            text = (gettext("%(title)s included.") if included else gettext("%(title)s left out.")) % {"title": title}
            sentences.append(Sentence(title, old_raw, new_raw, text))
            continue
        label = field_label(table, field)
        if field == "deleted_at":
            # "Deleted: <time>" when deleted, "Restored (deleted <time>)" when restored.
            when = value_text(table, field, new_raw or old_raw)
            text = (gettext("Deleted %(when)s") if new_raw else gettext("Restored (deleted %(when)s)")) % {"when": when}
            sentences.append(Sentence(label, None, when, text))
            continue
        if field == "proposals" and names:
            # A scenario's selection, recorded as codes: the proposals by title.
            old_raw, new_raw = (_titles(v, names) for v in (old_raw, new_raw))
        old, new = value_text(table, field, old_raw), value_text(table, field, new_raw)
        sentences.append(Sentence(label, old, new, _sentence(field, label, old, new)))
    return sentences
