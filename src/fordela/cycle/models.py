"""The annual analysis and its review: proposals, reviews per stage, scenarios, budget lines.

One model per table of the cycle package, as in fordela.catalogue.models.
"""

from __future__ import annotations

from django.db import models

from fordela.catalogue.models import (
    CycleRow,
    DistributionKey,
    Organisation,
    Service,
    choices,
    schema_field,
    unique_per_cycle,
)
from fordela.engine import model as m


class ReviewStage(CycleRow):
    TABLE = "review_stages"
    code = schema_field("review_stages", "code")
    name = schema_field("review_stages", "name")
    position = models.IntegerField()

    class Meta:
        constraints = [unique_per_cycle("review_stage_code", "code")]
        ordering = ["position"]


class Proposal(CycleRow):
    TABLE = "proposals"
    code = schema_field("proposals", "code")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=40, choices=choices(m.ProposalKind))
    title = schema_field("proposals", "title")
    financing = models.CharField(max_length=40, choices=choices(m.Financing))
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals")
    key = models.ForeignKey(DistributionKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_category = models.CharField(max_length=20, blank=True, default="", choices=choices(m.ServiceCategory))
    proposed_key = models.ForeignKey(DistributionKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    future_management_cost = models.BigIntegerField(null=True, blank=True)
    future_management_from_year = models.IntegerField(null=True, blank=True)
    already_decided = models.BooleanField(default=False)
    description = models.TextField(blank=True, default="")
    # Optimistic locking: every save through the services bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    # Drafts and deleted proposals are not part of the cycle's annual analysis: scenarios, reports
    # and exports leave them out; a deleted proposal can be found and restored.
    status = models.CharField(
        max_length=20, default="submitted", choices=[("draft", "draft"), ("submitted", "submitted")]
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [unique_per_cycle("proposal_code", "code")]


class ProposalAmount(CycleRow):
    TABLE = "proposal_amounts"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="amounts")
    year = models.IntegerField()
    type = models.CharField(max_length=20, choices=choices(m.AmountType))
    amount = models.BigIntegerField()

    class Meta:
        constraints = [unique_per_cycle("proposal_amount", "proposal", "year", "type")]


class Review(CycleRow):
    TABLE = "reviews"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT)
    outcome = models.CharField(max_length=40, choices=choices(m.ReviewOutcome))
    future_management_approved = models.BooleanField(default=False)
    comment = models.TextField(blank=True, default="")
    # Optimistic locking, as on Proposal: a stage's record saved over one the reviewer did not see
    # is refused. `proposal_version` is the proposal version the stage decided on (None: imported).
    version = models.PositiveIntegerField(default=1)
    proposal_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [unique_per_cycle("review", "proposal", "stage")]


class ReviewAmount(CycleRow):
    TABLE = "review_amounts"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE)
    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT)
    year = models.IntegerField()
    type = models.CharField(max_length=20, choices=choices(m.AmountType))
    amount = models.BigIntegerField()

    class Meta:
        constraints = [unique_per_cycle("review_amount", "proposal", "stage", "year", "type")]


class ReviewCondition(CycleRow):
    TABLE = "review_conditions"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE)
    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT)
    kind = models.CharField(max_length=40, choices=choices(m.ConditionKind))
    text = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("review_condition", "proposal", "stage", "kind")]


class Scenario(CycleRow):
    TABLE = "scenarios"
    code = schema_field("scenarios", "code")
    name = schema_field("scenarios", "name")
    kind = models.CharField(max_length=20, choices=choices(m.ScenarioKind))
    stage = models.ForeignKey(ReviewStage, null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField(blank=True, default="")
    # Deleted softly, like a proposal: out of the cycle's data, kept here so it can be restored.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [unique_per_cycle("scenario_code", "code")]


class ScenarioProposal(CycleRow):
    TABLE = "scenario_proposals"
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE)

    class Meta:
        constraints = [unique_per_cycle("scenario_proposal", "scenario", "proposal")]


class BudgetLine(CycleRow):
    TABLE = "budget_lines"
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.IntegerField()
    line = models.CharField(max_length=40, choices=choices(m.BudgetLineKind))
    amount = models.BigIntegerField()
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("budget_line", "supplier", "year", "line")]


class FormToken(models.Model):
    """A one-time token of a form that creates something: the first submit creates the object, a
    repeat (a double click, a reload) finds what the first one created instead of failing.
    Unique in the database, so two submits racing each other cannot both create."""

    cycle = models.ForeignKey("catalogue.Cycle", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    table = models.CharField(max_length=40)
    object = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class AnalysisText(CycleRow):
    """One section of a supplier's written annual analysis (engine.model.AnalysisText)."""

    TABLE = "analysis_texts"
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=40, choices=choices(m.AnalysisSection))
    text = models.TextField()
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True, default="")
    # Optimistic locking: every save through fordela.cycle.analysis bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        # One text per slot; NULLs are distinct in a plain unique index, so one partial index per shape.
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "supplier", "section"],
                condition=models.Q(service__isnull=True, proposal__isnull=True),
                name="analysis_text_section",
            ),
            models.UniqueConstraint(
                fields=["cycle", "supplier", "section", "service"],
                condition=models.Q(service__isnull=False),
                name="analysis_text_service",
            ),
            models.UniqueConstraint(
                fields=["cycle", "supplier", "section", "proposal"],
                condition=models.Q(proposal__isnull=False),
                name="analysis_text_proposal",
            ),
        ]


class AcrossSummary(models.Model):
    """A cycle's summary for the pages across cycles (`fordela.reports.across.CycleSummary`), kept
    for the cycle's data version: derived from the cycle, made again when it is stale
    (`fordela.cycle.summaries`), not backed up."""

    cycle = models.OneToOneField("catalogue.Cycle", on_delete=models.CASCADE, related_name="+")
    imported_at = models.DateTimeField()
    data_revision = models.PositiveIntegerField()
    # Set only when the deciding scenario is an explicit one, whose proposals a toggle changes
    # without a new data revision: then the summary holds for that revision only.
    revision = models.PositiveIntegerField(null=True)
    summary = models.JSONField()
