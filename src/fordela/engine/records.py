"""Many rows of a slotted dataclass made a column at a time (no Django here).

Used where a large cycle makes hundreds of thousands of rows of one kind: the cycle read from the
database (`fordela.cycle.selectors`), frozen and computed invoice lines (`fordela.billing`,
`fordela.engine.invoicing`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields, is_dataclass
from itertools import repeat
from types import MemberDescriptorType
from typing import Any


def build_rows(row_type: type[Any], names: Sequence[str], columns: Sequence[Sequence[Any]]) -> list[Any]:
    """`list(map(row_type, *columns))`: the same objects, made a column at a time where that is
    what the constructor does.

    A slotted dataclass whose fields are exactly `names`, all set by its `__init__` and with no
    `__post_init__`, is made as its generated `__init__` makes it — each field's slot set to
    the value — but the slots are filled column by column through their descriptors in C, not
    by a Python call per row (a large cycle builds hundreds of thousands of rows). Any other
    class is called per row.
    """
    if not _fills_slots(row_type, tuple(names)):  # type: ignore[arg-type]  # classes hash (typeshed says maybe not)
        return list(map(row_type, *columns))
    count = len(columns[0]) if columns else 0
    rows = list(map(object.__new__, repeat(row_type, count)))
    for name, column in zip(names, columns, strict=True):
        if len(column) != count:
            raise ValueError(f"column {name} has {len(column)} values for {count} rows")
        deque(map(getattr(row_type, name).__set__, rows, column), maxlen=0)
    return rows


@functools.cache
def _fills_slots(row_type: type[Any], names: tuple[str, ...]) -> bool:
    """Whether `row_type(*values)` only sets the slots `names` to `values` (see `build_rows`)."""
    if not is_dataclass(row_type) or hasattr(row_type, "__post_init__"):
        return False
    own = fields(row_type)
    return (
        tuple(f.name for f in own) == names
        and all(f.init for f in own)
        and set(getattr(row_type, "__slots__", ())) == set(names)
        and all(isinstance(getattr(row_type, n, None), MemberDescriptorType) for n in names)
        and row_type.__new__ is object.__new__
    )


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many rows are made (a package read and
    built, a cycle read from the database, a large invoicing base's lines).

    Those are millions of lists and row objects and no reference cycles; each collection the
    allocations trigger walks every object still alive, which made reading a package about twice
    as slow as the work itself. Reference counting still frees what is dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Memo(dict[Any, Any]):
    """value → `convert(value)`, worked out on first sight and a C-level lookup after that: for
    columns of millions of cells with few distinct values (codes, names, amounts, a package
    value's database text, a field's CSV or JSON text)."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        self[value] = converted = self.convert(value)
        return converted
