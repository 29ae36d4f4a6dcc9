"""The `fordela` command: import, export, the demo cycle, the cycle's reports, invoicing, documents.

This module is only the registry: each module named in `COMMANDS` has a `register(sub)` that adds
its sub-commands to the parser (`sub` is argparse's sub-parsers action; each sub-command sets
`func`, a `fordela.commands.common.Handler`). A sub-command never imports this module back; what
they share is in `fordela.commands.common`. Plugging in a new command is one line here.

User mistakes exit non-zero with one clear message per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from fordela.commands.common import UserError
from fordela.package.errors import PackageError
from fordela.reports.render import render_chunks

COMMANDS = (
    "fordela.commands.cycle",  # import, demo, export, allocate, bridge, initiatives, frames, outlook, summary, …
    "fordela.commands.billing",  # invoice base|freeze|verify|sie|outcome
    "fordela.commands.opendata",  # opendata
    "fordela.commands.documents",  # report workbook|annual-analysis|deck|pdf
    "fordela.commands.ops",  # serve, worker, backup, restore, user
    "fordela.commands.nextcycle",  # cycle next|across
)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="fordela", description=__doc__.splitlines()[0])
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        import_module(name).register(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        tables = args.func(args)
    except PackageError as error:
        print(f"fordela: the package has {len(error.problems)} problem(s), nothing was imported:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except UserError as error:
        for line in str(error).splitlines():
            print(f"fordela: {line}", file=sys.stderr)
        return 2
    if tables:
        # Piece by piece: the invoicing base of a large cycle is millions of lines of CSV.
        for chunk in render_chunks(tables, getattr(args, "format", "table")):
            sys.stdout.write(chunk)
    return 0


if __name__ == "__main__":
    sys.exit(main())
