"""Rationalisation proposals (合理化建议, R13): the proposal and its proposers, its attachments,
the decision, implementation, benefit assessment and reward, its trail, the reward tier table,
the panel rounds that judge proposals, and the batches recommended to the province. The
preliminary review is a `review` case and the panel a `scoring` panel: no second mechanism."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import AppendOnlyModel, Org, User
from gonghui.orgs.models import Person


class Stage(models.TextChoices):
    SUBMITTED = "submitted", _("Preliminary review")
    PANEL = "panel", _("Panel review")
    DECIDED = "decided", _("Decided")
    IMPLEMENTING = "implementing", _("Being implemented")
    ACCEPTED = "accepted", _("Accepted and assessed")
    REWARDED = "rewarded", _("Rewarded")
    ARCHIVED = "archived", _("Archived")


class Outcome(models.TextChoices):
    ADOPT = "adopt", _("Adopted")
    TRIAL = "trial", _("Adopted for trial")
    SHELVE = "shelve", _("Shelved")
    REJECT = "reject", _("Not adopted")


ADOPTED = (Outcome.ADOPT, Outcome.TRIAL)
NEEDS_REASON = (Outcome.SHELVE, Outcome.REJECT)


class Field(models.TextChoices):
    PRODUCTION = "production", _("Production and technology")
    SAFETY = "safety", _("Workplace safety")
    SAVING = "saving", _("Saving energy and cost")
    MANAGEMENT = "management", _("Management")
    SERVICE = "service", _("Service to workers")
    OTHER = "other", _("Other")


class BenefitKind(models.TextChoices):
    SAVING = "saving", _("Cost saved")
    VALUE = "value", _("Value created")


class StepAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    PANEL = "panel", _("Put before the panel")
    DECIDE = "decide", _("Decided")
    IMPLEMENT = "implement", _("Implementation assigned")
    ASSESS = "assess", _("Benefit assessed")
    REWARD = "reward", _("Rewarded")
    REWARD_CANCEL = "reward_cancel", _("Reward cancelled for fraud")
    ARCHIVE = "archive", _("Archived")
    RECOMMEND = "recommend", _("Recommended to the province")


class ProposalRound(models.Model):
    """One round of panel review (a district's proposals of a year): the subject of a
    `scoring` panel whose entries are the proposals."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("panel round")
        verbose_name_plural = _("panel rounds")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "title"], name="round_title_once"),
        ]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A proposal filed at a unit union. Its preliminary review is its review case; its stage
    moves on only through proposals.services."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("the problem"))
    suggestion = models.TextField(_("the suggestion"))
    expected_benefit = models.TextField(_("expected benefit"), blank=True)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.SUBMITTED
    )
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    round = models.ForeignKey(
        ProposalRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("panel round"),
    )
    outcome = models.CharField(_("decision"), max_length=8, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    implementing_org = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("implementing unit"),
    )
    plan = models.TextField(_("implementation plan"), blank=True)
    plan_owner = models.CharField(_("person responsible"), max_length=60, blank=True)
    plan_due = models.DateField(_("due by"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["org", "year", "stage"], name="proposal_org_year")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=[o.value for o in NEEDS_REASON]) | ~Q(outcome_reason=""),
                name="proposal_shelve_reject_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[Stage.SUBMITTED, Stage.PANEL]) | ~Q(outcome=""),
                name="proposal_decided_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[Stage.IMPLEMENTING, Stage.ACCEPTED, Stage.REWARDED])
                | Q(implementing_org__isnull=False, plan_due__isnull=False),
                name="proposal_implementing_has_plan",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def adopted(self) -> bool:
        return self.outcome in ADOPTED


class Proposer(models.Model):
    """A proposer: one, or several for a joint proposal, one of them the lead."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="proposers")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    lead = models.BooleanField(_("lead proposer"), default=False)

    class Meta:
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")
        ordering = ["-lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="proposer_once"),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(lead=True), name="one_lead_proposer"
            ),
        ]

    def __str__(self) -> str:
        return self.person.name


class Attachment(models.Model):
    """A file attached to a proposal (a drawing, a photo), checked by core.uploads."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="proposals/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """The acceptance and benefit assessment of an implemented proposal (R13)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="assessment")
    kind = models.CharField(_("benefit"), max_length=8, choices=BenefitKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    note = models.TextField(_("assessment"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="proposals/evidence/%Y/%m/")
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("benefit assessment")
        verbose_name_plural = _("benefit assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="assessment_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.amount}"


class Reward(models.Model):
    """A proposal's reward. It points at the assessment it rests on, so the database itself
    refuses a reward without one (R13); a fraud finding cancels it, with a reason."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="reward")
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField(_("tier"))
    amount = models.DecimalField(_("reward (yuan)"), max_digits=12, decimal_places=2)
    awarded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(_("fraud finding"), blank=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reward_amount_positive"),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="reward_cancel_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.amount}"


class RewardTier(models.Model):
    """A federation's reward table for a year: an assessed value at or above `min_value` earns
    `amount`. Without one, proposals.defaults.DEFAULT_TIERS apply."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("federation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    tier = models.PositiveSmallIntegerField(_("tier"))
    min_value = models.DecimalField(
        _("assessed value from (yuan)"), max_digits=14, decimal_places=2
    )
    amount = models.DecimalField(_("reward (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("reward tier")
        verbose_name_plural = _("reward tiers")
        ordering = ["org", "year", "-min_value"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "tier"], name="reward_tier_once"),
            models.UniqueConstraint(
                fields=["org", "year", "min_value"], name="reward_tier_threshold_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="reward_tier_amount_positive"),
            models.CheckConstraint(
                condition=Q(min_value__gte=0), name="reward_tier_min_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year} #{self.tier}"


class Step(AppendOnlyModel):
    """The proposal's trail (R7): each stage change with who, when and why. Append-only."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="steps")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=24, choices=StepAction.choices)
    stage = models.CharField(max_length=16, choices=Stage.choices)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("proposal step")
        verbose_name_plural = _("proposal steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.action}"


class RecommendationBatch(models.Model):
    """Adopted proposals recommended to the province in one submission."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("recommended by")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recommendation batch")
        verbose_name_plural = _("recommendation batches")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class BatchItem(models.Model):
    """A proposal in a batch, with the recommendation (推荐意见). A proposal is in at most one
    batch: the database says so."""

    batch = models.ForeignKey(RecommendationBatch, on_delete=models.CASCADE, related_name="items")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="batch_item")
    opinion = models.CharField(_("recommendation"), max_length=300, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("batch entry")
        verbose_name_plural = _("batch entries")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.proposal_id}"
