"""SIE 4I: the invoicing base as vouchers for the ledger (no Django here).

SIE type 4I ("Transaktioner", sie.se) is the file a pre-system such as a billing system hands to
the ledger: a header, then only vouchers. What we write, and why:

* Header records, each once, in the order of the standard: ``#FLAGGA 0`` (not yet read),
  ``#PROGRAM``, ``#FORMAT PC8`` (the file is IBM code page 437), ``#GEN`` (the date it was made —
  the freeze's date, so a re-export is byte for byte the same file), ``#SIETYP 4``, ``#FNAMN``,
  ``#RAR 0`` (the financial year the vouchers fall in) and ``#KPTYP`` (the chart of accounts).
* ``#KONTO`` for every account used, ``#DIM 1 "Kostnadsställe"`` and ``#DIM 8 "Kund"`` (both
  reserved dimension numbers of the standard) with an ``#OBJEKT`` for every object used.
* One ``#VER`` per invoice (supplier × customer × period), dated the last day of the period, with
  no number so that the ledger numbers it in its series: the receivable (debit, the customer as
  object of dimension 8), one revenue line per invoice line (credit, the service or initiative as
  cost centre, object of dimension 1), and the output VAT per rate (credit). Every voucher balances
  to the öre because VAT is computed per line and the receivable is the sum.
* Amounts with a dot and two decimals, credit negative; CRLF line ends.
"""

from __future__ import annotations

import calendar
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from fordela.engine.invoicing import InvoiceLine
from fordela.engine.model import CycleData, Period
from fordela.engine.money import machine

PROGRAM = "fordela"
# Characters outside code page 437 that our texts commonly carry, mapped to their nearest.
_CP437_FALLBACK_PAIRS = (("–", "-"), ("—", "-"), ("−", "-"), ("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("→", "-"))


def rate_key(rate: Decimal) -> str:
    """A VAT rate as the key of the account maps: ``Decimal("0.250000")`` → ``"0.25"``, 0 → ``"0"``."""
    return f"{rate.normalize():f}" if rate else "0"


@dataclass(frozen=True)
class Accounts:
    """Which accounts the vouchers use. Defaults follow the BAS chart; override with a JSON file.

    `receivable` by organisation kind; `revenue` and `vat` by VAT rate (`rate_key`).
    """

    receivable: Mapping[str, str] = field(
        default_factory=lambda: {"administration": "1510", "board": "1510", "company": "1560"}
    )
    revenue: Mapping[str, str] = field(
        default_factory=lambda: {"0.25": "3001", "0.12": "3002", "0.06": "3003", "0": "3004"}
    )
    vat: Mapping[str, str] = field(default_factory=lambda: {"0.25": "2611", "0.12": "2621", "0.06": "2631"})
    names: Mapping[str, str] = field(
        default_factory=lambda: {
            "1510": "Kundfordringar",
            "1560": "Kundfordringar hos koncernföretag",
            "3001": "Försäljning inom Sverige, 25 % moms",
            "3002": "Försäljning inom Sverige, 12 % moms",
            "3003": "Försäljning inom Sverige, 6 % moms",
            "3004": "Försäljning inom Sverige, momsfri",
            "2611": "Utgående moms på försäljning inom Sverige, 25 %",
            "2621": "Utgående moms på försäljning inom Sverige, 12 %",
            "2631": "Utgående moms på försäljning inom Sverige, 6 %",
        }
    )
    chart: str = "BAS2024"

    @classmethod
    def from_json(cls, text: str) -> Accounts:
        """Defaults overridden by the keys of a JSON object (receivable, revenue, vat, names, chart)."""
        given = json.loads(text)
        if not isinstance(given, dict):
            raise ValueError("the accounts file must be a JSON object")
        default = cls()
        unknown = set(given) - {"receivable", "revenue", "vat", "names", "chart"}
        if unknown:
            raise ValueError(f"unknown keys in the accounts file: {', '.join(sorted(unknown))}")
        merged = {
            name: {**getattr(default, name), **given.get(name, {})}
            for name in ("receivable", "revenue", "vat", "names")
        }
        return replace(default, chart=str(given.get("chart", default.chart)), **merged)


@dataclass(frozen=True, slots=True)
class Invoice:
    year: int
    period: Period
    supplier: str
    organisation: str
    lines: tuple[InvoiceLine, ...]

    @property
    def net(self) -> int:
        return sum(line.net for line in self.lines)

    @property
    def vat(self) -> int:
        return sum(line.vat for line in self.lines)

    @property
    def gross(self) -> int:
        return self.net + self.vat


def invoices(lines: Iterable[InvoiceLine]) -> list[Invoice]:
    """The lines grouped into invoices: one per period, supplier and customer, in that order."""
    grouped: dict[tuple[int, Period, str, str], list[InvoiceLine]] = defaultdict(list)
    for line in lines:
        grouped[(line.year, line.period, line.supplier, line.organisation)].append(line)
    order = {p: i for i, p in enumerate(Period)}
    keys = sorted(grouped, key=lambda k: (k[0], order[k[1]], k[2], k[3]))
    return [Invoice(*key, lines=tuple(grouped[key])) for key in keys]


def period_end(year: int, period: Period) -> date:
    month = period.months[-1]
    return date(year, month, calendar.monthrange(year, month)[1])


def company_name(data: CycleData) -> str:
    """The ledger's company for #FNAMN: the cycle title up to its dash ("Göteborgs Stad – …")."""
    return data.cycle.title.split(" – ")[0].strip() or data.cycle.code


# Control characters (C0, DEL, C1) and Unicode line/paragraph separators would end or break a
# record of the file: text fields never carry them (a CR or LF becomes a space).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def quote(text: str) -> str:
    """A SIE field in quotes, with quotes and backslashes escaped as the standard says and
    control characters replaced by a space (they would break the record)."""
    clean = _CONTROL.sub(" ", text)
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Codes and labels repeat on thousands of #TRANS lines: each distinct one is quoted once; the
# few VAT rates are keyed once each.
_quoted = lru_cache(maxsize=1 << 16)(quote)
_rate_key = lru_cache(maxsize=64)(rate_key)


def _objects(lines: Sequence[tuple[int, str]]) -> str:
    return "{" + " ".join(f"{dim} {_quoted(code)}" for dim, code in lines) + "}"


def voucher(
    invoice: Invoice,
    kinds: Mapping[str, str],
    accounts: Accounts,
    names: Mapping[str, str],
    reversal: date | None = None,
) -> list[str]:
    """The #VER of one invoice and its #TRANS lines (debit positive, credit negative).

    `reversal`: the reversing voucher instead, dated that day — the same lines with opposite signs."""
    day = (reversal or period_end(invoice.year, invoice.period)).strftime("%Y%m%d")
    customer = (8, invoice.organisation)
    text = f"Faktura {names.get(invoice.supplier, invoice.supplier)} till {names.get(invoice.organisation, '')}"
    if reversal is not None:
        text = f"Återföring av {text[0].lower()}{text[1:]}"
        invoice = replace(invoice, lines=tuple(replace(ln, net=-ln.net, vat=-ln.vat) for ln in invoice.lines))
    text = f"{text.strip()} {invoice.year}-{invoice.period}"
    receivable = accounts.receivable[kinds[invoice.organisation]]
    out = [f'#VER "" "" {day} {quote(text)}', "{"]
    out.append(f"   #TRANS {receivable} {_objects([customer])} {machine(invoice.gross)}")
    vat_by_rate: dict[str, int] = defaultdict(int)
    # What `_objects([(1, line.object), customer])` gives, with the customer's part made once.
    customer_part = f" 8 {_quoted(invoice.organisation)}}}"
    for line in invoice.lines:
        key = _rate_key(line.vat_rate)
        out.append(
            f"   #TRANS {accounts.revenue[key]} {{1 {_quoted(line.object)}{customer_part} {machine(-line.net)} "
            f'"" {_quoted(f"{line.object} {line.kind}")}'
        )
        if line.vat:
            vat_by_rate[key] += line.vat
    for key in sorted(vat_by_rate):
        out.append(f"   #TRANS {accounts.vat[key]} {{}} {machine(-vat_by_rate[key])}")
    out.append("}")
    return out


def sie_4i(
    invoice_list: Sequence[Invoice],
    data: CycleData,
    *,
    company: str,
    generated: date,
    year: int,
    accounts: Accounts | None = None,
    version: str = "0.1.0",
    reversal: date | None = None,
) -> bytes:
    """The SIE 4I file of `invoice_list` as CP437 bytes. `data` gives the names of objects.

    `reversal`: reversing vouchers of the invoices instead (opposite signs), dated that day, in
    the financial year of that day.

    Raises KeyError naming a VAT rate or organisation kind that `accounts` has no account for.
    """
    accounts = accounts or Accounts()
    kinds = {o.code: o.kind.value for o in data.organisations}
    names = {o.code: o.name for o in data.organisations}
    object_names = {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}
    _check_accounts(invoice_list, kinds, accounts)
    ledger_year = reversal.year if reversal is not None else year
    lines = [
        "#FLAGGA 0",
        f"#PROGRAM {quote(PROGRAM)} {quote(version)}",
        "#FORMAT PC8",
        f"#GEN {generated.strftime('%Y%m%d')}",
        "#SIETYP 4",
        f"#FNAMN {quote(company)}",
        f"#RAR 0 {ledger_year}0101 {ledger_year}1231",
        f"#KPTYP {quote(accounts.chart)}",
    ]
    used: set[str] = set()
    cost_centres: set[str] = set()
    customers: set[str] = set()
    body: list[str] = []
    for invoice in invoice_list:
        if not invoice.lines:
            continue
        body.extend(voucher(invoice, kinds, accounts, names, reversal))
        customers.add(invoice.organisation)
        used.add(accounts.receivable[kinds[invoice.organisation]])
        for line in invoice.lines:
            cost_centres.add(line.object)
            used.add(accounts.revenue[_rate_key(line.vat_rate)])
            if line.vat:
                used.add(accounts.vat[_rate_key(line.vat_rate)])
    lines += [f"#KONTO {a} {quote(accounts.names.get(a, a))}" for a in sorted(used)]
    lines += ['#DIM 1 "Kostnadsställe"', '#DIM 8 "Kund"']
    lines += [f"#OBJEKT 1 {quote(c)} {quote(object_names.get(c, c))}" for c in sorted(cost_centres)]
    lines += [f"#OBJEKT 8 {quote(c)} {quote(names.get(c, c))}" for c in sorted(customers)]
    text = "\r\n".join(lines + body) + "\r\n"
    # One replace per character, not str.translate: translating through a mapping looks every
    # character of a large file up in Python, str.replace scans in C (the same text either way).
    for char, fallback in _CP437_FALLBACK_PAIRS:
        text = text.replace(char, fallback)
    return text.encode("cp437", errors="replace")


def _check_accounts(invoice_list: Sequence[Invoice], kinds: Mapping[str, str], accounts: Accounts) -> None:
    missing: set[str] = set()
    for invoice in invoice_list:
        if kinds[invoice.organisation] not in accounts.receivable:
            missing.add(f"no receivable account for organisation kind {kinds[invoice.organisation]}")
        for line in invoice.lines:
            key = _rate_key(line.vat_rate)
            if key not in accounts.revenue:
                missing.add(f"no revenue account for VAT rate {key}")
            if line.vat and key not in accounts.vat:
                missing.add(f"no VAT account for rate {key}")
    if missing:
        raise KeyError("; ".join(sorted(missing)))
