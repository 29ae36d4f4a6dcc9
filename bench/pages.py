"""Time the heavy pages and downloads of one cycle in the database through Django's test client.

Run: ``DATABASE_URL=... .venv/bin/python bench/pages.py CYCLE [--only NAME,...] [--profile DIR]``
(the cycle and the demo accounts must exist; `bench/scale_bench.py` imports them). Prints one
JSON object per page: the page, the persona, the status, the bytes, and three requests:

- ``cold``: the first request after every cached result was dropped (the in-process
  CycleData and computed results: `fordela.cycle.selectors`, `fordela.cycle.computed`) — what the
  first viewer after a write to the cycle (a new revision) or after a process start waits for;
- ``cold_cpu``: the CPU seconds of that request in this process (steadier on a shared machine);
- ``warm``: the next request (cached results), with its number of SQL queries.

The process itself is warmed first (imports, URL resolver, a template) with a page of another
kind, so the first page measured does not carry the interpreter's start-up alone.

``--profile DIR`` writes a cProfile of every cold request to ``DIR/<page>.prof``.

``--fresh``: no warming and no warm request — the process starts, logs in and asks for the pages
once. `bench/scale_bench.py` runs it per page and times the whole process: a page's cost with the
fixed start-up included, as the commands are timed.

Used by `bench/scale_bench.py`; the load benchmark (`bench/load_bench.py`) uses the same pages.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import re
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fordela.settings")
os.environ.setdefault("FORDELA_LOCAL", "1")

SCENARIO = "utan-nya-insatser"
ORGANISATION = "grundskola"
SERVICE = "it-arbetsplats"
SUPPLIER = "intraservice"


def pages(cycle: str, scenario: str, organisation: str, service: str) -> list[tuple[str, str, str]]:
    """(name, persona, path) of the pages measured: the load mix, every page whose work grows
    with the cycle, and the downloads of its full tables."""
    c = f"/c/{cycle}"
    return [
        ("start", "bob", f"{c}/"),
        ("scenario", "bob", f"{c}/scenarier/{scenario}/"),
        ("bridge", "bob", f"{c}/brygga/"),
        ("organisation", "charlie", f"{c}/organisation/{organisation}/"),
        ("organisation (coordinator)", "bob", f"{c}/organisation/"),
        ("one organisation (coordinator)", "bob", f"{c}/organisation/{organisation}/"),
        ("simulator", "charlie", f"{c}/nyckelsimulator/?service={service}"),
        ("service", "bob", f"{c}/tjanster/{service}/"),
        ("invoicing", "dana", f"{c}/fakturering/"),
        ("opendata", "dana", f"{c}/oppna-data/"),
        ("catalogue", "bob", f"{c}/tjanster/"),
        ("scenarios", "bob", f"{c}/scenarier/"),
        ("scenario compare", "bob", f"{c}/jamfor-scenarier/"),
        ("proposals", "bob", f"{c}/forslag/"),
        ("outlook", "charlie", f"{c}/prognos/"),
        ("outcome", "dana", f"{c}/utfall/"),
        ("documents", "bob", f"{c}/dokument/"),
        ("history", "bob", f"{c}/historik/"),
        ("catalogue admin", "bob", f"{c}/katalog/"),
        ("organisation across cycles", "bob", f"/over-tid/organisation/{organisation}/"),
        ("service across cycles", "bob", f"/over-tid/tjanst/{service}/"),
        ("download: bridge", "bob", f"{c}/brygga/export/"),
        ("download: invoicing csv", "dana", f"{c}/fakturering/export/"),
        ("download: invoicing xlsx", "dana", f"{c}/fakturering/export/?format=xlsx"),
        ("download: open data csv", "dana", f"{c}/oppna-data/kostnadsfordelning.csv"),
    ]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _body_size(response: object) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)  # type: ignore[attr-defined]
    return len(response.content)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("cycle")
    parser.add_argument("--only", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of each cold request here")
    parser.add_argument("--fresh", action="store_true", help="no warming, no warm request (see the docstring)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fordela.cycle import computed, selectors

    settings.ALLOWED_HOSTS = ["*"]
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    unknown = only - {name for name, _, _ in pages(args.cycle, SCENARIO, ORGANISATION, SERVICE)}
    if unknown:
        parser.error(f"no page named {', '.join(sorted(unknown))}")
    users = get_user_model().objects
    clients: dict[str, Client] = {}

    def client_for(persona: str) -> Client:
        if persona not in clients:
            clients[persona] = Client()
            clients[persona].force_login(users.get(username=persona))
        return clients[persona]

    if not args.fresh:
        # Warm the process (imports, URL resolver, middleware, base templates) without this cycle.
        client_for("bob").get("/")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    for name, persona, path in pages(args.cycle, SCENARIO, ORGANISATION, SERVICE):
        if only and name not in only:
            continue
        client = client_for(persona)
        selectors._CACHE.clear()
        computed.cache_clear()
        profiler = cProfile.Profile() if args.profile else None
        cpu, start = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.get(path)
        size = _body_size(response)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile / f"{_slug(name)}.prof")
        cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
        warm = 0.0
        with CaptureQueriesContext(connection) as queries:
            if not args.fresh:
                start = time.perf_counter()
                _body_size(client.get(path))
                warm = time.perf_counter() - start
        print(
            json.dumps(
                {
                    "page": name,
                    "persona": persona,
                    "path": path,
                    "status": response.status_code,
                    "bytes": size,
                    "cold": round(cold, 3),
                    "cold_cpu": round(cold_cpu, 3),
                    "warm": round(warm, 3),
                    "queries": len(queries),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
