"""Benchmark fordela.engine.split against plain pandas, DuckDB SQL and a one-pass floor.

Run: ``.venv/bin/python bench/split_bench.py [--quick]``

For every size the same data go through
* ours: ``split_rows(totals, weights)`` on the materialised (n, m) weights, and
  ``split_shared(totals, keys, weight_row)`` on 6 shared key vectors;
* pandas: the split written plainly on a wide DataFrame (floor-divide, mod, rank the remainders
  with ties by organisation, add one where rank ≤ leftover);
* DuckDB: the same in SQL on a long table with window functions;
* floor: one NumPy pass that only writes the int64 output,
  ``np.multiply(totals[:, None], weights, out=out)`` into a fresh array.
Every peer's output is asserted identical to ours. Times are the best of a few runs; a slow
peer at the largest size runs once. Peak memory of ours is measured with tracemalloc (NumPy
reports its allocations there) relative to the output array, scratch arrays included.

``--quick`` leaves out the 5 000 × 20 000 size. In the full run pandas and DuckDB run once at
10^8 cells; pass ``--peer-limit CELLS`` to run them at a smaller documented size instead.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from fordela.engine import split as split_module
from fordela.engine.split import split_rows, split_shared

SIZES = [
    ("city-year", 150, 80),
    ("4 years x 4 scenarios", 2_400, 80),
    ("cost centres", 1_000, 10_000),
    ("10^8 cells", 5_000, 20_000),
]
N_KEYS = 6


def make_data(n: int, m: int, seed: int = 2025) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Totals (n,), key vectors (6, m), weight_row (n,): realistic shapes and ranges."""
    rng = np.random.default_rng(seed)
    totals = rng.integers(0, 2 * 10**11, n)
    totals[rng.random(n) < 0.1] *= -1  # credits
    totals[rng.random(n) < 0.02] = 0
    # employee counts 0..20 000, skewed like real organisations, with non-participants
    keys = np.minimum(rng.lognormal(5.0, 1.6, (N_KEYS, m)).astype(np.int64), 20_000)
    for k in range(N_KEYS):
        keys[k, rng.random(m) < 0.05 + 0.05 * k] = 0
    keys[N_KEYS - 1] = np.where(keys[N_KEYS - 1] > 0, 1, 0)  # an equal split among participants
    keys[:, 0] = np.maximum(keys[:, 0], 1)  # no key without participants
    weight_row = rng.integers(0, N_KEYS, n)
    return totals, keys, weight_row


def best_of(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        result = None
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def floor(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    out = np.empty(weights.shape, np.int64)
    np.multiply(totals[:, None], weights, out=out)
    return out


def pandas_split(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    import pandas as pd

    w = pd.DataFrame(weights)  # rows = services, columns = organisations in code order
    c = pd.Series(totals)
    a = c.abs()
    big_w = w.sum(axis=1)
    share = w.mul(a, axis=0)
    q = share.floordiv(big_w, axis=0)
    r = share.mod(big_w, axis=0)
    left = a - q.sum(axis=1)
    rank = r.rank(axis=1, method="first", ascending=False)  # ties: first column (lower code)
    parts = q + rank.le(left, axis=0).astype("int64")
    return parts.mul(np.sign(c), axis=0).to_numpy(dtype=np.int64)


def duckdb_split(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    import duckdb
    import pandas as pd

    n, m = weights.shape
    long = pd.DataFrame(
        {
            "row_id": np.repeat(np.arange(n, dtype=np.int64), m),
            "org": np.tile(np.arange(m, dtype=np.int64), n),
            "w": weights.ravel(),
            "c": np.repeat(totals, m),
        }
    )
    con = duckdb.connect()
    con.register("long", long)
    t0 = time.perf_counter()
    res = con.execute(
        """
        WITH t AS (
            SELECT row_id, org, w, c, abs(c) AS a,
                   sum(w) OVER (PARTITION BY row_id) AS wt
            FROM long),
        qr AS (
            SELECT *, (a * w) // wt AS q, (a * w) % wt AS r FROM t),
        ranked AS (
            SELECT *, a - sum(q) OVER (PARTITION BY row_id) AS leftover,
                   row_number() OVER (PARTITION BY row_id ORDER BY r DESC, org) AS rk
            FROM qr)
        SELECT row_id, org,
               sign(c) * (q + CASE WHEN rk <= leftover THEN 1 ELSE 0 END) AS part
        FROM ranked
        """
    ).fetchnumpy()
    out = np.empty((n, m), np.int64)
    out[res["row_id"], res["org"]] = res["part"]
    duckdb_split.seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
    con.close()
    return out


def peak_memory(fn: Callable[[], Any]) -> int:
    split_module._clear_buffer_cache()  # count the scratch arrays too, as on a first call
    gc.collect()
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="leave out the 10^8-cell size")
    parser.add_argument(
        "--peer-limit",
        type=int,
        default=10**8,
        help="largest cell count at which pandas and DuckDB run (default 10^8)",
    )
    args = parser.parse_args()
    sizes = SIZES[:-1] if args.quick else SIZES
    rows = []
    for label, n, m in sizes:
        cells = n * m
        totals, keys, weight_row = make_data(n, m)
        weights = keys[weight_row]
        runs = 50 if cells < 10**6 else (5 if cells < 5 * 10**7 else 3)
        t_ours, ours = best_of(lambda: split_rows(totals, weights), runs)  # noqa: B023
        t_shared, shared = best_of(lambda: split_shared(totals, keys, weight_row), runs)  # noqa: B023
        assert np.array_equal(ours, shared)
        assert np.array_equal(ours.sum(axis=1), totals)
        t_floor, _ = best_of(lambda: floor(totals, weights), runs)  # noqa: B023
        mem = peak_memory(lambda: split_rows(totals, weights)) / ours.nbytes  # noqa: B023
        mem_shared = peak_memory(lambda: split_shared(totals, keys, weight_row)) / ours.nbytes  # noqa: B023

        peer_note = ""
        pn = n
        if cells > args.peer_limit:  # run the peers on the first rows only, and say so
            pn = max(1, args.peer_limit // m)
            peer_note = f"peers on {pn}x{m}"
        pt, pw, ref = totals[:pn], weights[:pn], ours[:pn]
        scale = n / pn
        peer_runs = 1 if pn * m >= 5 * 10**7 else (3 if pn * m >= 10**6 else 5)
        t_pd, pd_out = best_of(lambda: pandas_split(pt, pw), peer_runs)  # noqa: B023
        assert np.array_equal(pd_out, ref), "pandas differs"
        del pd_out
        t_db, db_out = best_of(lambda: duckdb_split(pt, pw), peer_runs)  # noqa: B023
        t_db = duckdb_split.seconds  # type: ignore[attr-defined]  # query + fetch, not table build
        assert np.array_equal(db_out, ref), "duckdb differs"
        del db_out
        t_pd *= scale
        t_db *= scale
        rows.append((label, n, m, t_ours, t_shared, t_floor, t_pd, t_db, mem, mem_shared, peer_note))
        print(f"done {label} ({n}x{m})", file=sys.stderr, flush=True)
        del ours, shared

    head = (
        f"{'size':>12} {'ours':>9} {'shared':>9} {'floor':>9} {'pandas':>9} {'duckdb':>9}"
        f" {'pd/ours':>8} {'db/ours':>8} {'ours/fl':>8} {'peak':>6} {'peak-sh':>7}  note"
    )
    print(head)
    for label, n, m, t_o, t_s, t_f, t_p, t_d, mem, mem_s, note in rows:
        print(
            f"{n:>5}x{m:<6} {fmt(t_o)} {fmt(t_s)} {fmt(t_f)} {fmt(t_p)} {fmt(t_d)}"
            f" {t_p / t_o:>8.1f} {t_d / t_o:>8.1f} {t_o / t_f:>8.2f} {mem:>5.2f}x {mem_s:>6.2f}x"
            f"  {label}{'; ' + note + ' (peer times scaled)' if note else ''}"
        )


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:>7.0f}us"
    if seconds < 1:
        return f"{seconds * 1e3:>7.1f}ms"
    return f"{seconds:>8.2f}s"


if __name__ == "__main__":
    main()
