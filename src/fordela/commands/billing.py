"""`fordela invoice …`: the invoicing base, freezing, SIE export, outcome.

A CYCLE is a package path (computed directly; nothing is frozen or recorded) or a cycle code in
the database (freezing, export batches and outcome are recorded there).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fordela.billing.exports import lines_csv_records, lines_xlsx
from fordela.billing.sie import Accounts, company_name, invoices, sie_4i
from fordela.commands import common as cli
from fordela.engine import parse
from fordela.engine.allocation_types import AllocationError
from fordela.engine.invoicing import Granularity, InvoicingBase, InvoicingError, granularity_of, invoicing_base
from fordela.engine.model import CycleData, Period
from fordela.engine.money import display
from fordela.engine.parse import InputError, parse_amount
from fordela.engine.scenario import Resolution
from fordela.reports import billing as reports
from fordela.reports.render import FORMATS
from fordela.reports.tables import Table

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _is_package(source: str) -> bool:
    return Path(source).exists()


def _period(args: argparse.Namespace, data: CycleData) -> tuple[int, Period | None]:
    from fordela.engine.invoicing import parse_period

    year, period = args.year, None
    if getattr(args, "period", None):
        try:
            year, period = parse_period(args.period, args.year)
        except ValueError as error:
            raise cli.UserError(str(error)) from None
    if year is None:
        raise cli.UserError("name the year: --year 2026 or --period 2026-q1")
    if year not in data.cycle.years:
        raise cli.UserError(f"year {year} is outside the cycle ({data.cycle.years.start}–{data.cycle.years.stop - 1})")
    return year, period


def _scenario(args: argparse.Namespace, data: CycleData) -> str:
    return args.scenario or cli.decided_stage(data)


def _base(
    data: CycleData, year: int, scenario: str, granularity: Granularity, source: str = "", only: Period | None = None
) -> InvoicingBase:
    resolution: Resolution | None = cli.resolve(data, scenario) if year > data.cycle.base_year else None
    own: frozenset[str] = frozenset()
    if source and not _is_package(source):
        from fordela.billing.services import own_services_of

        own = own_services_of(data.cycle.code)
    try:
        return invoicing_base(data, year, resolution, granularity=granularity, own_services=own, only=only)
    except (InvoicingError, AllocationError) as error:
        raise cli.UserError(str(error)) from None


def cmd_base(args: argparse.Namespace) -> list[Table]:
    data = cli.load(args.cycle)
    year, period = _period(args, data)
    granularity = granularity_of(period) if period else Granularity(args.periods)
    base = _base(data, year, _scenario(args, data), granularity, args.cycle, only=period)
    lines = list(base.for_period(period)) if period else list(base.lines)
    if args.output:
        _write_lines(lines, data, Path(args.output))
    shown = (
        f"{year}-{period}" if period else f"{year} per {'kvartal' if granularity is Granularity.QUARTER else 'månad'}"
    )
    tables = [reports.invoice_lines_table(data, lines, f"Fakturaunderlag {shown}")]
    if args.format != "csv":
        tables += [reports.invoice_totals_table(data, base, period), reports.not_invoiced_table(data, base)]
        if base.exempted:
            tables.append(reports.exemptions_table(data, base))
    return tables


def _write_lines(lines: list[Any], data: CycleData, path: Path) -> None:
    if path.suffix.lower() == ".xlsx":
        lines_xlsx(lines, data, path)
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8") as out:  # a block of lines at a time
            out.writelines(lines_csv_records(lines, data))
    else:
        raise cli.UserError(f"write the invoicing base to a .csv or .xlsx file, not {path.name}")
    print(f"wrote {len(lines)} lines to {path}", file=sys.stderr)


def _db_cycle(args: argparse.Namespace, what: str) -> Any:
    if _is_package(args.cycle):
        raise cli.UserError(f"{what} needs a cycle in the database: `fordela import {args.cycle}` first")
    data = cli.load(args.cycle)
    return data


def cmd_freeze(args: argparse.Namespace) -> list[Table]:
    data = _db_cycle(args, "freezing")
    year, period = _period(args, data)
    if period is None:
        raise cli.UserError("name the period to freeze: --period 2026-q1")
    freeze = _freeze(args, data, year, period)
    print(f"frozen {freeze}: {freeze.lines.count()} lines, inputs sha256 {freeze.inputs_sha256}", file=sys.stderr)
    return []


def _freeze(args: argparse.Namespace, data: CycleData, year: int, period: Period) -> Any:
    from fordela.billing.services import BillingError, invoice_freeze

    try:
        return invoice_freeze(cycle=data.cycle.code, year=year, period=period, scenario=args.scenario, by=_by(args))
    except (BillingError, InvoicingError, AllocationError) as error:
        raise cli.UserError(str(error)) from None


def _by(args: argparse.Namespace) -> str:
    return getattr(args, "by", None) or getpass.getuser()


def _frozen(code: str, year: int, period: Period) -> Any:
    from fordela.billing.services import freeze_of

    return freeze_of(code, year, period)[0]


def _frozen_or_refuse(args: argparse.Namespace, what: str) -> Any:
    data = _db_cycle(args, what)  # sets Django up: everything below may touch the database
    year, period = _period(args, data)
    if period is None:
        raise cli.UserError("name the frozen period: --period 2026-q1")
    freeze = _frozen(data.cycle.code, year, period)
    if freeze is None:
        raise cli.UserError(f"{data.cycle.code} {year}-{period} is not frozen")
    from fordela.billing.models import InvoicingFreeze

    return InvoicingFreeze.objects.get(pk=freeze.pk), data


def cmd_verify(args: argparse.Namespace) -> list[Table]:
    freeze, data = _frozen_or_refuse(args, "verifying a freeze")
    from fordela.billing.services import BillingError, invoice_verify

    try:
        result = invoice_verify(freeze=freeze, data=data)
    except BillingError as error:
        raise cli.UserError(str(error)) from None
    for title, found in (("the stored inputs", result.stored), ("the current data", result.current)):
        for difference in found:
            print(f"{freeze} against {title}: {difference.describe()}", file=sys.stderr)
    if result.current_problem:
        print(f"{freeze}: the current data cannot be computed: {result.current_problem}", file=sys.stderr)
    if not result.ok:
        raise cli.UserError(
            f"{freeze}: {len(result.stored)} lines differ from what the stored inputs give, "
            f"{len(result.current)} from what the current data gives"
        )
    print(f"{freeze}: the stored inputs and the current data give the frozen lines to the öre", file=sys.stderr)
    return []


def cmd_reverse(args: argparse.Namespace) -> list[Table]:
    freeze, _data = _frozen_or_refuse(args, "reversing a freeze")
    from fordela.billing.services import BillingError, invoice_reverse

    try:
        reversal = invoice_reverse(freeze=freeze, reason=args.reason, by=_by(args))
    except BillingError as error:
        raise cli.UserError(str(error)) from None
    at = reversal.created_at.astimezone(STOCKHOLM)  # people read local time; it is stored in UTC
    print(
        f"reversed {freeze} ({reversal.created_by}, {at:%Y-%m-%d %H:%M}): {reversal.reason}; "
        f"export the reversing vouchers with `fordela invoice sie --reversal`",
        file=sys.stderr,
    )
    return []


def cmd_own_services(args: argparse.Namespace) -> list[Table]:
    data = _db_cycle(args, "configuring invoicing")
    from fordela.billing.services import BillingError, own_services_set

    try:
        if args.supplier:
            own_services_set(cycle=data.cycle.code, supplier=args.supplier, invoiced=not args.off, by=_by(args))
    except BillingError as error:
        raise cli.UserError(str(error)) from None
    from fordela.billing.services import own_services_of

    own = sorted(own_services_of(data.cycle.code))
    print(f"invoiced for their own services: {', '.join(own) if own else 'no supplier'}", file=sys.stderr)
    return []


def _accounts(args: argparse.Namespace) -> Accounts:
    if not args.accounts:
        return Accounts()
    try:
        return Accounts.from_json(Path(args.accounts).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise cli.UserError(f"accounts file {args.accounts}: {error}") from None


def cmd_sie(args: argparse.Namespace) -> list[Table]:
    data = cli.load(args.cycle)
    year, period = _period(args, data)
    if period is None:
        raise cli.UserError("name the period to export: --period 2026-q1")
    company = args.company or company_name(data)
    accounts = _accounts(args)
    if _is_package(args.cycle):
        base = _base(data, year, _scenario(args, data), granularity_of(period), only=period)
        content = _sie(
            lambda: sie_4i(
                invoices(base.for_period(period)),
                data,
                company=company,
                generated=datetime.now(STOCKHOLM).date(),
                year=year,
                accounts=accounts,
            )
        )
        note = "from a package: nothing frozen or recorded (import the cycle to invoice for real)"
    else:
        from fordela.billing.services import BillingError, invoice_export_sie

        if args.reversal:
            freeze = _reversed(data.cycle.code, year, period)
        else:
            freeze = _frozen(data.cycle.code, year, period) or _freeze(args, data, year, period)
        try:
            export = _sie(
                lambda: invoice_export_sie(
                    freeze=freeze,
                    company=company,
                    accounts=accounts,
                    again=args.again,
                    reversal=args.reversal,
                    by=_by(args),
                )
            )
        except BillingError as error:
            raise cli.UserError(str(error)) from None
        content = export.content
        note = f"batch {export.batch.pk}" + (
            f", exported again ({export.batch.exported_again})" if export.again else ""
        )
    Path(args.output).write_bytes(content)
    vouchers = content.count(b"#VER")
    print(f"wrote {args.output}: {vouchers} vouchers, SIE 4I, CP437; {note}", file=sys.stderr)
    return []


def _reversed(code: str, year: int, period: Period) -> Any:
    from fordela.billing.models import InvoicingFreeze

    freeze = (
        InvoicingFreeze.objects.filter(cycle_code=code, year=year, period=period.value, reversed=True)
        .order_by("-created_at")
        .first()
    )
    if freeze is None:
        raise cli.UserError(f"{code} {year}-{period} has no reversed freeze")
    return freeze


def _sie(make: Any) -> Any:
    try:
        return make()
    except KeyError as error:
        raise cli.UserError(f"accounts: {error.args[0]}") from None


def cmd_outcome(args: argparse.Namespace) -> list[Table]:
    if args.service or args.amount is not None:
        if not (args.service and args.amount is not None and args.year):
            raise cli.UserError("recording an outcome needs --service, --year and --amount")
        _record_outcome(args)
    data = cli.load(args.cycle)
    if args.supplier:
        cli.suppliers(data, args.supplier)
    return [reports.outcome_table(data, args.supplier)]


def _record_outcome(args: argparse.Namespace) -> None:
    data = _db_cycle(args, "recording an outcome")  # sets Django up: the models import only after it
    from fordela.billing.services import BillingError, outcome_record

    try:
        amount = parse_amount(args.amount)
    except InputError as error:
        raise cli.UserError(f"--amount: {error}") from None
    from fordela.catalogue.models import Cycle

    try:
        outcome_record(
            cycle=Cycle.objects.get(code=data.cycle.code), service=args.service, year=args.year, amount=amount
        )
    except BillingError as error:
        raise cli.UserError(str(error)) from None
    print(f"recorded outcome {args.year} of {args.service}: {display(amount, label=True)}", file=sys.stderr)


def register(sub: Any) -> None:
    """Add `invoice` (with its sub-commands) to the `fordela` parser."""
    invoice = sub.add_parser(
        "invoice",
        help="invoicing base, freezing, SIE export, outcome",
        description="Invoicing base per period, freezing, SIE 4I export and outcome.",
    )
    commands = invoice.add_subparsers(dest="invoice_command", required=True, metavar="SUBCOMMAND")

    def command(name: str, func: Any, help: str, *, formats: bool = False) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        p.add_argument("cycle", metavar="CYCLE")
        if formats:
            p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
        return p

    def period(p: argparse.ArgumentParser, required: bool = False) -> None:
        p.add_argument("--year", type=parse.year)
        p.add_argument("--period", required=required, help="q1–q4 or m01–m12, optionally with the year: 2026-q1")
        p.add_argument("--scenario", help="decided scenario or stage (default: the cycle's current stage)")

    p = command("base", cmd_base, "the invoicing base: lines per organisation, period and service", formats=True)
    period(p)
    p.add_argument(
        "--periods",
        choices=[g.value for g in Granularity],
        default="quarter",
        help="without --period: every quarter or month of the year",
    )
    p.add_argument("-o", "--output", help="also write the lines to a .csv or .xlsx file")
    p = command("freeze", cmd_freeze, "freeze a period's invoicing: store its inputs, their hash and its lines")
    period(p, required=True)
    p.add_argument("--by", help="who freezes (default: the login name)")
    p = command(
        "verify", cmd_verify, "compare a frozen period, line by line, with its stored inputs and the current data"
    )
    period(p, required=True)
    p = command("reverse", cmd_reverse, "reverse a freeze (recorded: who, when, why); the period may be frozen again")
    period(p, required=True)
    p.add_argument("--reason", required=True, help="why the freeze is reversed")
    p.add_argument("--by", help="who reverses (default: the login name)")
    p = command("own-services", cmd_own_services, "which suppliers are invoiced for their own use of their services")
    p.add_argument("--supplier", help="the supplier to configure")
    p.add_argument("--off", action="store_true", help="stop invoicing the supplier for its own use (the default)")
    p.add_argument("--by", help="who configures (default: the login name)")
    p = command("sie", cmd_sie, "export a period as SIE 4I for the ledger (freezes it first if needed)")
    period(p, required=True)
    p.add_argument("-o", "--output", required=True, help="the .se/.si file to write")
    p.add_argument("--again", action="store_true", help="export an already exported period again (same bytes)")
    p.add_argument("--reversal", action="store_true", help="the reversing vouchers of a reversed freeze")
    p.add_argument("--accounts", help="JSON file overriding the default accounts (docs/invoicing.md)")
    p.add_argument("--company", help="#FNAMN (default: the cycle title up to its dash)")
    p.add_argument("--by", help="who exports (default: the login name)")
    p = command(
        "outcome", cmd_outcome, "budget against outcome per supplier and service; record an outcome", formats=True
    )
    p.add_argument("--supplier")
    p.add_argument("--service", help="record: the service")
    p.add_argument("--year", type=parse.year, help="record: the year")
    p.add_argument("--amount", help="record: the outcome in kr, e.g. 78675000 or '78 675 000'")
