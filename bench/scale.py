"""The demo cycle package enlarged N times by exact copies of its organisations and services.

Run: ``.venv/bin/python bench/scale.py 10 var/bench/scale-10`` (writes a package folder).

Deterministic: the same N always gives the same bytes. Copy k (2..N) of organisation ``o`` is
``o-x<k>`` and of service ``s`` is ``s-x<k>``; the original codes stay as they are, so every
row of the 1× package exists, unchanged in its key columns, in the N× package.

How the copies keep the 1× figures: every copy of a service is joined by every copy of each of
its participants (participation grows N², ~4.5 million rows at 100×), and every cost attached
to a service or a proposal is multiplied by N. A split of N·C over N copies of each participant,
each with the same weight, gives each copy exactly what the original got at 1× (⌊N·C·w / N·W⌋ =
⌊C·w/W⌋, the remainders are N times the 1× ones, so the N·r leftover öre go to the N copies of
the r organisations that got one at 1×). So every (service, organisation) line of the originals,
and of every copy, equals its 1× line to the öre; supplier totals and the bridge are N² resp. N
times larger and are not compared. A proposal that names a service is copied with the service
(``p-x<k>`` names ``s-x<k>``), with its amounts, reviews, conditions and scenario memberships, so
every copy of a service costs N times the original in every year; proposals without a service
(a supplier's initiatives) stay single with N times their amounts.

Driver values, key shares, subscriptions and allocation history are copied per organisation
copy (and subscriptions/history per service copy) with the same values: they are weights.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "fordela" / "demo" / "goteborg-2026"

Row = dict[str, str]


def copy_code(code: str, k: int) -> str:
    """The code of copy `k` (1 = the original)."""
    return code if k == 1 else f"{code}-x{k:03d}"


def _read(source: Path, table: str) -> tuple[list[str], list[Row]]:
    with (source / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _times(amount: str, n: int) -> str:
    """A money cell (SEK, at most two decimals) times n, exactly."""
    if amount == "":
        return amount
    return f"{Decimal(amount) * n:.2f}"


def _scaled_money(columns: tuple[str, ...], n: int) -> Callable[[Row], Iterator[Row]]:
    def rows(row: Row) -> Iterator[Row]:
        yield {c: (_times(v, n) if c in columns else v) for c, v in row.items()}

    return rows


def scale_package(n: int, target: Path, source: Path = DEMO) -> Path:
    """Write the package `source` enlarged `n` times as a folder of CSV files at `target`."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    copies = range(1, n + 1)

    def per_org(row: Row) -> Iterator[Row]:
        for k in copies:
            yield {**row, "organisation": copy_code(row["organisation"], k)}

    def per_service_and_org(money: tuple[str, ...] = ()) -> Callable[[Row], Iterator[Row]]:
        def rows(row: Row) -> Iterator[Row]:
            for i in copies:
                service = copy_code(row["service"], i)
                for k in copies:
                    yield {**row, "service": service, "organisation": copy_code(row["organisation"], k)}

        return rows

    def organisations(row: Row) -> Iterator[Row]:
        for k in copies:
            name = row["name"] if k == 1 else f"{row['name']} (kopia {k})"
            yield {**row, "code": copy_code(row["code"], k), "name": name}

    def services(row: Row) -> Iterator[Row]:
        for i in copies:
            name = row["name"] if i == 1 else f"{row['name']} (kopia {i})"
            yield {**row, "code": copy_code(row["code"], i), "name": name}

    def service_years(row: Row) -> Iterator[Row]:
        money = ("cost", "development_within_service", "outcome")
        for i in copies:
            yield {c: (_times(v, n) if c in money else v) for c, v in row.items()} | {
                "service": copy_code(row["service"], i)
            }

    def cycle(row: Row) -> Iterator[Row]:
        # Its own code, so several sizes can live in one database side by side.
        yield {**row, "code": row["code"] if n == 1 else f"{row['code']}-x{n}"}

    # Proposals that name a service are copied with it (and everything that names them), so
    # each copy of a service has its own proposals and the same target-year cost as the original.
    _, proposal_rows = _read(source, "proposals")
    with_service = {p["code"] for p in proposal_rows if p["service"]}

    def per_proposal(money: tuple[str, ...] = ("amount",)) -> Callable[[Row], Iterator[Row]]:
        def rows(row: Row) -> Iterator[Row]:
            scaled = {c: (_times(v, n) if c in money else v) for c, v in row.items()}
            if row["proposal"] not in with_service:
                yield scaled
                return
            for i in copies:
                yield {**scaled, "proposal": copy_code(row["proposal"], i)}

        return rows

    def proposals(row: Row) -> Iterator[Row]:
        scaled = {**row, "future_management_cost": _times(row["future_management_cost"], n)}
        if row["code"] not in with_service:
            yield scaled
            return
        for i in copies:
            title = row["title"] if i == 1 else f"{row['title']} (kopia {i})"
            yield {**scaled, "code": copy_code(row["code"], i), "service": copy_code(row["service"], i), "title": title}

    rules: dict[str, Callable[[Row], Iterator[Row]]] = {
        "cycle": cycle,
        "organisations": organisations,
        "services": services,
        "service_years": service_years,
        "driver_values": per_org,
        "key_shares": per_org,
        "participation": per_service_and_org(),
        "subscriptions": per_service_and_org(),
        "allocation_history": per_service_and_org(),
        "proposals": proposals,
        "proposal_amounts": per_proposal(),
        "review_amounts": per_proposal(),
        "incurred_costs": per_proposal(),
        "reviews": per_proposal(()),
        "review_conditions": per_proposal(()),
        "scenario_proposals": per_proposal(()),
        "budget_lines": _scaled_money(("amount",), n),
    }
    for path in sorted(source.glob("*.csv")):
        table = path.stem
        columns, rows = _read(source, table)
        rule = rules.get(table)
        with (target / path.name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                if rule is None:
                    writer.writerow(row)
                else:
                    writer.writerows(rule(row))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("n", type=int, help="how many copies of each organisation and service")
    parser.add_argument("target", type=Path, help="folder to write (replaced)")
    args = parser.parse_args()
    scale_package(args.n, args.target)
    print(args.target)


if __name__ == "__main__":
    main()
