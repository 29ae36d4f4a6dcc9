"""The load benchmark: the main pages under 16 concurrent clients, without and with caching.

Run: ``make bench`` or ``.venv/bin/python bench/load_bench.py [--clients 16] [--seconds 20]``.
Needs PostgreSQL on 127.0.0.1 (``FORDELA_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/fordela_bench``; created if missing; the demo cycle and the
demo accounts are loaded into it).

The server is plain gunicorn with gthread workers (``--workers 2 --threads 4``) on 127.0.0.1
only, started twice from this script: first with ``FORDELA_CACHE=0`` (every request reloads the
cycle and recomputes: how the pages worked before results were cached) and then with the cache
on. The clients are threads of this process (stdlib http.client, one keep-alive connection
each), logged in through the login form. The page mix of issue 8, on the demo cycle:

* 15 browsing clients, bob (coordinator) and charlie (Grundskoleförvaltningen) alternately, each
  looping over: start page, scenario page, bridge, organisation page, key simulator.
* 1 editing client, bob, toggling one proposal of an explicit scenario in and out (the live
  toggle, an htmx POST that saves and returns the recomputed results), then loading the
  scenario page, in a loop.

Each phase is bounded: ``--seconds`` of measuring after ``--warmup`` seconds, and at most
``--max-requests`` requests. Printed per phase: requests/s, p50 and p95 over all requests, and the
toggle's p50/p95. Goals (issue 8, 2 cores): ≥ 100 requests/s, p95 < 300 ms, toggle p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/fordela_bench"
CYCLE = "goteborg-2026"
SCENARIO = "utan-nya-insatser"  # an explicit scenario: the one people toggle
PASSWORD = "fordela-demo-2026"  # the demo accounts' (fordela.accounts.services.DEMO_PASSWORD)


def browse_paths(persona: str) -> list[str]:
    c = f"/c/{CYCLE}"
    organisation = "grundskola"
    return [
        f"{c}/",
        f"{c}/scenarier/{SCENARIO}/",
        f"{c}/brygga/",
        f"{c}/organisation/{organisation}/",
        f"{c}/nyckelsimulator/?service=demokrati&key=k-employees",
    ]


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: list[float] = field(default_factory=list)
    toggles: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    count: int = 0
    ready: int = 0

    def logged_in(self) -> None:
        with self.lock:
            self.ready += 1

    def add(self, seconds: float, status: int, toggle: bool, measuring: bool) -> None:
        with self.lock:
            self.count += 1
            if not measuring:
                return
            self.times.append(seconds)
            if toggle:
                self.toggles.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


class Client:
    """One browser: a keep-alive connection and a session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None):
        head = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        head.update(headers or {})
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=head)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def login(self, username: str) -> None:
        status, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, f"login page: HTTP {status}"
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        status, _ = self.request("POST", "/login/", body, {"Referer": f"http://127.0.0.1:{self.port}/login/"})
        assert status == 302, f"login as {username}: HTTP {status}"


def browser(port: int, persona: str, stats: Stats, stop: threading.Event, measuring: threading.Event) -> None:
    client = Client(port)
    client.login(persona)
    stats.logged_in()
    paths = browse_paths(persona)
    i = 0
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        status, _ = client.request("GET", path)
        stats.add(time.perf_counter() - start, status, False, measuring.is_set())


def editor(port: int, proposal: str, stats: Stats, stop: threading.Event, measuring: threading.Event) -> None:
    client = Client(port)
    client.login("bob")
    stats.logged_in()
    path = f"/c/{CYCLE}/scenarier/{SCENARIO}/"
    included = False
    while not stop.is_set():
        status, _ = client.request("GET", path)
        included = not included
        fields = {"proposal": proposal, **({"included": proposal} if included else {})}
        headers = {
            "HX-Request": "true",
            "X-CSRFToken": client.cookies.get("csrftoken", ""),
            "Referer": f"http://127.0.0.1:{port}{path}",
        }
        start = time.perf_counter()
        status, _ = client.request("POST", path, urllib.parse.urlencode(fields), headers)
        stats.add(time.perf_counter() - start, status, True, measuring.is_set())


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def setup(env: dict[str, str]) -> str:
    """Migrate, load the demo cycle and accounts; the proposal the editor toggles."""
    subprocess.run([str(BIN / "fordela"), "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([str(BIN / "fordela"), "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    code = (
        "import django; django.setup()\n"
        "from fordela.cycle.models import Proposal\n"
        f"print(Proposal.objects.filter(cycle__code='{CYCLE}', status='submitted').order_by('code')"
        ".values_list('code', flat=True).first())\n"
    )
    found = subprocess.run(
        [str(BIN / "python"), "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return found.stdout.strip()


def phase(name: str, env: dict[str, str], args: argparse.Namespace, proposal: str) -> dict[str, float]:
    port = args.port
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "fordela.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/health/")
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        stats, stop, measuring = Stats(), threading.Event(), threading.Event()
        threads = [
            threading.Thread(target=browser, args=(port, "bob" if i % 2 else "charlie", stats, stop, measuring))
            for i in range(args.clients - 1)
        ]
        threads.append(threading.Thread(target=editor, args=(port, proposal, stats, stop, measuring)))
        for t in threads:
            t.daemon = True
            t.start()
        # Logging in hashes a password (deliberately slow): measure only once everybody is in.
        deadline = time.time() + 180
        while stats.ready < len(threads) and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(args.warmup)
        measuring.set()
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds and len(stats.times) < args.max_requests:
            time.sleep(0.2)
        measuring.clear()
        elapsed = time.perf_counter() - start
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    result = {
        "requests": len(stats.times),
        "rps": len(stats.times) / elapsed,
        "p50": percentile(stats.times, 50) * 1000,
        "p95": percentile(stats.times, 95) * 1000,
        "toggle_p50": percentile(stats.toggles, 50) * 1000,
        "toggle_p95": percentile(stats.toggles, 95) * 1000,
        "toggles": len(stats.toggles),
    }
    print(
        f"{name:<16} {result['requests']:6d} requests in {elapsed:5.1f} s: {result['rps']:6.1f} req/s, "
        f"p50 {result['p50']:6.0f} ms, p95 {result['p95']:6.0f} ms; live toggle ({result['toggles']}) "
        f"p50 {result['toggle_p50']:5.0f} ms, p95 {result['toggle_p95']:5.0f} ms; "
        f"HTTP {dict(sorted(stats.statuses.items()))}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", choices=("before", "after"), help="run one phase only")
    args = parser.parse_args()
    url = os.environ.get("FORDELA_BENCH_DATABASE_URL", DEFAULT_DB)
    from scale_bench import ensure_database

    ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url, "FORDELA_LOCAL": "1", "DJANGO_SETTINGS_MODULE": "fordela.settings"}
    proposal = setup(env)
    print(
        f"load benchmark: {args.clients} clients, gunicorn gthread {args.workers}×{args.threads} on 127.0.0.1, "
        f"{os.cpu_count()} cores, {args.seconds:.0f} s per phase, toggling {proposal} in {SCENARIO}",
        flush=True,
    )
    for name, cache in (("before (no cache)", "0"), ("after (cache)", "1")):
        if args.only and not name.startswith(args.only):
            continue
        phase(name, {**env, "FORDELA_CACHE": cache}, args, proposal)


if __name__ == "__main__":
    main()
