"""`fordela cycle next SOURCE CODE`: the next year's cycle from the decided one; `fordela cycle
across`: a service's cost or an organisation's bill across every cycle in the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fordela.commands import common as cli
from fordela.engine.rollover import RolloverError, next_cycle
from fordela.reports.across import organisation_across, service_across
from fordela.reports.tables import Table


def cmd_next(args: argparse.Namespace) -> list[Table]:
    if args.output:  # a package in, a package out: the database is not touched
        from fordela.package.writer import write_package

        try:
            data = next_cycle(cli.load(args.source), code=args.code, title=args.title)
        except RolloverError as error:
            raise cli.UserError(str(error)) from None
        write_package(data, Path(args.output))
        print(f"wrote cycle {args.code} ({data.cycle.target_year}) to {args.output}", file=sys.stderr)
        return []
    cli.load(args.source)  # a clear message for an unknown cycle
    from fordela.cycle.rollover import cycle_next
    from fordela.cycle.services import CycleExistsError

    try:
        cycle = cycle_next(source=args.source, code=args.code, title=args.title)
    except (RolloverError, CycleExistsError) as error:
        raise cli.UserError(str(error)) from None
    print(f"created cycle {cycle.code} ({cycle.target_year}) from {args.source}", file=sys.stderr)
    return []


def cmd_across(args: argparse.Namespace) -> list[Table]:
    cli.django_setup()
    from fordela.cycle.summaries import across_summaries

    cycles = across_summaries()
    if args.service:
        return [service_across(cycles, args.service)]
    return [organisation_across(cycles, args.organisation)]


def register(sub: Any) -> None:
    """Add `cycle next` and `cycle across`."""
    p = sub.add_parser("cycle", help="the cycle from one year to the next")
    cycle_sub = p.add_subparsers(dest="cycle_command", required=True, metavar="COMMAND")
    p = cli.add_command(cycle_sub, "next", cmd_next, "create the next year's cycle from the decided one", formats=False)
    p.add_argument("source", metavar="CYCLE", help="the decided cycle (code in the database, or a package)")
    p.add_argument("code", metavar="NEW_CODE")
    p.add_argument("--title", help="default: the old title with the new target year")
    p.add_argument("-o", "--output", help="write the new cycle as a package here instead of the database")
    p = cli.add_command(cycle_sub, "across", cmd_across, "a service's cost or an organisation's bill in every cycle")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--service")
    which.add_argument("--organisation")
