"""Forms of the catalogue and the drivers: a service, a driver's values, a key, an organisation,
and the file uploads (driver values from an HR export, an edited workbook or package).

Numbers go through the one parser of their kind (fordela.web.forms.fields); problems the
package validation finds come back from the service mapped to these fields' names
(fordela.cycle.catalogue: ``cost_2026``, ``value_grundskola``, ``share_<org>``, ``years_<service>``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fordela.engine import model as m
from fordela.package.schema import TABLES_BY_NAME
from fordela.web.forms.analysis import friendly, money_initial
from fordela.web.forms.fields import MoneyField, QuantityField, ShareField, YearField

NON_FIELD = "__all__"
TEXT_LENGTH = TABLES_BY_NAME["services"].column("description").max_length
NAME_LENGTH = TABLES_BY_NAME["organisations"].column("name").max_length
MAX_UPLOAD = 20 * 1024 * 1024  # bytes: far more than any workbook of a cycle or an HR export


def quantity_initial(value: Any) -> str:
    """A decimal as a person types it: ``1 250,5``."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    whole, _dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sign + "\u00a0".join(groups or ["0"]) + ("," + frac if frac else "")


class _CatalogueForm(forms.Form):
    # Bounded: a database integer, whatever a hostile form sends.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2_147_483_647)
    # A fingerprint of the values the effect was shown for: saving needs a preview of exactly them.
    previewed = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def fingerprint(self) -> str:
        items = sorted((k, str(v)) for k, v in self.cleaned_data.items() if k not in ("version", "previewed"))
        return hashlib.sha256(repr(items).encode()).hexdigest()

    def is_previewed(self) -> bool:
        return bool(self.cleaned_data.get("previewed")) and self.cleaned_data["previewed"] == self.fingerprint()

    def add_problems(self, errors: Mapping[str, list[str]]) -> None:
        for field, messages in errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, friendly(message))


class ServiceForm(_CatalogueForm):
    description = forms.CharField(
        label=_("Description"), required=False, max_length=TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        years: Sequence[int],
        keys: Sequence[tuple[str, str]],
        organisations: Sequence[tuple[str, str]],
        subscribers: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.years = list(years)
        self.subscribers = list(subscribers)
        for year in self.years:
            self.fields[f"key_{year}"] = forms.ChoiceField(label=_("Key %(year)s") % {"year": year}, choices=keys)
            self.fields[f"cost_{year}"] = MoneyField(label=_("Cost %(year)s, kr") % {"year": year})
            self.fields[f"development_within_service_{year}"] = MoneyField(
                label=_("Of which development within service %(year)s, kr") % {"year": year}, non_negative=True
            )
        self.fields["participants"] = forms.MultipleChoiceField(
            label=_("Participants in the target year"),
            choices=organisations,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for org, name in self.subscribers:
            self.fields[f"subscription_{org}"] = QuantityField(label=_("%(name)s: quantity") % {"name": name})
            self.fields[f"price_{org}"] = MoneyField(
                label=_("%(name)s: unit price, kr") % {"name": name}, non_negative=True
            )

    def year_rows(self) -> list[tuple[int, Any, Any, Any]]:
        return [(y, self[f"key_{y}"], self[f"cost_{y}"], self[f"development_within_service_{y}"]) for y in self.years]

    def subscription_rows(self) -> list[tuple[str, Any, Any]]:
        return [(name, self[f"subscription_{org}"], self[f"price_{org}"]) for org, name in self.subscribers]

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        years = {y: (d[f"key_{y}"], d[f"cost_{y}"], d[f"development_within_service_{y}"]) for y in self.years}
        subscriptions = None
        if self.subscribers:
            subscriptions = {
                org: (d[f"subscription_{org}"], d[f"price_{org}"] or 0)
                for org, _name in self.subscribers
                if d[f"subscription_{org}"] is not None
            }
        return {
            "description": d["description"],
            "years": years,
            "participants": frozenset(d["participants"]),
            "subscriptions": subscriptions,
        }


def service_initial(data: m.CycleData, service: m.Service, version: int) -> dict[str, Any]:
    target = data.cycle.target_year
    initial: dict[str, Any] = {"version": version, "description": service.description}
    for sy in data.service_years:
        if sy.service == service.code:
            initial[f"key_{sy.year}"] = sy.key
            initial[f"cost_{sy.year}"] = money_initial(sy.cost)
            initial[f"development_within_service_{sy.year}"] = money_initial(sy.development_within_service)
    initial["participants"] = [
        p.organisation for p in data.participation if p.service == service.code and p.covers(target)
    ]
    for s in data.subscriptions:
        if s.service == service.code and s.year == target:
            initial[f"subscription_{s.organisation}"] = quantity_initial(s.quantity)
            initial[f"price_{s.organisation}"] = money_initial(s.unit_price)
    return initial


class DriverValuesForm(_CatalogueForm):
    def __init__(self, *args: Any, organisations: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        for org, name in self.organisations:
            self.fields[f"value_{org}"] = QuantityField(label=name)

    def values(self) -> dict[str, Any]:
        return {org: self.cleaned_data[f"value_{org}"] for org, _name in self.organisations}


class DriverFileForm(forms.Form):
    file = forms.FileField(
        label=_("File from the HR or asset system (CSV or Excel)"),
        help_text=_(
            "Two columns: the organisation's code or name, and the value. A header row is allowed. "
            "Numbers the Swedish way, e.g. 1 250 or 1 250,5."
        ),
    )

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data["file"], (".csv", ".txt", ".xlsx"))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx) or package (.zip)"),
        help_text=_("The cycle's workbook from Documents, edited, or a package of CSV files."),
    )

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data["file"], (".xlsx", ".zip"))


def _checked_upload(upload: Any, suffixes: Iterable[str]) -> Any:
    name = str(upload.name or "").lower()
    if not name.endswith(tuple(suffixes)):
        raise forms.ValidationError(
            _("Choose a file of the kind %(kinds)s.") % {"kinds": ", ".join(suffixes)}, code="suffix"
        )
    if upload.size > MAX_UPLOAD:
        raise forms.ValidationError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": MAX_UPLOAD // (1024 * 1024)}, code="size"
        )
    return upload


class KeyForm(_CatalogueForm):
    name = forms.CharField(label=_("Name"), max_length=TABLES_BY_NAME["keys"].column("name").max_length)
    driver = forms.ChoiceField(label=_("Driver"), required=False)
    frozen_year = YearField(label=_("Year whose split is kept (frozen key)"))
    solidarity_driver = forms.ChoiceField(label=_("Driver for the rest (hybrid key)"), required=False)

    def __init__(
        self, *args: Any, drivers: Sequence[tuple[str, str]], organisations: Sequence[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "–"), *drivers]
        self.fields["driver"].choices = choices
        self.fields["solidarity_driver"].choices = choices
        self.organisations = list(organisations)
        for org, name in self.organisations:
            self.fields[f"share_{org}"] = ShareField(label=name)

    def share_fields(self) -> list[Any]:
        return [self[f"share_{org}"] for org, _name in self.organisations]

    def values(self, code: str, method: m.KeyMethod) -> tuple[m.DistributionKey, dict[str, Any]]:
        d = self.cleaned_data
        row = m.DistributionKey(
            code=code,
            name=d["name"],
            method=method,
            driver=d["driver"] or None,
            frozen_year=d["frozen_year"],
            solidarity_driver=d["solidarity_driver"] or None,
        )
        return row, {org: d[f"share_{org}"] for org, _name in self.organisations}


class OrganisationForm(_CatalogueForm):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)

    def __init__(self, *args: Any, services: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = list(services)
        for code, name in self.services:
            self.fields[f"from_{code}"] = YearField(label=_("%(service)s: joins") % {"service": name})
            self.fields[f"to_{code}"] = YearField(label=_("%(service)s: leaves after") % {"service": name})

    def service_rows(self) -> list[tuple[str, str, Any, Any]]:
        return [(code, name, self[f"from_{code}"], self[f"to_{code}"]) for code, name in self.services]

    def years(self) -> dict[str, tuple[int, int | None] | None]:
        d = self.cleaned_data
        return {
            code: None if d[f"from_{code}"] is None else (d[f"from_{code}"], d[f"to_{code}"])
            for code, _name in self.services
        }

    def add_problems(self, errors: Mapping[str, list[str]]) -> None:
        aliased = {(f"from_{k[6:]}" if k.startswith("years_") else k): v for k, v in errors.items()}
        super().add_problems(aliased)
