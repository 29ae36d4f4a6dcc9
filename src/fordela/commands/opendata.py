"""`fordela opendata CYCLE -o DIR`: the decided catalogue, frames and distribution as open data."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fordela.commands import common as cli
from fordela.engine.allocation_types import AllocationError
from fordela.opendata.datasets import open_datasets
from fordela.opendata.publish import Publisher, write_open_data
from fordela.reports.tables import Table

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def cmd_opendata(args: argparse.Namespace) -> list[Table]:
    data = cli.load(args.cycle)
    resolution = cli.resolve(data, args.stage or cli.decided_stage(data))
    try:
        datasets = open_datasets(data, resolution)
    except AllocationError as error:
        raise cli.UserError(str(error)) from None
    publisher = Publisher(args.publisher or data.cycle.title.split(" – ")[0].strip(), args.email or "")
    written = write_open_data(
        datasets,
        Path(args.output),
        title=f"{data.cycle.title} – öppna data",
        description=(
            "Beslutad tjänstekatalog, ekonomiska ramar och kostnadsfördelning per organisation för stadens "
            f"gemensamma digitala tjänster, {data.cycle.base_year}–{data.cycle.target_year}, som {resolution.name}."
        ),
        publisher=publisher,
        issued=date.fromisoformat(args.issued) if args.issued else datetime.now(STOCKHOLM).date(),
    )
    print(f"wrote {len(written)} files to {args.output}", file=sys.stderr)
    return []


def register(sub: Any) -> None:
    p = sub.add_parser(
        "opendata",
        help="publish the decided catalogue, frames and distribution as open data",
        description="CSV and JSON with DCAT-AP-SE metadata (catalog.jsonld).",
    )
    p.set_defaults(func=cmd_opendata)
    p.add_argument("cycle", metavar="CYCLE")
    p.add_argument("-o", "--output", required=True, help="the folder to write")
    p.add_argument("--stage", help="the deciding stage or scenario (default: the cycle's current stage)")
    p.add_argument("--publisher", help="dct:publisher (default: the cycle title up to its dash)")
    p.add_argument("--email", help="contact point e-mail")
    p.add_argument("--issued", help="dct:issued, YYYY-MM-DD (default: today)")
