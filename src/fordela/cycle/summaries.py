"""The cycles' summaries for the pages across cycles, kept in the database per data version.

Those pages show a service's cost or an organisation's bill in every cycle of the installation.
Loading and distributing every cycle for them took a minute once the installation held one large
cycle (issue 12); a summary is a few thousand totals per cycle (`reports.across.CycleSummary`),
stored when first made and used while the cycle's data version is the same, in every process.
"""

from __future__ import annotations

from fordela.catalogue.models import Cycle
from fordela.cycle.computed import computed
from fordela.cycle.models import AcrossSummary
from fordela.cycle.selectors import cycle_data_at
from fordela.engine.model import ScenarioKind
from fordela.engine.scenario import decided_scenario
from fordela.reports.across import CycleSummary, cycle_summary


def across_summaries() -> list[CycleSummary]:
    """Every cycle's summary, by target year and code: the stored ones that are current, the
    others made (one cycle loaded at a time) and stored."""
    cycles = list(
        Cycle.objects.order_by("target_year", "code").values_list(
            "pk", "code", "imported_at", "data_revision", "revision"
        )
    )
    stored = {row.cycle_id: row for row in AcrossSummary.objects.filter(cycle_id__in=[c[0] for c in cycles])}
    summaries = []
    for pk, code, imported_at, data_revision, revision in cycles:
        row = stored.get(pk)
        if (
            row is not None
            and (row.imported_at, row.data_revision) == (imported_at, data_revision)
            and row.revision in (None, revision)
        ):
            summaries.append(CycleSummary.from_json(row.summary))
        else:
            summaries.append(_made(code))
    return summaries


def _made(code: str) -> CycleSummary:
    version, data = cycle_data_at(code)
    summary = computed(data, "across-summary", (), lambda: cycle_summary(data))
    decided = decided_scenario(data)
    explicit = any(s.code == decided and s.kind is ScenarioKind.EXPLICIT for s in data.scenarios)
    pk, imported_at, data_revision, revision = version
    # Insert or update in one statement: two requests making the same summary do not collide.
    AcrossSummary.objects.bulk_create(
        [
            AcrossSummary(
                cycle_id=pk,
                imported_at=imported_at,
                data_revision=data_revision,
                revision=revision if explicit else None,
                summary=summary.as_json(),
            )
        ],
        update_conflicts=True,
        unique_fields=["cycle"],
        update_fields=["imported_at", "data_revision", "revision", "summary"],
    )
    return summary
