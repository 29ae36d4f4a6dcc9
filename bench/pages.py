"""Time the heaviest pages of one cycle in the database through Django's test client.

Run: ``DATABASE_URL=... .venv/bin/python bench/pages.py CYCLE`` (the cycle and the demo accounts
must exist; `bench/scale_bench.py` imports them). Prints one JSON object per page: the page,
the persona, the status, the seconds of the first (cold: nothing cached in this process) and
the second request, and the number of SQL queries of the second.

Used by `bench/scale_bench.py`; the load benchmark (`bench/load_bench.py`) uses the same pages.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fordela.settings")
os.environ.setdefault("FORDELA_LOCAL", "1")


def pages(cycle: str, scenario: str, organisation: str, service: str) -> list[tuple[str, str, str]]:
    """(name, persona, path) of the pages measured: the issue's page mix and the large tables."""
    c = f"/c/{cycle}"
    return [
        ("start", "bob", f"{c}/"),
        ("scenario", "bob", f"{c}/scenarier/{scenario}/"),
        ("bridge", "bob", f"{c}/brygga/"),
        ("organisation", "charlie", f"{c}/organisation/{organisation}/"),
        ("organisation (coordinator)", "bob", f"{c}/organisation/"),
        ("simulator", "charlie", f"{c}/nyckelsimulator/?service={service}"),
        ("service", "bob", f"{c}/tjanster/{service}/"),
        ("invoicing", "dana", f"{c}/fakturering/"),
        ("opendata", "dana", f"{c}/oppna-data/"),
    ]


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    cycle = sys.argv[1]
    users = get_user_model().objects
    clients: dict[str, Client] = {}
    for name, persona, path in pages(cycle, "utan-nya-insatser", "grundskola", "it-arbetsplats"):
        if persona not in clients:
            clients[persona] = Client()
            clients[persona].force_login(users.get(username=persona))
        client = clients[persona]
        start = time.perf_counter()
        response = client.get(path)
        cold = time.perf_counter() - start
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            client.get(path)
            warm = time.perf_counter() - start
        print(
            json.dumps(
                {
                    "page": name,
                    "persona": persona,
                    "path": path,
                    "status": response.status_code,
                    "bytes": len(response.content),
                    "cold": cold,
                    "warm": warm,
                    "queries": len(queries),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
