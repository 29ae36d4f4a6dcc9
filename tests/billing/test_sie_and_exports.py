"""SIE 4I read back with a small parser of our own: headers, CP437, balanced vouchers, totals;
CSV and Excel exports that cannot run formulas."""

from __future__ import annotations

import csv
import io
import shlex
from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from tests.billing.sieparse import parse_sie

from fordela.billing.exports import lines_csv, lines_xlsx
from fordela.billing.sie import Accounts, invoices, quote, sie_4i
from fordela.engine.invoicing import invoicing_base
from fordela.engine.model import Period
from fordela.engine.scenario import resolve_code
from fordela.package.tabular import inert as safe


@pytest.fixture(scope="module")
def q1(demo):
    base = invoicing_base(demo, 2026, resolve_code(demo, "coordination_group"))
    return list(base.for_period(Period.Q1))


@pytest.fixture(scope="module")
def sie(demo, q1):
    return sie_4i(invoices(q1), demo, company="Göteborgs Stad", generated=date(2026, 4, 2), year=2026)


def test_the_header_has_every_mandatory_record_once(sie):
    records, _ = parse_sie(sie)
    assert sie.startswith(b"#FLAGGA 0\r\n")
    for label, value in (
        ("#FORMAT", ["PC8"]),
        ("#SIETYP", ["4"]),
        ("#GEN", ["20260402"]),
        ("#FNAMN", ["Göteborgs Stad"]),
        ("#RAR", ["0", "20260101", "20261231"]),
        ("#PROGRAM", ["fordela", "0.1.0"]),
    ):
        assert records[label] == [value], label
    assert records["#DIM"] == [["1", "Kostnadsställe"], ["8", "Kund"]]
    assert ["1", "office365", "Office 365"] in records["#OBJEKT"]


def test_the_file_is_cp437(sie):
    assert "Kostnadsställe".encode("cp437") in sie
    assert "ä".encode() not in sie
    assert b"?" not in sie.replace(b'"?"', b"")  # nothing fell outside the code page


def test_every_voucher_balances_and_the_totals_match_the_distribution(sie, q1, demo):
    _, vouchers = parse_sie(sie)
    assert len(vouchers) == len({(ln.supplier, ln.organisation) for ln in q1})
    revenue = vat = 0
    accounts = Accounts()
    for voucher in vouchers:
        assert voucher["head"][1:4] == ["", "", "20260331"]
        assert sum(amount for _, _, amount in voucher["trans"]) == 0, voucher["head"]
        for account, objects, amount in voucher["trans"]:
            if account in accounts.revenue.values():
                assert set(objects) == {"1", "8"}  # cost centre and customer
                revenue -= amount
            elif account in accounts.vat.values():
                vat -= amount
            else:
                assert account in accounts.receivable.values() and amount == -sum(a for _, _, a in voucher["trans"][1:])
    assert revenue == sum(ln.net for ln in q1)
    assert vat == sum(ln.vat for ln in q1) > 0


def test_companies_book_vat_and_receivable_in_the_group_account(sie, demo):
    _, vouchers = parse_sie(sie)
    energi = [v for v in vouchers if v["trans"][0][1] == {"8": "energi"}]
    assert energi and all(v["trans"][0][0] == "1560" for v in energi)
    assert all(any(t[0] == "2611" for t in v["trans"]) for v in energi)


def test_quotes_and_backslashes_are_escaped():
    assert quote('AB "Bolaget"') == '"AB \\"Bolaget\\""'
    assert shlex.split(quote('a "b" c\\d')) == ['a "b" c\\d']


def test_accounts_can_be_overridden_and_a_missing_one_is_named(demo, q1):
    accounts = Accounts.from_json('{"revenue": {"0": "3510"}, "chart": "Kommun-Bas 24"}')
    content = sie_4i(invoices(q1), demo, company="X", generated=date(2026, 4, 1), year=2026, accounts=accounts)
    assert b"#TRANS 3510 " in content and b'#KPTYP "Kommun-Bas 24"' in content
    with pytest.raises(KeyError, match="no revenue account for VAT rate 0.25"):
        sie_4i(
            invoices(q1),
            demo,
            company="X",
            generated=date(2026, 4, 1),
            year=2026,
            accounts=replace(accounts, revenue={"0": "3510"}),
        )
    with pytest.raises(ValueError, match="unknown keys"):
        Accounts.from_json('{"revenu": {}}')


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\rx"])
def test_safe_neutralises_formula_starts(text):
    assert safe(text) == "'" + text


def test_csv_and_excel_exports_are_inert(demo, q1, tmp_path):
    evil = replace(
        demo,
        organisations=tuple(
            replace(o, name='=HYPERLINK("http://x","klick")') if o.code == "grundskola" else o
            for o in demo.organisations
        ),
    )
    lines = [ln for ln in q1 if ln.organisation == "grundskola"][:3]
    negative = replace(lines[0], net=-100, vat=0)
    rows = list(csv.DictReader(io.StringIO(lines_csv([*lines, negative], evil))))
    assert all(r["organisation_name"].startswith("'=HYPERLINK") for r in rows)
    assert rows[-1]["net"] == "-1.00"  # numbers are numbers, not text to guard
    lines_xlsx([*lines, negative], evil, tmp_path / "f.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    header = [c.value for c in sheet[1]]
    name = sheet.cell(row=2, column=header.index("organisation_name") + 1)
    assert name.data_type == "s" and name.value.startswith("'=")
    assert sheet.cell(row=5, column=header.index("net") + 1).value == -1


def test_the_exports_are_the_same_made_a_block_of_lines_at_a_time(demo, q1, monkeypatch):
    """A large cycle's lines are exported a block at a time (bounded memory): the same bytes and
    the same cells however the lines fall into blocks."""
    from fordela.billing import exports

    whole_csv, whole_xlsx = lines_csv(q1, demo), io.BytesIO()
    lines_xlsx(q1, demo, whole_xlsx)
    monkeypatch.setattr(exports, "_BLOCK", 7)
    blocks_xlsx = io.BytesIO()
    lines_xlsx(q1, demo, blocks_xlsx)
    assert len(q1) > 7 * 3 and lines_csv(q1, demo) == whole_csv
    assert whole_csv.count("\n") == len(q1) + 1 and lines_csv([], demo).count("\n") == 1
    read = [list(openpyxl.load_workbook(book).active.values) for book in (whole_xlsx, blocks_xlsx)]
    assert read[0] == read[1] and len(read[0]) == len(q1) + 1
