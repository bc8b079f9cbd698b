"""Pairing agreements (结对共建), five-small results (五小, R14) with their rounds, patents and
attachments, and the exhibition (百项创新成果展) with its visit slots and unit bookings."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org, User
from gonghui.orgs.models import Enterprise, Person

__all__ = [
    "ActivityKind",
    "Exhibition",
    "ExhibitionItem",
    "FiveSmallAttachment",
    "FiveSmallKind",
    "FiveSmallResult",
    "FiveSmallRound",
    "OutcomeKind",
    "PairingActivity",
    "PairingAgreement",
    "PairingOutcome",
    "PairingPlanItem",
    "Patent",
    "PatentKind",
    "RoundState",
    "VisitBooking",
    "VisitSlot",
]


# --- Pairing agreements -------------------------------------------------------------------------


class PairingAgreement(models.Model):
    """A state-owned and a private enterprise's unions pairing up, recorded by the federation
    above both (`org`). Each side is named by its enterprise, whose `ownership` says its kind."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    state_enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("state-owned enterprise"),
    )
    state_union = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    private_enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("private enterprise")
    )
    private_union = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("signed on"))
    areas = models.TextField(_("areas of co-operation"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pairing agreement")
        verbose_name_plural = _("pairing agreements")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["state_enterprise", "private_enterprise"], name="pairing_once_per_couple"
            ),
            models.CheckConstraint(
                condition=~Q(state_enterprise=F("private_enterprise")),
                name="pairing_two_enterprises",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state_enterprise} × {self.private_enterprise}"


class PairingPlanItem(models.Model):
    agreement = models.ForeignKey(
        PairingAgreement, on_delete=models.CASCADE, related_name="plan_items"
    )
    text = models.CharField(_("plan item"), max_length=200)
    owner = models.CharField(_("owner"), max_length=60)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="plan_item_done_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ActivityKind(models.TextChoices):
    LABOUR_COMPETITION = "competition", _("Labour competition")
    PROPOSAL_DRIVE = "proposals", _("Proposal drive")
    STUDIO_BUILDING = "studio", _("Studio building")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class PairingActivity(models.Model):
    agreement = models.ForeignKey(
        PairingAgreement, on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    held_on = models.DateField(_("held on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class OutcomeKind(models.TextChoices):
    PRIVATE_STUDIO = "private_studio", _("Private-firm studio fostered")
    EMERGING_STUDIO = "emerging_studio", _("Strategic-emerging-industry studio fostered")
    PLATFORM = "platform", _("Platform built")
    FIRM_HELPED = "firm_helped", _("Private firm helped")
    OTHER = "other", _("Other")


class PairingOutcome(models.Model):
    agreement = models.ForeignKey(
        PairingAgreement, on_delete=models.CASCADE, related_name="outcomes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OutcomeKind.choices)
    count = models.PositiveIntegerField(_("count"), default=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pairing outcome")
        verbose_name_plural = _("pairing outcomes")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="outcome_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.count}"


# --- Five-small results (R14) -------------------------------------------------------------------


class FiveSmallKind(models.TextChoices):
    INVENTION = "invention", _("Small invention")
    CREATION = "creation", _("Small creation")
    IMPROVEMENT = "improvement", _("Small improvement")
    DESIGN = "design", _("Small design")
    SUGGESTION = "suggestion", _("Small suggestion")


class RoundState(models.TextChoices):
    OPEN = "open", _("Taking results")
    JUDGING = "judging", _("Being judged")
    AWARDED = "awarded", _("Awards published")


class FiveSmallRound(models.Model):
    """A federation's five-small contest of one year: results are submitted to it, judged by
    a `scoring` panel with R14's rubric, and awarded from the panel's ranking."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("organised by")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    prize_table = models.JSONField(default=list)  # [{"name": "first", "count": 3}, …]
    merit_limit = models.PositiveIntegerField(_("at most this many merit awards"), null=True)
    state = models.CharField(
        _("state"), max_length=8, choices=RoundState.choices, default=RoundState.OPEN
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("five-small round")
        verbose_name_plural = _("five-small rounds")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="five_small_round_once_a_year"),
            models.CheckConstraint(
                condition=~Q(state="awarded") | Q(awarded_at__isnull=False),
                name="five_small_round_awarded_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FiveSmallResult(models.Model):
    """One result entered in a round, by a worker or by their union for them (R14: it must
    already be in use; a result that won in an earlier year is refused). The unit union's
    authenticity pledge (who, when) is needed before it is judged."""

    round = models.ForeignKey(
        FiveSmallRound, on_delete=models.PROTECT, related_name="results", verbose_name=_("round")
    )
    unit = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit union")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FiveSmallKind.choices)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem solved"))
    solution = models.TextField(_("solution"))
    in_use_at = models.CharField(_("where it is in use"), max_length=200)
    in_use_since = models.DateField(_("in use since"))
    benefit_yuan = models.DecimalField(
        _("benefit claimed (yuan a year)"), default=Decimal(0), max_digits=14, decimal_places=2
    )
    benefit_text = models.TextField(_("benefit described"), blank=True)
    authors = models.ManyToManyField(Person, related_name="+", verbose_name=_("authors"))
    resubmission_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resubmission of"),
    )
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    pledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pledged_at = models.DateTimeField(_("pledged at"), null=True, blank=True)
    award = models.CharField(_("prize won"), max_length=32, blank=True)
    value_created = models.DecimalField(
        _("value created (yuan)"), null=True, blank=True, max_digits=14, decimal_places=2
    )

    class Meta:
        verbose_name = _("five-small result")
        verbose_name_plural = _("five-small results")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["round", "kind"], name="five_small_round_kind")]
        constraints = [
            models.CheckConstraint(condition=~Q(in_use_at=""), name="five_small_in_use_r14"),
            models.CheckConstraint(
                condition=Q(benefit_yuan__gte=0), name="five_small_benefit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(value_created__isnull=True) | Q(value_created__gte=0),
                name="five_small_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(pledged_by__isnull=True, pledged_at__isnull=True)
                | Q(pledged_by__isnull=False, pledged_at__isnull=False),
                name="five_small_pledge_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def pledged(self) -> bool:
        return self.pledged_at is not None


class FiveSmallAttachment(models.Model):
    result = models.ForeignKey(
        FiveSmallResult, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="five_small/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_kind = models.CharField(max_length=8)  # pdf, png or jpeg, as core.uploads read it
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class PatentKind(models.TextChoices):
    INVENTION = "invention", _("Invention patent")
    UTILITY = "utility", _("Utility model")
    DESIGN = "design", _("Design patent")


class Patent(models.Model):
    result = models.ForeignKey(FiveSmallResult, on_delete=models.CASCADE, related_name="patents")
    number = models.CharField(_("patent number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=PatentKind.choices)
    granted_on = models.DateField(_("granted on"))

    class Meta:
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        ordering = ["granted_on", "pk"]

    def __str__(self) -> str:
        return self.number


# --- The exhibition ------------------------------------------------------------------------------


class Exhibition(models.Model):
    """An exhibition of results (at most 100), visited by units in booked batches."""

    MAX_RESULTS = 100

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("organised by")
    )
    title = models.CharField(_("title"), max_length=200)
    venue = models.CharField(_("exhibition venue"), max_length=200)
    starts_on = models.DateField(_("opens on"))
    ends_on = models.DateField(_("closes on"))
    capacity = models.PositiveIntegerField(_("visitors per batch"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="exhibition_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="exhibition_capacity_1"),
        ]

    def __str__(self) -> str:
        return self.title


class ExhibitionItem(models.Model):
    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="items")
    result = models.ForeignKey(FiveSmallResult, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("exhibit number"))

    class Meta:
        verbose_name = _("exhibited result")
        verbose_name_plural = _("exhibited results")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["exhibition", "result"], name="exhibit_result_once"),
            models.UniqueConstraint(
                fields=["exhibition", "position"], name="exhibit_position_once"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=100), name="exhibit_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exhibition_id} #{self.position}"


class VisitSlot(models.Model):
    """A visiting batch of the exhibition at a time; `booked` counts the visitors booked so
    far and the database refuses it above the capacity."""

    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("batch starts at"))
    capacity = models.PositiveIntegerField(_("visitors per batch"))
    booked = models.PositiveIntegerField(_("visitors booked"), default=0)

    class Meta:
        verbose_name = _("visit batch")
        verbose_name_plural = _("visit batches")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exhibition", "starts_at"], name="slot_once_a_time"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exhibition_id} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class VisitBooking(models.Model):
    slot = models.ForeignKey(VisitSlot, on_delete=models.CASCADE, related_name="bookings")
    unit = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    visitors = models.PositiveIntegerField(_("visitors"))
    booked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("visit booking")
        verbose_name_plural = _("visit bookings")
        ordering = ["slot", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "unit"], name="booking_once_per_unit"),
            models.CheckConstraint(condition=Q(visitors__gte=1), name="booking_visitors_1"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} × {self.visitors}"
