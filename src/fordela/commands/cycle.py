"""The cycle's own commands: import, export, the demo cycle, and the cycle's reports.

A CYCLE argument is either a path to a cycle package (computed directly, the database is not
touched) or the code of a cycle in the database.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from fordela.commands import common as cli
from fordela.engine import bridge as b
from fordela.engine import parse
from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import AllocationError
from fordela.engine.scenario import proposed_scenario
from fordela.reports import cycle as reports
from fordela.reports.tables import Table


def cmd_import(args: argparse.Namespace) -> list[Table]:
    from fordela.package.reader import read_package

    data = read_package(Path(args.path))
    cli.django_setup()
    if getattr(args, "merge", False):
        return _merge(args, data)
    from fordela.billing.freezes import FrozenPeriodsChanged
    from fordela.cycle.services import CycleExistsError, cycle_import

    try:
        cycle_import(data=data, replace=args.replace)
    except (CycleExistsError, FrozenPeriodsChanged) as error:
        raise cli.UserError(str(error)) from None
    print(
        f"imported cycle {data.cycle.code}: {len(data.services)} services, {len(data.proposals)} proposals",
        file=sys.stderr,
    )
    return []


def _merge(args: argparse.Namespace, data: Any) -> list[Table]:
    """Merge the package into the cycle with its code: only the rows that differ are written (and
    recorded); drafts, reviews, scenarios, consultation and history stay."""
    from fordela.billing.freezes import FrozenPeriodsChanged
    from fordela.cycle.merge import StaleCycle, cycle_merge, diff_rows_table, diff_summary_table, merge_preview
    from fordela.cycle.selectors import CycleNotFound, cycle_get
    from fordela.cycle.validation import CycleInvalid

    try:
        cycle = cycle_get(data.cycle.code)
        preview = merge_preview(cycle=cycle, data=data)
    except (CycleNotFound, CycleInvalid) as error:
        raise cli.UserError(_invalid_text(error)) from None
    tables = [diff_summary_table(preview.diffs)] + [diff_rows_table(d) for d in preview.diffs]
    if preview.effect.table is not None:
        tables.append(preview.effect.table)
    if args.dry_run:
        print(f"dry run: nothing was written to cycle {cycle.code}", file=sys.stderr)
        return tables
    try:
        count = cycle_merge(
            cycle=cycle, data=data, expected_revision=preview.revision, by=None, source=Path(args.path).name
        )
    except (CycleInvalid, StaleCycle, FrozenPeriodsChanged) as error:
        raise cli.UserError(_invalid_text(error)) from None
    print(f"merged into cycle {cycle.code}: {count} rows changed", file=sys.stderr)
    return tables


def _invalid_text(error: Exception) -> str:
    errors = getattr(error, "errors", None)
    if errors:
        return "\n".join(message for messages in errors.values() for message in messages)
    return str(error)


def cmd_demo(args: argparse.Namespace) -> list[Table]:
    # Accounts with a published password: only on a local machine, or when asked for by name.
    if os.environ.get("FORDELA_LOCAL", "") not in ("1", "true", "yes", "on") and not args.allow_demo_accounts:
        raise cli.UserError(
            "refusing to create demo accounts outside local mode (FORDELA_LOCAL=1); "
            "pass --allow-demo-accounts to do it anyway"
        )
    args.path, args.replace = str(cli.demo_package()), True
    cmd_import(args)
    from fordela.accounts.services import DEMO_PASSWORD, demo_accounts_create

    accounts = demo_accounts_create()
    print(f"demo accounts (password {DEMO_PASSWORD}):", file=sys.stderr)
    for a in accounts:
        where = f" – {a.organisation}" if a.organisation else ""
        print(f"  {a.username:<8} {a.role.label}{where}", file=sys.stderr)
    return []


def cmd_export(args: argparse.Namespace) -> list[Table]:
    from fordela.package.writer import write_package

    data = cli.load(args.cycle)
    write_package(data, Path(args.path))
    print(f"exported cycle {data.cycle.code} to {args.path}", file=sys.stderr)
    return []


def cmd_allocate(args: argparse.Namespace) -> list[Table]:
    data = cli.load(args.cycle)
    if args.year not in data.cycle.years:
        raise cli.UserError(
            f"year {args.year} is outside the cycle ({data.cycle.years.start}–{data.cycle.years.stop - 1})"
        )
    resolution = None
    if args.year > data.cycle.base_year:
        resolution = cli.resolve(data, args.scenario or cli.decided_stage(data))
    elif args.scenario:
        raise cli.UserError(f"{args.year} is not after the base year {data.cycle.base_year}: no scenario applies")
    try:
        allocation = allocate(data, args.year, resolution)
    except AllocationError as error:
        raise cli.UserError(str(error)) from None
    tables = [reports.allocation_table(data, allocation)]
    if args.format != "csv":
        tables += [reports.organisation_totals_table(data, allocation), reports.recovery_table(allocation)]
    return tables


def cmd_bridge(args: argparse.Namespace) -> list[Table]:
    data = cli.load(args.cycle)
    resolutions = [cli.resolve(data, c) for c in (args.scenario or cli.default_comparison(data))]
    return [reports.bridge_table(data, s, resolutions) for s in cli.suppliers(data, args.supplier)]


def cmd_initiatives(args: argparse.Namespace) -> list[Table]:
    data = cli.load(args.cycle)
    resolution = cli.resolve(data, args.scenario or cli.default_comparison(data)[-1])
    return [
        reports.initiatives_table(data, s, resolution)
        for s in cli.suppliers(data, args.supplier)
        if b.initiative_lists(data, s, resolution)
    ]


def cmd_frames(args: argparse.Namespace) -> list[Table]:
    data = cli.load(args.cycle)
    return [reports.frames_table(data, cli.resolve(data, args.stage or cli.decided_stage(data)))]


def cmd_outlook(args: argparse.Namespace) -> list[Table]:
    data = cli.load(args.cycle)
    resolution = cli.resolve(data, args.scenario or proposed_scenario(data) or cli.decided_stage(data))
    return [reports.outlook_table(data, s, resolution) for s in cli.suppliers(data, args.supplier)]


def cmd_summary(args: argparse.Namespace) -> list[Table]:
    """The main job: every supplier's bridge, the initiative lists and the frames to council."""
    data = cli.load(args.cycle)
    comparison = [cli.resolve(data, c) for c in cli.default_comparison(data)]
    tables = [reports.bridge_table(data, s, comparison) for s in b.suppliers(data)]
    tables += [
        reports.initiatives_table(data, s, comparison[-1])
        for s in b.suppliers(data)
        if b.initiative_lists(data, s, comparison[-1])
    ]
    tables.append(reports.frames_table(data, cli.resolve(data, cli.decided_stage(data))))
    return tables


def cmd_schema(args: argparse.Namespace) -> list[Table]:
    from fordela.package.docs import schema_json, schema_markdown

    print(schema_markdown() if args.format == "markdown" else schema_json(), end="")
    return []


def cmd_migrate(args: argparse.Namespace) -> list[Table]:
    cli.django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return []


def register(sub: Any) -> None:
    """Add import, demo, export, allocate, bridge, initiatives, frames, outlook, summary, schema and migrate."""
    p = cli.add_command(
        sub, "import", cmd_import, "import a cycle package (folder, .zip or .xlsx) into the database", formats=False
    )
    p.add_argument("path")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--replace", action="store_true", help="replace a cycle with the same code")
    mode.add_argument(
        "--merge",
        action="store_true",
        help="change only the rows that differ in the cycle with the same code, keeping drafts, reviews and history",
    )
    p.add_argument("--dry-run", action="store_true", help="with --merge: print the differences, write nothing")
    p = cli.add_command(sub, "demo", cmd_demo, f"load the demo cycle {cli.DEMO_CODE} into the database", formats=False)
    p.add_argument("--allow-demo-accounts", action="store_true", help="also outside local mode (published password)")
    p = cli.add_command(
        sub, "export", cmd_export, "export a cycle as a package (folder, .zip or .xlsx by suffix)", formats=False
    )
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("path")
    p = cli.add_command(sub, "allocate", cmd_allocate, "split every service's cost for a year among its customers")
    p.add_argument("cycle", metavar="PACKAGE_OR_CYCLE")
    p.add_argument("--year", type=parse.year, required=True)
    p.add_argument("--scenario", help="scenario or review stage (years after the base year; default: current stage)")
    p = cli.add_command(sub, "bridge", cmd_bridge, "the budget bridge per supplier, scenarios side by side")
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("--supplier")
    p.add_argument("--scenario", action="append", help="repeat to compare (default: proposed vs first stage)")
    p = cli.add_command(sub, "initiatives", cmd_initiatives, "the change-initiative lists with sums")
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("--supplier")
    p.add_argument("--scenario", "--stage", dest="scenario", help="scenario or stage (default: first stage)")
    p = cli.add_command(sub, "frames", cmd_frames, "the budget frames per supplier to council")
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("--stage", help="review stage or scenario (default: the cycle's current stage)")
    p = cli.add_command(sub, "outlook", cmd_outlook, "the multi-year outlook per supplier")
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("--supplier")
    p.add_argument("--scenario", help="default: everything proposed")
    p = cli.add_command(sub, "summary", cmd_summary, "bridges, initiative lists and frames: the deck's figures")
    p.add_argument("cycle", metavar="CYCLE", nargs="?", default=cli.DEMO_CODE)
    p = sub.add_parser("schema", help="the package tables and columns")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.set_defaults(func=cmd_schema)
    cli.add_command(sub, "migrate", cmd_migrate, "create or update the database tables", formats=False)
