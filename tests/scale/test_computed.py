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
