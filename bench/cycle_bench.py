"""How long a whole scenario and a whole CLI run take on the demo cycle (a measurement, not a test).

Run: ``.venv/bin/python bench/cycle_bench.py``

(a) ``scenario_summary`` — what the scenario builder recomputes on every toggle: every supplier's
    bridge and initiative lists and every organisation's bill for the target year (and the base
    year, for the change) — on the demo cycle, for each of its scenarios; best of 20 runs.
(b) ``fordela allocate src/fordela/demo/goteborg-2026 --year 2026 --format csv`` end to end as a
    subprocess (interpreter start, imports, reading and validating the package, allocating,
    writing CSV); best of 5 runs.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from fordela.engine.scenario import resolve
from fordela.package.reader import read_package
from fordela.reports.scenarios import scenario_summary

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "fordela" / "demo" / "goteborg-2026"
FORDELA = Path(sys.executable).parent / "fordela"


def best(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    data = read_package(DEMO)
    print(
        f"demo cycle: {len(data.proposals)} proposals, {len(data.services)} services, "
        f"{len(data.organisations)} organisations"
    )
    print("(a) scenario_summary, best of 20:")
    for scenario in data.scenarios:
        resolution = resolve(data, scenario)
        seconds = best(20, lambda r=resolution: scenario_summary(data, r))
        print(f"    {scenario.code:<22} {seconds * 1000:7.2f} ms")
    command = [str(FORDELA), "allocate", str(DEMO.relative_to(ROOT)), "--year", "2026", "--format", "csv"]
    seconds = best(5, lambda: subprocess.run(command, check=True, capture_output=True, cwd=ROOT))
    print(f"(b) {' '.join(['fordela', *command[1:]])}\n    end to end, best of 5: {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
