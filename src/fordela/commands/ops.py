"""`fordela serve` and `fordela worker`: the production web server and the job worker."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from fordela.commands import common as cli
from fordela.reports.tables import Table

DEFAULT_BIND = "127.0.0.1:8000"


def _refuse(problems: list[str]) -> None:
    for problem in problems:
        print(f"fordela: refusing to start: {problem}", file=sys.stderr)
    raise SystemExit(2)


def gunicorn_argv(args: argparse.Namespace) -> list[str]:
    """gunicorn with threaded workers (gthread), see docs/deploy.md for why."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "fordela.wsgi:application",
        "--bind",
        args.bind,
        "--worker-class",
        "gthread",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        # A request (a deck's figures, an import) may take seconds, never a minute.
        "--timeout",
        "60",
        "--graceful-timeout",
        "30",
        "--keep-alive",
        "5",
        # Recycle a worker now and then: bounds any slow growth of memory. Not often: a new worker
        # starts with empty caches (cycle, computed results, rendered pages), so its first pages
        # are cold; at 2 000 a busy server recycled every half minute (seen in bench/load_bench.py).
        "--max-requests",
        "100000",
        "--max-requests-jitter",
        "10000",
        # No shared control socket in ~/.gunicorn: several servers may run on one host.
        "--no-control-socket",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]
    # X-Forwarded-* are trusted from these addresses only (the proxy); Django trusts them only
    # with FORDELA_BEHIND_PROXY=1.
    argv += ["--forwarded-allow-ips", os.environ.get("FORDELA_PROXY_IPS", "127.0.0.1,::1")]
    return argv


def cmd_serve(args: argparse.Namespace) -> list[Table]:
    cli.django_setup()
    from django.conf import settings
    from django.core.management import call_command

    from fordela.ops.preflight import demo_password_problems, settings_problems

    # Settings first: the demo password check needs the database they configure.
    problems = settings_problems() or demo_password_problems()
    if problems:
        _refuse(problems)
    if not settings.LOCAL:
        # Compressed files with hashed names for the manifest; quick when nothing changed.
        call_command("collectstatic", interactive=False, verbosity=0)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, gunicorn_argv(args))  # gunicorn takes over this process and its signals
    return []  # pragma: no cover


def cmd_worker(args: argparse.Namespace) -> list[Table]:
    cli.django_setup()
    from fordela.jobs.queue import worker_name, worker_run

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        # Finish the job at hand, then exit (systemd's TimeoutStopSec bounds the wait).
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ran = worker_run(worker=args.name or worker_name(), stop=stop, poll=args.poll, burst=args.burst)
    print(f"fordela worker: {ran} job(s) run", file=sys.stderr)
    return []


def serve_defaults() -> tuple[int, int]:
    """gunicorn (workers, threads) of `fordela serve` unless told: FORDELA_WEB_WORKERS and
    FORDELA_WEB_THREADS, else one process per CPU with 4 threads each (docs/deploy.md, "Tuning")."""
    workers = int(os.environ.get("FORDELA_WEB_WORKERS", os.cpu_count() or 1))
    threads = int(os.environ.get("FORDELA_WEB_THREADS", "4"))
    return workers, threads


def register(sub: Any) -> None:
    from fordela.commands.users import register as user_commands

    workers, threads = serve_defaults()
    p = sub.add_parser("serve", help="serve the web application (gunicorn) for production")
    p.add_argument(
        "--bind", default=os.environ.get("FORDELA_BIND", DEFAULT_BIND), help=f"HOST:PORT (default {DEFAULT_BIND})"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=workers,
        help="processes (default: one per CPU)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=threads,
        help="threads per process (default 4)",
    )
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("worker", help="run background jobs (documents) from the queue in the database")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between looks at an empty queue")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p.add_argument("--name", help="worker name in heartbeats and logs (default host:pid)")
    p.set_defaults(func=cmd_worker)
    user_commands(sub)
    register_backup(sub)


def cmd_backup(args: argparse.Namespace) -> list[Table]:
    cli.django_setup()
    from fordela.ops.backup import backup_write

    counts = backup_write(path=Path(args.path))
    print(f"backed up {sum(counts.values())} rows of {len(counts)} tables to {args.path}", file=sys.stderr)
    return []


def cmd_restore(args: argparse.Namespace) -> list[Table]:
    cli.django_setup()
    from django.core.management import call_command

    from fordela.ops.backup import BackupError, backup_restore

    call_command("migrate", verbosity=0)
    try:
        counts = backup_restore(path=Path(args.path))
    except BackupError as error:
        raise cli.UserError(str(error)) from None
    print(f"restored {sum(counts.values())} rows of {len(counts)} tables from {args.path}", file=sys.stderr)
    return []


def register_backup(sub: Any) -> None:
    p = sub.add_parser("backup", help="write everything (cycles, history, reviews, audit, invoicing) to one file")
    p.add_argument("path")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="load a backup into an empty database (migrates it first)")
    p.add_argument("path")
    p.set_defaults(func=cmd_restore)
