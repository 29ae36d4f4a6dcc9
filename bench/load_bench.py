"""The load benchmark: the main pages under 16 concurrent clients, without and with caching.

Run: ``make bench`` or ``.venv/bin/python bench/load_bench.py [--clients 16] [--seconds 20]``.
Needs PostgreSQL on 127.0.0.1 (``FORDELA_BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/fordela_bench``; created if missing; the demo cycle and the
demo accounts are loaded into it) and ``wrk`` (Debian/Ubuntu: ``apt-get install wrk``; macOS:
``brew install wrk``).

**The server** is ``fordela serve`` (gunicorn, gthread) on 127.0.0.1 in local mode (plain HTTP;
the demo accounts' password is refused outside it), started twice by this script: first with
``FORDELA_CACHE=0`` (every request reloads the cycle, recomputes and renders: how the pages worked
before anything was cached) and then with the caches on. Its workers × threads are ``fordela
serve``'s defaults unless ``--workers``/``--threads`` are given; both are printed.

**The clients.** The browsing clients are ``wrk`` (C, one event loop per thread): a Python
client pool on the same 2 cores would take most of the CPU it is meant to measure. Each wrk
thread is one client with one keep-alive connection and its own session, logged in beforehand
through the login form (sessions are in the database, so both phases use the same ones);
bob (coordinator) and charlie (customer, Grundskoleförvaltningen) alternate, each looping over
the page mix of issue 8 (`browse_paths`): start page, scenario page, bridge, organisation page,
key simulator (bench/load_mix.lua). Beside them one editor (bob, a thread of this script, one
keep-alive connection) toggles one proposal of the explicit scenario that the browsers view, in
and out, by the htmx POST the page sends (it saves and answers with the recomputed results), then
reloads the scenario page, then waits ``--think`` seconds like a person deciding on the next box.

**Three phases.** ``before (no cache)`` and ``after (cache)``: the 16 clients ask for their next
page as soon as the last one arrives, so the server is saturated (both cores busy) and every
request queues behind the others — the capacity measure. ``after, people browsing``: the same
16 clients with the caches on, each pausing ``--pause`` milliseconds (default 100) after a page,
still far more than people click (16 clients then ask for up to about 130 pages a second) but
not a saturated server: the toggle's latency as a coordinator feels it while 16 others browse.

Each phase is bounded: ``--warmup`` seconds, then ``--seconds`` measured. Printed per phase:
the mix's requests/s with p50/p95/p99 (from wrk), and the toggle's p50/p95/p99 (measured by the
editor, only toggles in the measured window). Goals (issue 8, 2 cores): ≥ 100 requests/s with
p95 < 300 ms for the mix, toggle p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/fordela_bench"
CYCLE = "goteborg-2026"
SCENARIO = "utan-nya-insatser"  # an explicit scenario: the one people toggle
PASSWORD = "fordela-demo-2026"  # the demo accounts' (fordela.accounts.services.DEMO_PASSWORD)
PERSONAS = ("bob", "charlie")


def browse_paths(persona: str) -> list[str]:
    """The page mix of one client (the same for both personas: charlie's organisation)."""
    c = f"/c/{CYCLE}"
    return [
        f"{c}/",
        f"{c}/scenarier/{SCENARIO}/",
        f"{c}/brygga/",
        f"{c}/organisation/grundskola/",
        f"{c}/nyckelsimulator/?service=demokrati&key=k-employees",
    ]


class Client:
    """One browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        head = {"Cookie": self.cookie_header(), "Host": "127.0.0.1"}
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

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def login(self, username: str) -> None:
        status, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, f"login page: HTTP {status}"
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        status, _ = self.request("POST", "/login/", body, {"Referer": f"http://127.0.0.1:{self.port}/login/"})
        assert status == 302, f"login as {username}: HTTP {status}"


class Editor(threading.Thread):
    """bob toggling one proposal in and out of the scenario, `think` seconds between toggles."""

    def __init__(self, client: Client, proposal: str, think: float) -> None:
        super().__init__(daemon=True)
        self.client, self.proposal, self.think = client, proposal, think
        self.stop = threading.Event()
        self.measuring = threading.Event()
        self.toggles: list[float] = []
        self.statuses: dict[int, int] = {}
        self.included = False

    def run(self) -> None:
        path = f"/c/{CYCLE}/scenarier/{SCENARIO}/"
        while not self.stop.is_set():
            self.included = not self.included
            fields = {"proposal": self.proposal, **({"included": self.proposal} if self.included else {})}
            headers = {
                "HX-Request": "true",
                "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                "Referer": f"http://127.0.0.1:{self.client.port}{path}",
            }
            start = time.perf_counter()
            status, _ = self.client.request("POST", path, urllib.parse.urlencode(fields), headers)
            elapsed = time.perf_counter() - start
            if self.measuring.is_set():
                self.toggles.append(elapsed)
                self.statuses[status] = self.statuses.get(status, 0) + 1
            self.client.request("GET", path)
            self.stop.wait(self.think)


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


def serve(env: dict[str, str], args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """`fordela serve` on 127.0.0.1, answering; its logs go to `args.log` (printed if it fails)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            raise RuntimeError(f"port {args.port} is taken by another server")
    argv = [str(BIN / "fordela"), "serve", "--bind", f"127.0.0.1:{args.port}"]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    if args.threads:
        argv += ["--threads", str(args.threads)]
    with open(args.log, "ab") as log:
        server = subprocess.Popen(argv, env=env, cwd=ROOT, start_new_session=True, stdout=log, stderr=log)
    deadline = time.time() + 60
    while True:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            probe.request("GET", "/login/")  # /health/ is 503 without a job worker
            probe.getresponse().read()
            return server
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                stop_server(server)
                raise RuntimeError(f"fordela serve did not start:\n{Path(args.log).read_text()[-3000:]}") from None
            time.sleep(0.3)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def wrk(args: argparse.Namespace, seconds: float, sessions: Path, paths: Path, pause_ms: int) -> dict[str, float]:
    n = args.clients
    out = subprocess.run(
        [
            "wrk",
            f"-t{n}",
            f"-c{n}",
            f"-d{seconds:g}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "load_mix.lua"),
            f"http://127.0.0.1:{args.port}",
            "--",
            str(sessions),
            str(paths),
            str(pause_ms),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    return {k: float(v) for k, v in (item.split("=") for item in line.split()[1:])}


def phase(
    name: str, env: dict[str, str], args: argparse.Namespace, proposal: str, files: tuple[Path, Path], pause_ms: int
) -> None:
    server = serve(env, args)
    try:
        editor_client = Client(args.port)
        editor_client.cookies = dict(args.editor_cookies)
        editor = Editor(editor_client, proposal, args.think)
        editor.start()
        wrk(args, args.warmup, *files, pause_ms)
        editor.measuring.set()
        cpu_before = server_cpu(server.pid)
        mix = wrk(args, args.seconds, *files, pause_ms)
        cpu = server_cpu(server.pid) - cpu_before
        editor.measuring.clear()
        editor.stop.set()
        editor.join(timeout=60)
    finally:
        stop_server(server)
    t = editor.toggles
    rps = mix["requests"] / mix["seconds"]
    print(
        f"{name:<23} mix: {mix['requests']:6.0f} requests in {mix['seconds']:4.1f} s = {rps:6.1f} req/s, "
        f"p50 {mix['p50_ms']:6.0f} ms, p95 {mix['p95_ms']:6.0f} ms, p99 {mix['p99_ms']:6.0f} ms, "
        f"non-2xx {mix['non2xx']:.0f}, errors {mix['errors']:.0f} | live toggle ({len(t)}): "
        f"p50 {percentile(t, 50) * 1000:5.0f} ms, p95 {percentile(t, 95) * 1000:5.0f} ms, "
        f"p99 {percentile(t, 99) * 1000:5.0f} ms, HTTP {dict(sorted(editor.statuses.items()))} | "
        f"server CPU {cpu:.1f} s = {cpu / max(1, mix['requests'] + len(t)) * 1000:.1f} ms/request",
        flush=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server's process group (master and workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pid:  # process group (the server is started in its own session)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=16, help="browsing clients (wrk connections)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before measuring")
    parser.add_argument("--think", type=float, default=1.0, help="the editor's pause between toggles (s)")
    parser.add_argument("--workers", type=int, help="gunicorn processes (default: fordela serve's)")
    parser.add_argument("--threads", type=int, help="threads per process (default: fordela serve's)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--only", choices=("before", "after", "browsing"), help="run one phase only")
    parser.add_argument(
        "--pause", type=int, default=100, help="ms each browsing client waits between pages in the last phase"
    )
    args = parser.parse_args()
    args.port = args.port or free_port()
    if shutil.which("wrk") is None:
        sys.exit("load_bench: needs wrk (apt-get install wrk, brew install wrk); skipped")
    url = os.environ.get("FORDELA_BENCH_DATABASE_URL", DEFAULT_DB)
    from scale_bench import ensure_database

    ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url, "FORDELA_LOCAL": "1", "DJANGO_SETTINGS_MODULE": "fordela.settings"}
    env.pop("FORDELA_CACHE", None)
    proposal = setup(env)
    from fordela.commands.ops import serve_defaults

    workers, threads = serve_defaults()
    args.workers, args.threads = args.workers or workers, args.threads or threads
    load = os.getloadavg()
    print(
        f"load benchmark: fordela serve (gunicorn gthread, {args.workers} workers × {args.threads} threads) "
        f"on 127.0.0.1, {os.cpu_count()} cores, load average before {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
        f"{args.clients} browsing clients (wrk) + 1 editor toggling {proposal} in {SCENARIO} every "
        f"{args.think:g} s; {args.warmup:g} s warm-up + {args.seconds:g} s measured per phase",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="fordela-load-") as tmp:
        args.log = Path(tmp, "server.log")
        # Log everybody in once (sessions live in the database and serve both phases).
        server = serve({**env, "FORDELA_CACHE": "1"}, args)
        try:
            clients = []
            for i in range(args.clients):
                client = Client(args.port)
                client.login(PERSONAS[i % 2])
                clients.append((PERSONAS[i % 2], client.cookie_header()))
            editor = Client(args.port)
            editor.login("bob")
            args.editor_cookies = editor.cookies
        finally:
            stop_server(server)
        sessions, paths = Path(tmp, "sessions"), Path(tmp, "paths")
        sessions.write_text("".join(f"{cookie}\n" for _, cookie in clients))
        paths.write_text("".join(" ".join(browse_paths(persona)) + "\n" for persona, _ in clients))
        phases = (
            ("before", "before (no cache)", "0", 0),
            ("after", "after (cache)", "1", 0),
            ("browsing", "after, people browsing", "1", args.pause),
        )
        for key, name, cache, pause_ms in phases:
            if args.only and key != args.only:
                continue
            phase(name, {**env, "FORDELA_CACHE": cache}, args, proposal, (sessions, paths), pause_ms)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)


if __name__ == "__main__":
    main()
