"""Forms of the annual analysis: a proposal, and a stage's review of it.

Field names equal the package's column names, so a problem the package validation finds
(table, row, column) lands next to the field it concerns. Amounts are one field per year and
type (``amount_2026_development``): a fixed grid that works without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fordela.cycle.filed import AmountRow, amount_field
from fordela.cycle.reviews import condition_field
from fordela.cycle.validation import NON_FIELD
from fordela.engine import model as m
from fordela.engine.money import Unit, display
from fordela.history.describe import CATEGORY_LABELS, KIND_LABELS, OUTCOME_LABELS
from fordela.package.schema import TABLES_BY_NAME
from fordela.package.schema_types import CODE_LENGTH
from fordela.web.forms.fields import MoneyField, YearField

FINANCING_LABELS = {
    m.Financing.SOLIDARITY: _("Solidarity financing (shared through a key)"),
    m.Financing.ADD_ON: _("Add-on service (paid by those who buy it)"),
    m.Financing.USERS: _("Those who join pay (opt-in)"),
    m.Financing.OWN_FUNDS: _("Own funds (not charged)"),
    m.Financing.MUNICIPAL_GRANT: _("Municipal grant (not charged)"),
    m.Financing.GRANT_CALL: _("Grant call (not charged)"),
}
AMOUNT_TYPE_LABELS = {m.AmountType.DEVELOPMENT: _("Development"), m.AmountType.MANAGEMENT: _("Management")}
INVOICE_AFTER_INCURRED_TEXT = "Fakturering sker efter det att kostnaderna är upparbetade."

# The package's messages (English, shared with the import's error lists) in words for a form.
_FRIENDLY: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"^required, but empty$"), lambda g: _("This field is required.")),
    (re.compile(r"^a (\S+) proposal needs a (\S+)$"), lambda g: _("This kind of proposal needs this field.")),
    (
        re.compile(r"^year (\d+) is outside the cycle's years (\S+)$"),
        lambda g: _("The year %(year)s is outside the cycle's years %(span)s.") % {"year": g[0], "span": g[1]},
    ),
    (
        re.compile(r"^not a valid code"),
        lambda g: _("Use only lowercase letters a–z, digits 0–9, hyphen and underscore."),
    ),
    (
        re.compile(r"^a proposal with code '(.+)' already exists"),
        lambda g: _("A proposal with this code already exists (perhaps a draft or a deleted one)."),
    ),
    (
        re.compile(r"^service '(.+)' belongs to another supplier"),
        lambda g: _("The service belongs to another supplier."),
    ),
    (
        re.compile(r"approves no amounts$"),
        lambda g: _("A rejecting or deferring outcome approves no amounts: tick “as proposed” or change the outcome."),
    ),
    (
        re.compile(r"^unknown (\w[\w ]*) '(.+)'$"),
        lambda g: _("Unknown %(what)s “%(code)s”.") % {"what": g[0], "code": g[1]},
    ),
)


def friendly(message: str) -> str:
    for pattern, text in _FRIENDLY:
        found = pattern.search(message)
        if found:
            return str(text(found.groups()))
    return message


def money_initial(ore: int | None) -> str:
    """An amount as a person types it: ``1 091 600`` or ``1 091 600,50``."""
    return "" if ore is None else display(ore, Unit.KR, decimals=2 if ore % 100 else 0)


def _choices(labels: Mapping[Any, Any]) -> list[tuple[str, Any]]:
    return [(key.value, label) for key, label in labels.items()]


class _AmountGridForm(forms.Form):
    """A form with one money field per (year, type) and the errors of the package mapped onto it."""

    years: Sequence[int] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def _add_amount_fields(self, years: Iterable[int], amounts: Iterable[AmountRow]) -> None:
        self.years = sorted(set(years) | {year for year, _t, _a in amounts})
        initial = {amount_field(year, t): money_initial(a) for year, t, a in amounts}
        for year in self.years:
            for amount_type, label in AMOUNT_TYPE_LABELS.items():
                name = amount_field(year, amount_type)
                self.fields[name] = MoneyField(label=f"{label} {year}")
                if not self.is_bound:
                    self.initial[name] = initial.get(name, "")

    def amount_grid(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [(year, [self[amount_field(year, t)] for t in AMOUNT_TYPE_LABELS]) for year in self.years]

    def amount_rows(self) -> list[AmountRow]:
        """(year, type, öre) of every cell filled in; an empty cell is no row, 0 is a row."""
        rows = []
        for year in self.years:
            for amount_type in AMOUNT_TYPE_LABELS:
                value = self.cleaned_data.get(amount_field(year, amount_type))
                if value is not None:
                    rows.append((year, amount_type, value))
        return rows

    def add_problems(self, errors: Mapping[str, list[str]], aliases: Mapping[str, str] | None = None) -> None:
        """Errors from a service (field → package messages), each shown next to its field."""
        for field, messages in errors.items():
            field = (aliases or {}).get(field, field)
            target = field if field in self.fields else None
            for message in messages:
                text = friendly(message)
                if target is None and field != NON_FIELD:
                    text = f"{field}: {text}"
                self.add_error(target, text)


class ProposalForm(_AmountGridForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # One-time token of the "new proposal" form: a double submit finds what the first created.
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_LENGTH,
        help_text=_("A short unique name: lowercase letters a–z, digits, hyphen, e.g. is-ai-infrastruktur."),
    )
    supplier = forms.ChoiceField(label=_("Supplier"))
    kind = forms.ChoiceField(label=_("Kind of proposal"), choices=_choices(KIND_LABELS))
    title = forms.CharField(label=_("Title"), max_length=TABLES_BY_NAME["proposals"].column("title").max_length)
    service = forms.ChoiceField(
        label=_("Service"),
        required=False,
        help_text=_("The service it concerns or creates. Needed for key changes and re-categorisations."),
    )
    financing = forms.ChoiceField(label=_("Financing"), choices=_choices(FINANCING_LABELS))
    key = forms.ChoiceField(
        label=_("Distribution key of the initiative"),
        required=False,
        help_text=_("The key that splits a change initiative's cost among the customers."),
    )
    proposed_category = forms.ChoiceField(
        label=_("Proposed category"),
        required=False,
        help_text=_("For a re-categorisation or a new service."),
    )
    proposed_key = forms.ChoiceField(
        label=_("Proposed distribution key"), required=False, help_text=_("For a key change.")
    )
    future_management_cost = MoneyField(
        label=_("Future management cost per year (kr)"),
        help_text=_("Yearly running cost once the initiative is done; negative for a saving, e.g. −9 000 000."),
    )
    future_management_from_year = YearField(label=_("Future management cost from year"))
    already_decided = forms.BooleanField(label=_("Already decided in an earlier cycle"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(
        self,
        *args: Any,
        suppliers: Sequence[tuple[str, str]],
        services: Sequence[tuple[str, str]],
        keys: Sequence[tuple[str, str]],
        years: Iterable[int],
        amounts: Iterable[AmountRow] = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        none = [("", _("– none –"))]
        self.fields["supplier"].choices = list(suppliers)
        self.fields["service"].choices = none + list(services)
        self.fields["key"].choices = none + list(keys)
        self.fields["proposed_key"].choices = none + list(keys)
        self.fields["proposed_category"].choices = none + _choices(CATEGORY_LABELS)
        if editing:
            # The code names the proposal in history, reviews and scenarios; it does not change.
            del self.fields["code"]
            del self.fields["supplier"]
        amounts = list(amounts)
        self._add_amount_fields(years, amounts)

    def values(self, *, code: str, supplier: str) -> m.Proposal:
        """The proposal row as the package holds it."""
        d = self.cleaned_data
        return m.Proposal(
            code=code,
            supplier=supplier,
            kind=m.ProposalKind(d["kind"]),
            title=d["title"],
            financing=m.Financing(d["financing"]),
            service=d.get("service") or None,
            key=d.get("key") or None,
            proposed_category=m.ServiceCategory(d["proposed_category"]) if d.get("proposed_category") else None,
            proposed_key=d.get("proposed_key") or None,
            future_management_cost=d.get("future_management_cost"),
            future_management_from_year=d.get("future_management_from_year"),
            already_decided=bool(d.get("already_decided")),
            description=d.get("description") or "",
        )


def proposal_initial(p: m.Proposal, version: int) -> dict[str, Any]:
    return {
        "version": version,
        "code": p.code,
        "supplier": p.supplier,
        "kind": p.kind.value,
        "title": p.title,
        "service": p.service or "",
        "financing": p.financing.value,
        "key": p.key or "",
        "proposed_category": p.proposed_category.value if p.proposed_category else "",
        "proposed_key": p.proposed_key or "",
        "future_management_cost": money_initial(p.future_management_cost),
        "future_management_from_year": p.future_management_from_year,
        "already_decided": p.already_decided,
        "description": p.description,
    }


class ReviewForm(_AmountGridForm):
    # What the reviewer saw: the stage's review version (0: none yet), the proposal's version and a
    # signed snapshot of the proposal, to show the difference if it changes before the save.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    proposal_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    proposal_seen = forms.CharField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_choices(OUTCOME_LABELS), widget=forms.RadioSelect)
    as_proposed = forms.BooleanField(
        label=_("Approves the amounts as proposed"),
        required=False,
        help_text=_(
            "Untick to approve only some years or other amounts, and enter them below. "
            "A rejecting or deferring outcome approves no amounts."
        ),
    )
    future_management_approved = forms.BooleanField(label=_("Future management cost approved"), required=False)
    invoice_after_incurred = forms.BooleanField(
        label=_("Condition: invoice after incurred costs"),
        required=False,
        help_text=_("Customers are invoiced only for what has actually been spent."),
    )
    condition_invoice_after_incurred = forms.CharField(label=_("Wording of the invoicing condition"), required=False)
    condition_prerequisite = forms.CharField(
        label=_("Condition: prerequisite"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. a dialogue with the city's CISO before the work starts. Leave empty for none."),
    )
    condition_other = forms.CharField(
        label=_("Other condition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty for none."),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, years: Iterable[int], amounts: Iterable[AmountRow] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_amount_fields(years, list(amounts))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        outcome = data.get("outcome")
        approving = outcome not in (None, m.ReviewOutcome.REJECT.value, m.ReviewOutcome.DEFER.value)
        if approving and not data.get("as_proposed") and not self.amount_rows():
            self.add_error("as_proposed", _("Enter the approved amounts below, or tick “as proposed”."))
        if outcome == m.ReviewOutcome.APPROVE_WITH_CONDITIONS.value and not self.conditions():
            self.add_error("outcome", _("Approving with conditions needs at least one condition."))
        return data

    def approved_amounts(self) -> list[AmountRow] | None:
        return None if self.cleaned_data.get("as_proposed") else self.amount_rows()

    def conditions(self) -> dict[m.ConditionKind, str]:
        d = self.cleaned_data
        found = {}
        if d.get("invoice_after_incurred"):
            text = d.get("condition_invoice_after_incurred", "").strip() or INVOICE_AFTER_INCURRED_TEXT
            found[m.ConditionKind.INVOICE_AFTER_INCURRED] = text
        for kind in (m.ConditionKind.PREREQUISITE, m.ConditionKind.OTHER):
            text = (d.get(condition_field(kind)) or "").strip()
            if text:
                found[kind] = text
        return found

    def add_review_problems(self, errors: Mapping[str, list[str]]) -> None:
        self.add_problems(errors, aliases={"approved_amounts": "as_proposed"})


def review_initial(review: Any | None, amounts: Sequence[AmountRow], conditions: Mapping[str, str]) -> dict[str, Any]:
    incurred = m.ConditionKind.INVOICE_AFTER_INCURRED.value
    return {
        "outcome": review.outcome if review else "",
        "as_proposed": not amounts,
        "future_management_approved": review.future_management_approved if review else False,
        "invoice_after_incurred": incurred in conditions,
        "condition_invoice_after_incurred": conditions.get(incurred, INVOICE_AFTER_INCURRED_TEXT),
        "condition_prerequisite": conditions.get(m.ConditionKind.PREREQUISITE.value, ""),
        "condition_other": conditions.get(m.ConditionKind.OTHER.value, ""),
        "comment": review.comment if review else "",
    }
