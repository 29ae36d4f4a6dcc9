"""`python tools/build_demo.py DIR`: write the demo cycle package that `tools/demo_cycle/` builds
(`make demo-package` writes it to src/fordela/demo/goteborg-2026)."""

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
