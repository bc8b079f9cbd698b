"""Stored rubrics, panels of judges, entries, judges' score sheets (with their append-only
trail) and the results written when a panel is locked (R18, R19). The arithmetic is in
`scoring.engine`; these models keep its inputs and outputs."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import AppendOnlyModel, Org, User
from gonghui.scoring import engine


class Rubric(models.Model):
    """A score sheet's design: parts (theory, practical…) with weights, each with criteria.
    Written once by `services.rubric_create`, never edited (panels that used it keep it)."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("rubric name"), max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.name

    def to_engine(self) -> engine.Rubric:
        return engine.Rubric(
            parts=tuple(
                engine.Part(
                    code=part.code,
                    label=part.label,
                    weight=part.weight,
                    criteria=tuple(
                        engine.Criterion(
                            code=c.code, label=c.label, maximum=c.maximum, weight=c.weight
                        )
                        for c in part.criteria.order_by("position", "pk")
                    ),
                )
                for part in self.parts.order_by("position", "pk")
            )
        )


class RubricPart(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(max_length=32)
    label = models.CharField(_("part"), max_length=100)
    weight = models.DecimalField(_("part weight"), max_digits=7, decimal_places=4)

    class Meta:
        verbose_name = _("rubric part")
        verbose_name_plural = _("rubric parts")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="part_code_once_per_rubric"),
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=1), name="part_weight_in_0_1"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class RubricCriterion(models.Model):
    # The rubric is repeated here so that the database keeps codes unique across the rubric
    # (a sheet maps criterion code → mark).
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey(RubricPart, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(max_length=32)
    label = models.CharField(_("criterion"), max_length=200)
    maximum = models.DecimalField(_("maximum mark"), max_digits=8, decimal_places=2)
    weight = models.DecimalField(
        _("criterion weight"), default=Decimal(1), max_digits=7, decimal_places=4
    )

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "code"], name="criterion_code_once_per_rubric"
            ),
            models.CheckConstraint(condition=Q(maximum__gt=0), name="criterion_maximum_positive"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class PanelState(models.TextChoices):
    OPEN = "open", _("Open for marking")
    LOCKED = "locked", _("Results locked")
    PUBLISHED = "published", _("Results published")


class Panel(models.Model):
    """The judging of one subject of a program (a contest's final, a proposal round…): its
    rubric, how judges' marks are combined, the declared tie-break chain and prize table (R18,
    R19). Open while judges mark; locked when results are computed; then published, all at
    once."""

    program = models.CharField(_("program"), max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="panels", verbose_name=_("rubric")
    )
    aggregation = models.CharField(
        _("aggregation of judges' marks"),
        max_length=16,
        choices=[
            (engine.Aggregation.MEAN.value, _("Mean")),
            (engine.Aggregation.TRIMMED_MEAN.value, _("Mean dropping highest and lowest")),
            (engine.Aggregation.WEIGHTED_SUM.value, _("Weighted by judge")),
        ],
        default=engine.Aggregation.TRIMMED_MEAN.value,
    )
    tie_breaks = models.JSONField(default=list)  # [{"metric": "practical", "prefer": "higher"}]
    prize_table = models.JSONField(default=list)  # [{"name": "first", "count": 1}, …]
    tie_policy = models.CharField(
        max_length=8,
        choices=[(p.value, p.value) for p in engine.TiePolicy],
        default=engine.TiePolicy.DEMOTE.value,
    )
    award_merit = models.BooleanField(_("merit awards"), default=True)
    merit_limit = models.PositiveIntegerField(_("at most this many merit awards"), null=True)
    double_entry = models.BooleanField(_("paper sheets entered twice"), default=False)
    state = models.CharField(
        _("state"), max_length=12, choices=PanelState.choices, default=PanelState.OPEN
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    locked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    published_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("judging panel")
        verbose_name_plural = _("judging panels")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "content_type", "object_id"],
                name="one_panel_per_subject_and_program",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(locked_at__isnull=False),
                name="panel_locked_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="panel_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def engine_tie_breaks(self) -> tuple[engine.TieBreak, ...]:
        return tuple(
            engine.TieBreak(metric=tb["metric"], prefer=engine.Prefer(tb["prefer"]))
            for tb in self.tie_breaks
        )

    def engine_prize_table(self) -> tuple[engine.PrizeTier, ...]:
        return tuple(engine.PrizeTier(name=t["name"], count=t["count"]) for t in self.prize_table)


class JudgeRole(models.TextChoices):
    JUDGE = "judge", _("Judge")
    ARBITER = "arbiter", _("Arbiter")


class PanelJudge(models.Model):
    """A person on a panel. `employer_key` is whatever the program uses to name an employer
    (scoring imports no domain app); a judge sharing it with an entrant, or who declared a
    conflict, is recused from that entrant (R18). Arbiters answer appeals and mark nothing."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        _("role on the panel"), max_length=8, choices=JudgeRole.choices, default=JudgeRole.JUDGE
    )
    employer_key = models.CharField(_("employer"), max_length=64, blank=True)
    conflict_declared = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_note = models.TextField(_("conflict of interest"), blank=True)
    weight = models.DecimalField(
        _("judge weight"), default=Decimal(1), max_digits=7, decimal_places=4
    )
    criteria = models.JSONField(default=list)  # codes this judge marks; empty: the whole rubric

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="judge_once_per_panel"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="judge_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.panel_id}"


class Entry(models.Model):
    """One entrant of a panel, a person or a team: a label, optionally the program's own
    record, the employers of its members (for recusal), the time it took in seconds, and
    where judges find it (`position`: a contest's work station; none, in the order added)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="entries")
    label = models.CharField(_("entrant"), max_length=200)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    employer_keys = models.JSONField(default=list)
    time_taken = models.PositiveIntegerField(_("time taken (seconds)"), null=True, blank=True)
    position = models.PositiveIntegerField(_("station"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel entry")
        ordering = [models.F("position").asc(nulls_last=True), "pk"]
        verbose_name_plural = _("panel entries")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "content_type", "object_id"],
                condition=~Q(object_id=""),
                name="subject_once_per_panel",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ScoreSheet(models.Model):
    """One judge's marks for one entrant ({criterion code: decimal string}). With double entry
    the same paper sheet is typed a second time, and the sheet counts only when both agree."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="sheets")
    judge = models.ForeignKey(PanelJudge, on_delete=models.PROTECT, related_name="sheets")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="sheets")
    marks = models.JSONField(default=dict)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    second_marks = models.JSONField(null=True, blank=True)
    second_entered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_entered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry"], name="one_sheet_per_judge_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.judge_id} → {self.entry_id}"

    def decimal_marks(self, *, second: bool = False) -> dict[str, Decimal]:
        source = self.second_marks if second else self.marks
        return {code: Decimal(value) for code, value in (source or {}).items()}

    @property
    def entries_agree(self) -> bool:
        return self.second_marks is not None and self.decimal_marks() == self.decimal_marks(
            second=True
        )


class SheetRevision(AppendOnlyModel):
    """Every save of a sheet, first or second entry: who typed which marks, when. Append-only."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="revisions")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    second_entry = models.BooleanField(default=False)
    marks = models.JSONField()

    class Meta:
        verbose_name = _("score sheet revision")
        verbose_name_plural = _("score sheet revisions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.sheet_id} @ {self.at:%Y-%m-%d %H:%M}"


class Result(models.Model):
    """An entrant's computed standing, written when the panel is locked and never changed."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="results")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="result")
    total = models.DecimalField(_("total score"), max_digits=8, decimal_places=2)
    part_scores = models.JSONField(default=dict)  # {part code: decimal string}
    rank = models.PositiveIntegerField(_("rank"))
    prize_tier = models.CharField(_("prize"), max_length=32, blank=True)
    merit = models.BooleanField(_("merit award"), default=False)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["panel", "rank", "entry_id"]
        constraints = [
            models.CheckConstraint(condition=Q(rank__gte=1), name="result_rank_from_1"),
            models.CheckConstraint(
                condition=Q(merit=False) | Q(prize_tier=""), name="result_merit_or_prize"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} #{self.rank}"
