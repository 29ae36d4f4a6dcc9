"""CPU time of each command's work after its cycle is loaded (reading the package excluded).

Run: ``.venv/bin/python bench/compute_bench.py var/bench/scale-10 [allocate,summary,...] [OUT]``.

The package is read once and kept as a pickle next to it (``.cycle.pickle``, remade when a CSV
file is newer); each command then runs in its own process on the unpickled cycle, through the
real command line (`fordela.cli.main`) with `fordela.commands.common.load` answering from the
pickle. Printed per command: CPU seconds (user + system of the process after the load), wall
seconds and the process's peak resident memory. Outputs go to OUT (default a temporary folder).
"""

from __future__ import annotations

import contextlib
import io
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = ("allocate", "summary", "invoice base", "invoice base xlsx", "SIE", "opendata")


def _arguments(name: str, package: str, out: Path) -> tuple[list[str], str | None]:
    q1 = ["--year", "2026", "--period", "q1"]
    return {
        "allocate": (["allocate", package, "--year", "2026", "--format", "csv"], "allocate.csv"),
        "summary": (["summary", package], "summary.txt"),
        "invoice base": (["invoice", "base", package, *q1, "--format", "csv"], "invoice-2026-q1.csv"),
        "invoice base xlsx": (["invoice", "base", package, *q1, "-o", str(out / "b.xlsx")], None),
        "SIE": (["invoice", "sie", package, *q1, "-o", str(out / "q1.se")], None),
        "opendata": (["opendata", package, "-o", str(out / "opendata"), "--issued", "2026-01-01"], None),
    }[name]


def _load(package: Path) -> object:
    cache = package / ".cycle.pickle"
    newest = max(p.stat().st_mtime for p in package.glob("*.csv"))
    if cache.exists() and cache.stat().st_mtime > newest:
        return pickle.loads(cache.read_bytes())
    from fordela.package.reader import read_package

    data = read_package(package)
    cache.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return data


def _one(package: Path, name: str, out: Path) -> None:
    """Run one command in this process after loading the cycle; print its figures."""
    data = _load(package)
    from fordela import cli
    from fordela.commands import common

    common.load = lambda source: data  # type: ignore[assignment]
    cli.parser()  # the command modules imported before the clock starts
    argv, stdout = _arguments(name, str(package), out)
    text = io.StringIO()
    cpu, wall = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(text), contextlib.redirect_stderr(io.StringIO()):
        status = cli.main(argv)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if stdout:
        (out / stdout).write_text(text.getvalue(), encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {name:<18} {cpu:8.2f} s CPU {wall:8.2f} s {peak:8.0f} MB peak (status {status})", flush=True)


def main() -> None:
    package = Path(sys.argv[1])
    names = sys.argv[2].split(",") if len(sys.argv) > 2 and sys.argv[2] != "all" else list(COMMANDS)
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(tempfile.mkdtemp(prefix="compute-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    if len(sys.argv) > 4 and sys.argv[4] == "--one":
        _one(package, names[0], out)
        return
    _load(package)  # read once, before any command is timed
    print(f"{package}: work after loading, outputs in {out}", flush=True)
    for name in names:
        subprocess.run([sys.executable, __file__, str(package), name, str(out), "--one"], check=True)


if __name__ == "__main__":
    main()
