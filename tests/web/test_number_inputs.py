"""Numbers typed into forms: hostile amounts are refused with a Swedish message next to the field.

Every number field reads through ``fordela.engine.parse``; these tests send what a confused or
hostile user types and check the page says, in Swedish and next to the field, how to type it.
"""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fordela.cycle.models import Proposal
from fordela.web.forms.fields import MoneyField, PercentField, QuantityField, ShareField, YearField
from tests.web.conftest import CYCLE

BASE = f"/c/{CYCLE}"
NBSP = "\u00a0"
DOT = "Punkt är tvetydigt: skriv mellanslag mellan tusental och kommatecken före decimalerna, t.ex. 1 250 000,50."
INVALID = "Ange ett belopp i kronor, t.ex. 1 250 000 eller 1 250 000,50."
EXPONENT = "Skriv ut hela talet utan exponent (e), t.ex. 1 250 000,50."
DIGITS = "Använd siffrorna 0–9, t.ex. 1 250 000,50."
DECIMALS = "Högst två decimaler (ören), t.ex. 1 250 000,50."
RANGE = f"Måste ligga mellan \u2212999{NBSP}999{NBSP}999{NBSP}999,99 och 999{NBSP}999{NBSP}999{NBSP}999,99."
TOO_LONG = "För långt för ett tal: skriv högst 64 tecken."
CONTROL = "Innehåller ett osynligt styrtecken: skriv in talet igen, t.ex. 1 250 000,50."

HOSTILE_AMOUNTS = [
    ("1.500", DOT),
    ("1.5", DOT),
    ("1,500,00", INVALID),
    ("1e9", EXPONENT),
    ("1e200000", EXPONENT),
    ("1e999999999", EXPONENT),
    ("\u0661\u0662\u0663", DIGITS),  # Arabic-Indic digits
    ("\uff11\uff12\uff13", DIGITS),  # full-width digits
    ("1,234", DECIMALS),
    ("12345678901234567", RANGE),
    ("1 000 000 000 000", RANGE),
    ("9" * 100_000, TOO_LONG),
    ("1\x00000", CONTROL),
    ("\u202e100", CONTROL),
]


def form_data(**fields: str) -> dict[str, str]:
    data = {
        "supplier": "intraservice",
        "code": "is-hostile",
        "kind": "volume_change",
        "title": "Fler licenser",
        "financing": "solidarity",
        "service": "office365",
        "future_management_cost": "",
        "future_management_from_year": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(("typed", "message"), HOSTILE_AMOUNTS)
def test_money_field_refuses_with_a_swedish_message(typed: str, message: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        MoneyField().clean(typed)
    assert caught.value.messages == [message]


# A NUL never reaches a form: fordela.web.middleware refuses the whole request first (400).
IN_FORMS = [(typed, message) for typed, message in HOSTILE_AMOUNTS if "\x00" not in typed]


def test_a_nul_in_an_amount_refuses_the_whole_request(as_user) -> None:
    response = as_user("alice").post(f"{BASE}/nytt-forslag/", form_data(amount_2026_management="1\x00000"))
    assert response.status_code == 400
    assert "amount_2026_management" in html.unescape(response.content.decode())
    assert not Proposal.objects.filter(code="is-hostile").exists()


@pytest.mark.parametrize(("typed", "message"), IN_FORMS)
def test_a_hostile_amount_on_a_proposal_is_refused_next_to_its_field(as_user, typed: str, message: str) -> None:
    response = as_user("alice").post(f"{BASE}/nytt-forslag/", form_data(amount_2026_management=typed))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["amount_2026_management"] == [message]
    page = html.unescape(response.content.decode())
    # The message is rendered right after the input it concerns (_amounts.html), not only in the summary.
    field_at = page.index('name="amount_2026_management"')
    assert message in page[field_at : field_at + 1000 + len(typed) * 8]
    assert not Proposal.objects.filter(code="is-hostile").exists()


@pytest.mark.parametrize(("typed", "message"), IN_FORMS[:4] + IN_FORMS[-2:])
def test_a_hostile_future_cost_is_refused_next_to_its_field(as_user, typed: str, message: str) -> None:
    response = as_user("alice").post(f"{BASE}/nytt-forslag/", form_data(future_management_cost=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["future_management_cost"] == [message]
    assert not Proposal.objects.filter(code="is-hostile").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026.0", "Skriv ett heltal utan decimaler, t.ex. 2026."),
        ("tjugo", "Ange ett år med fyra siffror, t.ex. 2026."),
        ("99999999999999999999", "Måste ligga mellan 1\u00a0000 och 9\u00a0999."),
        ("\uff12\uff10\uff12\uff16", "Använd siffrorna 0–9, t.ex. 2026."),
    ],
)
def test_a_year_is_four_digits(as_user, typed: str, message: str) -> None:
    response = as_user("alice").post(f"{BASE}/nytt-forslag/", form_data(future_management_from_year=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["future_management_from_year"] == [message]


@pytest.mark.parametrize(
    ("typed", "message"), HOSTILE_AMOUNTS[:3] + [("-5", "Ett utfall är en kostnad: noll eller mer.")]
)
def test_a_hostile_outcome_is_refused_next_to_the_field(as_user, typed: str, message: str) -> None:
    response = as_user("dana").post(f"{BASE}/utfall/", {"service": "kontaktcenter", "year": "2025", "amount": typed})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    error_at = page.index('id="id_amount-error"')
    assert message in page[error_at : error_at + 400]


def test_the_amounts_people_type_are_read_exactly(as_user) -> None:
    response = as_user("alice").post(
        f"{BASE}/nytt-forslag/",
        form_data(
            amount_2026_management="1\u00a0250\u2009000,5",
            amount_2026_development="\u22129 000 000",
            future_management_cost="-9 000 000",
            future_management_from_year="2027",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.get(code="is-hostile")
    assert proposal.future_management_cost == -900_000_000
    assert proposal.future_management_from_year == 2027


def test_percent_share_and_quantity_fields() -> None:
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    assert PercentField().clean("3,5 %") == Decimal("0.035")
    assert ShareField().clean("0,25") == Decimal("0.25")
    assert QuantityField().clean("1 250,5") == Decimal("1250.5")
    assert YearField().clean("") is None
    for field, typed, message in (
        (PercentField(), "101", "Måste ligga mellan 0 och 100."),
        (
            PercentField(),
            "3.5",
            "Punkt är tvetydigt: skriv mellanslag mellan tusental och kommatecken före decimalerna, t.ex. 3,5.",
        ),
        (ShareField(), "0,123456789", "Högst 8 decimaler, t.ex. 0,25."),
        (ShareField(), "-1", "Får inte vara negativt."),
        (QuantityField(), "1e3", "Skriv ut hela talet utan exponent (e), t.ex. 1 250,5."),
        (QuantityField(), "abc", "Ange ett tal, t.ex. 1 250 eller 1 250,5."),
    ):
        with pytest.raises(ValidationError) as caught:
            field.clean(typed)
        assert caught.value.messages == [message], (typed, caught.value.messages)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_every_text_is_a_number_or_a_swedish_message(typed: str) -> None:
    from django.core.exceptions import ValidationError

    for field in (MoneyField(), YearField(), PercentField(), ShareField(), QuantityField()):
        try:
            field.clean(typed)
        except ValidationError as error:
            assert error.messages and all(message.strip() for message in error.messages)
