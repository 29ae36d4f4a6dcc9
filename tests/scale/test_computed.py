"""Computed results are cached per cycle revision: one computation for many viewers, a new one
after every write, and earlier revisions' results are let go."""

from __future__ import annotations

import dataclasses

import pytest

from fordela.cycle import computed as c


@pytest.fixture(autouse=True)
def _clean(settings):
    settings.FORDELA_CACHE = True
    c.cache_clear()
    yield
    c.cache_clear()


def test_one_computation_per_revision_and_arguments(demo) -> None:
    calls = []

    def build(tag: str) -> str:
        calls.append(tag)
        return tag

    assert c.computed(demo, "x", (1,), lambda: build("a")) == "a"
    assert c.computed(demo, "x", (1,), lambda: build("b")) == "a"  # served, not recomputed
    assert c.computed(demo, "x", (2,), lambda: build("c")) == "c"  # other arguments
    newer = dataclasses.replace(demo)  # the next revision is another CycleData object
    assert c.computed(newer, "x", (1,), lambda: build("d")) == "d"
    assert calls == ["a", "c", "d"]
    # The earlier revision's entries are gone, not kept alive beside the new one.
    assert all(entry[0] is newer for entry in c._entries.values())


def test_switched_off_it_always_computes(demo, settings) -> None:
    settings.FORDELA_CACHE = False
    calls = []
    for _ in range(3):
        c.computed(demo, "x", (), lambda: calls.append(1))
    assert len(calls) == 3


def test_a_failure_is_not_cached(demo) -> None:
    def fail() -> None:
        raise ValueError("no")

    with pytest.raises(ValueError):
        c.computed(demo, "x", (), fail)
    assert c.computed(demo, "x", (), lambda: "ok") == "ok"


def test_a_process_keeps_no_cycle_of_an_earlier_revision(db, demo) -> None:
    """The data version of each handed-out CycleData is remembered only while that CycleData
    lives: the cycles of earlier revisions are freed (32 were kept alive, each hundreds of
    megabytes for a large cycle, and every full collection walked them)."""
    import gc
    import weakref

    from fordela.catalogue.models import Cycle
    from fordela.cycle import selectors
    from fordela.cycle.services import cycle_import, cycle_touch

    cycle_import(data=demo)
    code = demo.cycle.code
    first = selectors.cycle_data(code)
    assert selectors.data_version(first) is not None
    gone = weakref.ref(first)
    del first
    for _ in range(3):
        cycle_touch(cycle=Cycle.objects.get(code=code))
        latest = selectors.cycle_data(code)
    gc.collect()
    assert gone() is None
    version = selectors.data_version(latest)
    assert version is not None
    # Of this cycle only the latest CycleData is remembered.
    assert [v for _, v in selectors._DATA_VERSIONS.values() if v[:2] == version[:2]] == [version]
