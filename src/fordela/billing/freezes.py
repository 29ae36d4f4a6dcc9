"""The freeze lifecycle: freeze a period, reverse a freeze, freeze again, verify, guard.

A controller must be able to trust what went to the ledger:

* A period is frozen only inside a decided year (base year to target year) and only when it has
  lines. Overlapping periods (q2 and m04) are never both live: `invoice_freeze` takes a row lock
  on the cycle (SELECT … FOR UPDATE) before it checks and writes, so two freezes of one cycle —
  from the web and the CLI at the same moment — run one after the other and the second sees the
  first; a partial unique constraint also keeps one live freeze per exact period.
* A freeze is never deleted. It is undone by an `InvoicingReversal` (who, when, why), exported as
  reversing vouchers; then the period may be frozen again.
* Every write to a cycle (`cycle_import`, `cycle_touch`) sends `cycle_changed` inside its
  transaction; `guard_frozen_periods` recomputes the live frozen periods from the data as it now
  stands and refuses the write (rolling it back) when any line would differ.
* `invoice_verify` compares the frozen lines, line by line, with what the stored inputs give and
  with what the current data gives.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fordela.accounts.notifications import notify_period_frozen
from fordela.billing.inputs import data_from_inputs, inputs_sha256
from fordela.billing.models import FrozenLine, InvoicingFreeze, InvoicingReversal, OwnServiceInvoicing
from fordela.cycle.models import Scenario
from fordela.engine.invoicing import InvoiceLine, InvoicingBase, granularity_of, invoicing_base
from fordela.engine.model import CycleData, Period, ScenarioKind, ServiceCategory
from fordela.engine.records import without_gc
from fordela.engine.scenario import resolve_code


class BillingError(ValueError):
    """A request the invoicing rules refuse (already frozen, already exported, unknown service)."""


class FrozenPeriodsChanged(BillingError):
    """A write that would change the lines of frozen periods: refused, the transaction rolled back."""

    def __init__(self, message: str, *, cycle: str, periods: list[str]) -> None:
        super().__init__(message)
        self.cycle = cycle
        self.periods = periods


def periods_overlap(a: Period, b: Period) -> bool:
    """Whether two periods of one year share a month (q1 and m02 do). The one overlap rule."""
    return bool(set(a.months) & set(b.months))


def live_freezes(cycle: str, year: int | None = None) -> Any:
    """The freezes of a cycle that are not reversed (a QuerySet)."""
    freezes = InvoicingFreeze.objects.filter(cycle_code=cycle, reversed=False)
    return freezes if year is None else freezes.filter(year=year)


def freeze_of(cycle: str, year: int, period: Period) -> tuple[InvoicingFreeze | None, InvoicingFreeze | None]:
    """(the live freeze of exactly this period, a live freeze of another period covering some of its months)."""
    exact, covering = None, None
    for freeze in live_freezes(cycle, year).defer("inputs"):
        if freeze.period == period.value:
            exact = freeze
        elif periods_overlap(period, Period(freeze.period)):
            covering = freeze
    return exact, covering


def own_services_of(cycle: str) -> frozenset[str]:
    """The suppliers of `cycle` invoiced for their own use of their services (default: none)."""
    return frozenset(OwnServiceInvoicing.objects.filter(cycle_code=cycle).values_list("supplier", flat=True))


def decided_scenario(data: CycleData) -> str | None:
    """The cycle's current stage, else the latest stage with a review, else None (nothing decided)."""
    if data.cycle.current_stage:
        return data.cycle.current_stage
    positions = {s.code: s.position for s in data.review_stages}
    reviewed = {r.stage for r in data.reviews if r.stage in positions}
    return max(reviewed, key=positions.__getitem__) if reviewed else None


def compute_lines(
    data: CycleData, *, year: int, period: Period, scenario: str, own_services: Iterable[str] = ()
) -> list[InvoiceLine]:
    """The lines of one period, computed from `data` under `scenario` (pure: no database)."""
    resolution = resolve_code(data, scenario) if year > data.cycle.base_year else None
    base = invoicing_base(
        data, year, resolution, granularity=granularity_of(period), own_services=frozenset(own_services), only=period
    )
    return list(base.for_period(period))


def _require_invoicing(user: Any) -> None:
    """Defence in depth for requests from the web (`user` given); the CLI is the server's operator."""
    from django.core.exceptions import PermissionDenied

    from fordela.accounts.permissions import can_invoice

    if user is not None and not can_invoice(user):
        raise PermissionDenied("only finance or an administrator may freeze, reverse or export invoicing")


def _lock_cycle(cycle: str) -> CycleData:
    """Lock the cycle's row for the rest of the transaction and load its data as it now stands.

    Every freeze and every write to the cycle (`cycle_touch` updates this row) queue on the lock.
    """
    from fordela.catalogue.models import Cycle
    from fordela.cycle.selectors import cycle_data_uncached

    if not Cycle.objects.select_for_update().filter(code=cycle).exists():
        raise BillingError(_("Unknown cycle %(cycle)s.") % {"cycle": cycle})
    return cycle_data_uncached(cycle)


def _label(year: int, period: Period | str) -> str:
    return f"{year}-{period}"


@transaction.atomic
def invoice_freeze(
    *, cycle: str, year: int, period: Period, scenario: str | None = None, by: str = "", user: Any = None
) -> InvoicingFreeze:
    """Freeze the invoicing of `period`: store the cycle's canonical inputs, their hash and the lines.

    Refused (BillingError, Swedish message) outside the decided years, without lines, or when a
    live freeze covers any month of the period. `scenario`: default the decided one.
    """
    from fordela.billing.inputs import canonical_inputs, inputs_sha256

    _require_invoicing(user)
    data = _lock_cycle(cycle)
    shown = _label(year, period)
    first, last = data.cycle.base_year, data.cycle.target_year
    if not first <= year <= last:
        raise BillingError(
            _("%(period)s cannot be frozen: only periods of the decided years %(first)s–%(last)s can be invoiced.")
            % {"period": shown, "first": first, "last": last}
        )
    scenario = scenario or decided_scenario(data)
    if scenario is None and year > data.cycle.base_year:
        raise BillingError(
            _("%(period)s cannot be frozen: %(year)s is not decided yet.") % {"period": shown, "year": year}
        )
    for other in live_freezes(cycle, year).defer("inputs"):
        if periods_overlap(period, Period(other.period)):
            raise BillingError(
                _(
                    "%(other)s is already frozen (%(at)s by %(by)s) and covers %(period)s: "
                    "a period is never invoiced twice."
                )
                % {
                    "other": _label(year, other.period),
                    "at": f"{timezone.localtime(other.created_at):%Y-%m-%d %H:%M}",
                    "by": other.created_by or "?",
                    "period": shown,
                }
            )
    own = own_services_of(cycle)
    lines = compute_lines(data, year=year, period=period, scenario=scenario or "", own_services=own)
    if not lines:
        raise BillingError(_("%(period)s cannot be frozen: it has no invoice lines.") % {"period": shown})
    inputs = canonical_inputs(data)
    try:
        with transaction.atomic():
            freeze = InvoicingFreeze.objects.create(
                cycle_code=cycle,
                year=year,
                period=period.value,
                scenario=scenario or "",
                inputs=inputs,
                inputs_sha256=inputs_sha256(inputs),
                lines_sha256=lines_sha256(lines),
                net_total=sum(ln.net for ln in lines),
                vat_total=sum(ln.vat for ln in lines),
                created_by=by,
                own_services=sorted(own),
            )
    except IntegrityError:
        raise BillingError(_("%(period)s is already frozen.") % {"period": shown}) from None
    _insert_lines(freeze, lines)
    notify_period_frozen(cycle=cycle, period=f"{year}-{period.value}", by=user)
    return freeze


FROZEN_LINE_COLUMNS = ("supplier", "organisation", "object", "kind", "category", "net", "vat_rate", "vat")
_fields_of = operator.attrgetter(*FROZEN_LINE_COLUMNS)  # a line's values in that order, got in C


def _insert_lines(freeze: InvoicingFreeze, lines: list[InvoiceLine]) -> None:
    """Store the lines of `freeze` in one statement: COPY on PostgreSQL, one executemany elsewhere.

    A large cycle freezes tens of thousands of lines a quarter: a model instance and a prepared
    value per field and line (bulk_create) cost seconds. The values are what the fields would
    store (the few VAT rates prepared by their field once each), in the order of `lines`, so
    the ids keep that order.
    """
    if not lines:
        return
    rate_field = FrozenLine._meta.get_field("vat_rate")
    cells: list[Any] = list(zip(*map(_fields_of, lines), strict=True))
    category, rate = FROZEN_LINE_COLUMNS.index("category"), FROZEN_LINE_COLUMNS.index("vat_rate")
    cells[category] = _map_distinct(lambda c: c.value, cells[category])
    cells[rate] = _map_distinct(lambda r: rate_field.get_db_prep_save(r, connection), cells[rate])
    rows = list(zip(repeat(freeze.pk, len(lines)), *cells, strict=True))
    table = connection.ops.quote_name(FrozenLine._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in ("freeze_id", *FROZEN_LINE_COLUMNS))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(names.split(", ")))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


@transaction.atomic
def invoice_reverse(*, freeze: InvoicingFreeze, reason: str, by: str = "", user: Any = None) -> InvoicingReversal:
    """Reverse a freeze: record who, when and why; the period may then be frozen again.

    The freeze and its lines stay (never deleted); its export can be followed by the reversing
    vouchers (`invoice_export_sie(..., reversal=True)`).
    """
    _require_invoicing(user)
    # Control characters (a NUL from a form) are not text a database or a ledger can keep.
    reason = "".join(ch for ch in reason if ch in "\n\t" or ord(ch) >= 32)[:2000]
    if not reason.strip():
        raise BillingError(_("Say why the freeze is reversed."))
    _lock_cycle(freeze.cycle_code)
    current = InvoicingFreeze.objects.select_for_update().defer("inputs").get(pk=freeze.pk)
    if current.reversed:
        earlier = InvoicingReversal.objects.get(freeze=current)
        raise BillingError(
            _("%(period)s was already reversed on %(at)s by %(by)s.")
            % {
                "period": _label(current.year, current.period),
                "at": f"{earlier.created_at:%Y-%m-%d}",
                "by": earlier.created_by or "?",
            }
        )
    reversal = InvoicingReversal.objects.create(freeze=current, reason=reason.strip(), created_by=by)
    InvoicingFreeze.objects.filter(pk=current.pk).update(reversed=True)
    freeze.reversed = True
    return reversal


# -- verification ---------------------------------------------------------------------------------

LineKey = tuple[str, str, str, str]
AMOUNTS = ("net", "vat_rate", "vat")


@dataclass(frozen=True)
class LineDifference:
    """One line that differs: its key (supplier, customer, object, kind), frozen and other amounts."""

    key: LineKey
    frozen: InvoiceLine | None
    other: InvoiceLine | None

    def describe(self) -> str:
        supplier, customer, obj, kind = self.key
        where = f"{supplier} → {customer}, {obj} ({kind})"
        if self.other is None:
            return _("%(line)s: frozen, but no longer computed") % {"line": where}
        if self.frozen is None:
            return _("%(line)s: computed now, but not frozen") % {"line": where}
        parts = [
            f"{name} {getattr(self.frozen, name)} ≠ {getattr(self.other, name)}"
            for name in AMOUNTS
            if getattr(self.frozen, name) != getattr(self.other, name)
        ]
        return f"{where}: " + ", ".join(parts)


@dataclass(frozen=True)
class Verification:
    """A freeze against its stored inputs and against the current data, line by line."""

    freeze: InvoicingFreeze
    stored: tuple[LineDifference, ...]
    current: tuple[LineDifference, ...]
    current_problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.stored and not self.current and not self.current_problem

    def __bool__(self) -> bool:
        return self.ok


def differences(frozen: Iterable[InvoiceLine], other: Iterable[InvoiceLine]) -> tuple[LineDifference, ...]:
    """Every line that differs between two sets of lines of one period, by key."""

    def keyed(lines: Iterable[InvoiceLine]) -> dict[LineKey, InvoiceLine]:
        return {(ln.supplier, ln.organisation, ln.object, ln.kind): ln for ln in lines}

    a, b = keyed(frozen), keyed(other)
    out = []
    for key in sorted(a.keys() | b.keys()):
        x, y = a.get(key), b.get(key)
        if x is None or y is None or any(_norm(getattr(x, n)) != _norm(getattr(y, n)) for n in (*AMOUNTS, "category")):
            out.append(LineDifference(key, x, y))
    return tuple(out)


def _norm(value: Any) -> Any:
    return value.normalize() if hasattr(value, "normalize") else value


def current_lines(
    freeze: InvoicingFreeze, data: CycleData, bases: dict[tuple[Any, ...], InvoicingBase] | None = None
) -> list[InvoiceLine]:
    """What the data gives now for the freeze's period, under the scenario and own-services
    setting it was frozen with. `bases`: a memo, so freezes of one year compute its base once."""
    scenario = freeze.scenario or decided_scenario(data) or ""
    period = Period(freeze.period)
    key = (freeze.year, granularity_of(period), scenario, tuple(sorted(freeze.own_services)))
    memo = {} if bases is None else bases
    if key not in memo:
        resolution = resolve_code(data, scenario) if freeze.year > data.cycle.base_year else None
        own = frozenset(freeze.own_services)
        memo[key] = invoicing_base(data, freeze.year, resolution, granularity=key[1], own_services=own)
    return list(memo[key].for_period(period))


def invoice_verify(*, freeze: InvoicingFreeze, data: CycleData | None = None) -> Verification:
    """Compare the frozen lines with what the stored inputs give and with what the current data
    gives (`data`, default the cycle in the database; a cycle that no longer exists is reported)."""
    frozen = frozen_lines(freeze)
    stored = differences(frozen, invoice_reproduce(freeze=freeze))
    problem = ""
    current: tuple[LineDifference, ...] = ()
    try:
        if data is None:
            from fordela.cycle.selectors import cycle_data_uncached

            data = cycle_data_uncached(freeze.cycle_code)
        current = differences(frozen, current_lines(freeze, data))
    except Exception as error:  # noqa: BLE001 - any failure to compute now is reported, not raised
        problem = str(error)
    return Verification(freeze, stored, current, problem)


# -- the guard on writes ----------------------------------------------------------------------------


def guard_frozen_periods(*, code: str, scenarios_only: bool = False, **_kwargs: Any) -> None:
    """Refuse a write to cycle `code` that changes the lines of a live frozen period.

    Connected to `fordela.cycle.services.cycle_changed`, which is sent inside the writing
    transaction: raising here rolls the write back. `scenarios_only`: the write changed only
    which proposals explicit scenarios include (a toggle), so only a period frozen under an
    explicit scenario can change; the usual freeze, under a stage, is not recomputed.
    """
    query = live_freezes(code).defer("inputs")
    if scenarios_only:
        explicit = Scenario.objects.filter(cycle__code=code, kind=ScenarioKind.EXPLICIT.value)
        query = query.filter(scenario__in=explicit.values("code"))
    freezes = list(query)
    if not freezes:
        return
    from fordela.cycle.selectors import cycle_data_uncached

    data = cycle_data_uncached(code)
    changed: list[str] = []
    count = 0
    bases: dict[tuple[Any, ...], InvoicingBase] = {}
    for freeze in freezes:
        try:
            now = current_lines(freeze, data, bases)
        except Exception:  # noqa: BLE001 - a cycle that no longer computes changes every line
            now = []
        found = differences(frozen_lines(freeze), now)
        if found:
            changed.append(_label(freeze.year, freeze.period))
            count += len(found)
    if changed:
        raise FrozenPeriodsChanged(
            _(
                "Not saved: the change would alter %(count)s invoice lines of the frozen periods %(periods)s "
                "of %(cycle)s, which have gone to the ledger. Reverse those freezes first (fordela invoice reverse)."
            )
            % {"count": count, "periods": ", ".join(changed), "cycle": code},
            cycle=code,
            periods=changed,
        )


def lines_sha256(lines: list[InvoiceLine]) -> str:
    """sha256 of the lines as text: one line each, its fields (the VAT rate normalised) by commas.

    Formatted column by column, each distinct value once (suppliers, kinds and rates repeat on
    every line of a large quarter)."""
    if not lines:
        return hashlib.sha256(b"").hexdigest()
    columns = list(zip(*map(_fields_of, lines), strict=True))
    rate = FROZEN_LINE_COLUMNS.index("vat_rate")
    texts = [
        _map_distinct(lambda v: str(v.normalize()), column) if i == rate else _map_distinct(str, column)
        for i, column in enumerate(columns)
    ]
    text = "\n".join(map(",".join, zip(*texts, strict=True)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _map_distinct(convert: Any, column: tuple[Any, ...]) -> list[Any]:
    """`convert` of every value of `column`, called once per distinct value."""
    converted = {value: convert(value) for value in set(column)}
    return list(map(converted.__getitem__, column))


def frozen_lines(freeze: InvoicingFreeze, organisation: str | None = None) -> list[InvoiceLine]:
    """The stored lines of a freeze as the engine's InvoiceLine (`organisation`: its lines only)."""
    from fordela.cycle.selectors import build_rows, query_columns

    # Fetched column by column through the raw cursor, not as model instances or ORM rows (a
    # large cycle freezes tens of thousands of lines a quarter); the few categories and rates
    # are converted once each and the lines built positionally.
    query = FrozenLine.objects.filter(freeze=freeze)
    if organisation is not None:
        query = query.filter(organisation=organisation)
    query = query.order_by("id").values_list(*FROZEN_LINE_COLUMNS)
    suppliers, organisations, objects, kinds, categories, nets, rates, vats = query_columns(query)
    count = len(suppliers)
    category_of = {c.value: c for c in ServiceCategory}
    columns = [
        [freeze.year] * count,
        [Period(freeze.period)] * count,
        suppliers,
        organisations,
        objects,
        kinds,
        list(map(category_of.__getitem__, categories)),
        nets,
        _map_distinct(lambda rate: Decimal(rate).normalize(), rates),
        vats,
    ]
    with without_gc():  # tens of thousands of new lines and no reference cycles among them
        return build_rows(InvoiceLine, ("year", "period", *FROZEN_LINE_COLUMNS), columns)


@dataclass(frozen=True)
class FrozenTotals:
    """A freeze's lines counted and summed per invoice by the database, without reading them."""

    lines: int
    # (period, supplier, customer) → [net, VAT] in öre, as `reports.invoice_totals` sums lines
    invoices: dict[tuple[Period, str, str], list[int]]


def frozen_totals(freeze: InvoicingFreeze) -> FrozenTotals:
    """The number of lines of a freeze and its sums per invoice: one GROUP BY query (what the
    invoicing page shows of a frozen period when no customer is chosen)."""
    period = Period(freeze.period)
    sums = (
        FrozenLine.objects.filter(freeze=freeze)
        .values_list("supplier", "organisation")
        .annotate(lines=Count("id"), net=Sum("net"), vat=Sum("vat"))
        .order_by()
    )
    count, invoices = 0, {}
    for supplier, organisation, lines, net, vat in sums:
        count += lines
        # A sum of bigints is a numeric (Decimal) on PostgreSQL: whole öre either way.
        invoices[(period, supplier, organisation)] = [int(net), int(vat)]
    return FrozenTotals(count, invoices)


def frozen_data(freeze: InvoicingFreeze) -> CycleData:
    """The cycle exactly as it was frozen, after checking the stored inputs against their hash."""
    if inputs_sha256(freeze.inputs) != freeze.inputs_sha256:
        raise BillingError(
            _("The stored inputs of %(period)s do not match their sha256: they were altered.") % {"period": freeze}
        )
    return data_from_inputs(freeze.inputs)


def invoice_reproduce(*, freeze: InvoicingFreeze) -> list[InvoiceLine]:
    """Recompute the freeze's lines from its stored inputs alone (and its own-services setting)."""
    return compute_lines(
        frozen_data(freeze),
        year=freeze.year,
        period=Period(freeze.period),
        scenario=freeze.scenario,
        own_services=freeze.own_services,
    )
