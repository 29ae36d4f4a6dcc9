"""Build the demo cycle package `goteborg-2026` from the seed documents.

The published figures (seeds/000…, seeds/004…) are typed in below exactly as the documents give
them. Where the seeds give no detail — which administrations and companies exist, their driver
values, how a published total splits into services and proposals — the values are ILLUSTRATIVE
(marked so in the package's `note` columns and descriptions), chosen to add up exactly to the
published figures. Run `make demo-package` after editing; the package in src/fordela/demo/ is
what ships and what the tests read.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The builder is a small package next to this script (tools/demo_cycle/); this script is its entry.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_cycle.build import build  # noqa: E402

from fordela.package.writer import write_package  # noqa: E402

__all__ = ["build", "write_package"]

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "src/fordela/demo/goteborg-2026")
    write_package(build(), target)
    print(f"wrote {target}")
