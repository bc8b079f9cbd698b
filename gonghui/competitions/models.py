"""Labour and skills contests (劳动和技能竞赛): the job-type catalogue, contests with their
rules as data (R18 weights, R19 prize table), registrations of people or teams, and the lot
draw of work stations. Judging is `scoring`'s: a contest's panel has the contest as subject."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org, User
from gonghui.orgs.models import Person


def default_prize_table() -> list[dict[str, object]]:
    """R19's example: 1 first, 2 second, 3 third prize (per entry: a person or a team)."""
    return [
        {"name": "first", "count": 1},
        {"name": "second", "count": 2},
        {"name": "third", "count": 3},
    ]


class JobType(models.Model):
    """An occupation contests are held in (管道工, 电工…): one catalogue for every contest."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("job type"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("job type")
        verbose_name_plural = _("job types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContestLevel(models.TextChoices):
    CITY = "city", _("City-level contest")
    DISTRICT = "district", _("District-level contest")
    ENTERPRISE = "enterprise", _("Enterprise-level contest")


class EntryKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual entry")
    TEAM = "team", _("Team entry")


class ContestState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for registration")
    CLOSED = "closed", _("Registration closed")
    JUDGING = "judging", _("Being judged")
    FINISHED = "finished", _("Finished")


class Contest(models.Model):
    """One contest of an org's, with its rules as data: the R18 weights (default 30/70), the
    R19 prize table (default 1/2/3) and the prize money of each tier (decimal yuan strings).
    `parent` is the next stage of a series: a preliminary names its final."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("organised by")
    )
    level = models.CharField(_("contest level"), max_length=12, choices=ContestLevel.choices)
    title = models.CharField(_("title"), max_length=200)
    theme = models.TextField(_("contest theme"), blank=True)
    job_types = models.ManyToManyField(
        JobType, related_name="contests", verbose_name=_("job types")
    )
    starts_at = models.DateTimeField(_("contest starts"))
    ends_at = models.DateTimeField(_("contest ends"))
    venue = models.CharField(_("venue"), max_length=200)
    entry_kind = models.CharField(
        _("entry"), max_length=12, choices=EntryKind.choices, default=EntryKind.INDIVIDUAL
    )
    team_size = models.PositiveSmallIntegerField(_("team size"), default=1)
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"))
    theory_weight = models.DecimalField(
        _("theory weight"), max_digits=3, decimal_places=2, default=Decimal("0.30")
    )
    practical_weight = models.DecimalField(
        _("practical weight"), max_digits=3, decimal_places=2, default=Decimal("0.70")
    )
    closes_at = models.DateTimeField(_("registration closes"))
    prize_table = models.JSONField(default=default_prize_table)  # [{"name", "count"}]
    prize_money = models.JSONField(default=dict)  # {tier name: "yuan with two places"}
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preliminaries",
        verbose_name=_("final of the series"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ContestState.choices, default=ContestState.DRAFT
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["org", "state"], name="contest_org_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="contest_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__lte=F("starts_at")),
                name="contest_registration_closes_before_start",
            ),
            models.CheckConstraint(
                condition=Q(entry_kind="individual", team_size=1)
                | Q(entry_kind="team", team_size__gte=2),
                name="contest_team_size_fits_entry",
            ),
            models.CheckConstraint(
                condition=Q(theory_weight__gt=0, theory_weight__lt=1)
                & Q(practical_weight__gt=0, practical_weight__lt=1),
                name="contest_weights_in_0_1",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__gt=0), name="contest_time_limit_positive"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="contest_not_its_own_final"),
        ]

    def __str__(self) -> str:
        return self.title

    def prize_money_for(self, tier: str) -> Decimal:
        return Decimal(str(self.prize_money.get(tier, "0")))


class RegisteredBy(models.TextChoices):
    UNION = "union", _("Registered by the union")
    WORKER = "worker", _("Registered by the worker")


class Registration(models.Model):
    """One entry of a contest: a person, or a team (`team_name`), with the union they enter
    for. Its people are its `contestants`."""

    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("contest")
    )
    team_name = models.CharField(_("team name"), max_length=100, blank=True)
    registered_by = models.CharField(_("entered by"), max_length=8, choices=RegisteredBy.choices)
    union = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contest registration")
        verbose_name_plural = _("contest registrations")
        ordering = ["contest", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "team_name"],
                condition=~Q(team_name=""),
                name="team_name_once_per_contest",
            ),
        ]

    def __str__(self) -> str:
        return self.team_name or f"{self.contest_id}#{self.pk}"


class Contestant(models.Model):
    """A person of a registration. The contest is repeated so that the database refuses a
    person registered twice in one contest. `employer_key` is the person's employer at
    registration (Enterprise pk, as scoring's recusal compares it: R18)."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="contestants"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    employer_key = models.CharField(_("employer"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("contestant")
        verbose_name_plural = _("contestants")
        constraints = [
            models.UniqueConstraint(fields=["contest", "person"], name="person_once_per_contest"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.contest_id}"


class LotDraw(models.Model):
    """The public draw of work stations, once per contest. `stations` ({registration pk:
    station number}) follows from `seed` alone: `services.stations_from_seed` recomputes it."""

    contest = models.OneToOneField(
        Contest, on_delete=models.PROTECT, related_name="lot_draw", verbose_name=_("contest")
    )
    seed = models.CharField(_("seed"), max_length=64)
    drawn_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    stations = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("lot draw")
        verbose_name_plural = _("lot draws")

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.seed}"


class Certificate(models.Model):
    """A winner's certificate: one per contestant of a registration with a prize or a merit
    award. `code` is printed on it and in its QR code; the public verification page finds the
    certificate by it. A revoked certificate stays, saying it is revoked."""

    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("contest")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="certificates"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    title = models.CharField(_("prize awarded"), max_length=100)
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["contest", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "person"], name="certificate_once_per_contestant"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Appeal(models.Model):
    """An entrant's appeal against a score (R19): accepted until 2 hours after the contest
    ends, answered by the arbitration panel, and the answer is final."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="appeals")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="appeals")
    reason = models.TextField(_("grounds of the appeal"))
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("arbitration's answer"), blank=True)
    upheld = models.BooleanField(null=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["registration"], name="one_appeal_per_entry"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(upheld__isnull=False),
                name="answered_appeal_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.registration_id}"
