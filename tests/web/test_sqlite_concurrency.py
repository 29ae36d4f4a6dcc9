"""The embedded default holds a handful of users: the live scenario toggle from six clients at once
on a SQLite *file* (as `make run` serves it), with the production database settings (WAL, a busy
timeout, IMMEDIATE transactions) — no "database is locked", no 500, and every toggle saved.

It runs in a fresh process with its own database file, because the test database of this process
is an in-memory SQLite (or PostgreSQL), which is not what this is about.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import DEMO, ROOT

CLIENTS = 6
ROUNDS = 5

SCRIPT = f"""
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from fordela.accounts.services import demo_accounts_create
from fordela.catalogue.models import Cycle
from fordela.cycle.models import Proposal, ScenarioProposal
from fordela.cycle.scenarios import scenario_create
from fordela.cycle.services import cycle_import
from fordela.package.reader import read_package

data = read_package({str(DEMO)!r})
cycle = cycle_import(data=data)
demo_accounts_create()
bob = get_user_model().objects.get(username="bob")
scenario = scenario_create(cycle=cycle, code="live", name="Live", by=bob)
codes = sorted(Proposal.objects.filter(cycle=cycle, status="submitted", deleted_at=None).values_list("code", flat=True))
journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
connections.close_all()

url = "/c/" + cycle.code + "/scenarier/live/"
statuses, errors = [], []
barrier = threading.Barrier({CLIENTS})

def client_run(i):
    try:
        client = Client()
        client.force_login(bob)
        barrier.wait(timeout=60)
        for n in range({ROUNDS}):
            code = codes[(i * {ROUNDS} + n) % len(codes)]
            response = client.post(url, {{"proposal": code, "included": code}}, headers={{"HX-Request": "true"}})
            statuses.append(response.status_code)
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=client_run, args=(i,)) for i in range({CLIENTS})]
for t in threads:
    t.start()
for t in threads:
    t.join(120)
included = sorted(ScenarioProposal.objects.filter(scenario__code="live").values_list("proposal__code", flat=True))
wanted = sorted({{codes[(i * {ROUNDS} + n) % len(codes)] for i in range({CLIENTS}) for n in range({ROUNDS})}})
result = {{"journal": journal, "statuses": statuses, "errors": errors, "included": included, "wanted": wanted}}
print(json.dumps(result))
"""


def test_six_clients_toggle_a_scenario_at_once_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "FORDELA_HOME": str(tmp_path),
        "DATABASE_URL": "",
        "FORDELA_LOCAL": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == [] and result["statuses"] == [200] * (CLIENTS * ROUNDS), result
    assert result["journal"] == "wal"
    assert result["included"] == result["wanted"]
    assert "database is locked" not in done.stderr
