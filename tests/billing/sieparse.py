"""A small SIE reader for the tests: written from the standard, independent of fordela.billing.sie."""

from __future__ import annotations

import re
import shlex
from collections import defaultdict
from decimal import Decimal

TRANS = re.compile(r"^#TRANS (\S+) \{(.*?)\} (-?\d+\.\d\d)")


def parse_sie(content: bytes) -> tuple[dict[str, list[list[str]]], list[dict]]:
    """Header records by label, and vouchers as {head, trans: [(account, objects, öre)]}."""
    text = content.decode("cp437")
    assert "\r\n" in text
    records: dict[str, list[list[str]]] = defaultdict(list)
    vouchers: list[dict] = []
    current = None
    for raw in text.split("\r\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#VER"):
            current = {"head": shlex.split(line, posix=True), "trans": []}
            vouchers.append(current)
        elif line == "{":
            assert current is not None and not current["trans"]
        elif line == "}":
            current = None
        elif line.startswith("#TRANS"):
            assert current is not None, "a #TRANS outside a voucher"
            match = TRANS.match(line)
            assert match, line
            objects = shlex.split(match.group(2))
            pairs = dict(zip(objects[::2], objects[1::2], strict=True))
            sek = Decimal(match.group(3))
            current["trans"].append((match.group(1), pairs, int(sek * 100)))
        else:
            fields = shlex.split(line)
            records[fields[0]].append(fields[1:])
    return records, vouchers
