"""Hardship files (困难职工档案): one per household (R8), with a computed category (R9)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org, User
from gonghui.core.personal_data import EncryptedTextField


class LivingLine(models.Model):
    """The local minimum-living line (低保标准) of a district or county for a year, per person
    per month. Categories are computed against it (R9)."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("district or county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    monthly = models.DecimalField(
        _("minimum-living line (yuan per person per month)"), max_digits=8, decimal_places=2
    )

    class Meta:
        verbose_name = _("minimum-living line")
        verbose_name_plural = _("minimum-living lines")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_living_line_per_place_year"),
            models.CheckConstraint(condition=Q(monthly__gt=0), name="living_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year}: {self.monthly}"


class HardshipCategory(models.TextChoices):
    DEEP = "deep", _("Deep hardship")
    RELATIVE = "relative", _("Relative hardship")
    ACCIDENT = "accident", _("Hardship from an accident")


class CloseReason(models.TextChoices):
    LEFT_HARDSHIP = "left", _("Left hardship")
    RECHECK = "recheck", _("No longer qualifies at re-check")
    RETIRED = "retired", _("Retired")
    MOVED = "moved", _("Moved away")
    DIED = "died", _("Died")
    OTHER = "other", _("Other")


class HardshipFile(models.Model):
    """A household's file, opened by the union where the worker is (R8). The category and
    the income per head are computed by the service from the figures here (R9)."""

    number = models.CharField(_("file number"), max_length=24, unique=True)
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    district = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("district or county")
    )
    annual_income = models.DecimalField(
        _("household income (yuan a year)"), max_digits=12, decimal_places=2
    )
    spending_illness = models.DecimalField(
        _("spending on illness (yuan a year)"), max_digits=12, decimal_places=2, default=0
    )
    spending_disability = models.DecimalField(
        _("spending on disability (yuan a year)"), max_digits=12, decimal_places=2, default=0
    )
    spending_schooling = models.DecimalField(
        _("spending on schooling (yuan a year)"), max_digits=12, decimal_places=2, default=0
    )
    homes_owned = models.PositiveSmallIntegerField(_("homes owned"), default=0)
    employs_others = models.BooleanField(_("runs a business that employs others"), default=False)
    high_fee_schooling = models.BooleanField(
        _("a child in high-fee private or self-funded overseas schooling"), default=False
    )
    accident = models.BooleanField(_("hit by an accident or sudden major illness"), default=False)
    housing = models.CharField(_("housing"), max_length=40, blank=True)
    causes = models.CharField(_("causes of hardship"), max_length=200, blank=True)
    per_head = models.DecimalField(
        _("income per head after rigid spending (yuan a month)"), max_digits=12, decimal_places=2
    )
    category = models.CharField(
        _("category"), max_length=10, choices=HardshipCategory.choices, db_index=True
    )
    is_open = models.BooleanField(_("file open"), default=True, db_index=True)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    last_checked = models.DateField(_("last re-checked"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed because"), max_length=10, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("note on closing"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        indexes = [models.Index(fields=["org", "is_open"], name="hardship_org_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_open=True) | ~Q(close_reason=""), name="closed_file_has_reason"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def rigid_spending(self) -> Decimal:
        return self.spending_illness + self.spending_disability + self.spending_schooling


class Relation(models.TextChoices):
    SELF = "self", _("The worker")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other relative")


class HouseholdMember(models.Model):
    """A person of a household on file. `file_open` mirrors the file's state so that the
    database itself refuses a person on two open files (R8)."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=40)
    relation = models.CharField(_("relation"), max_length=8, choices=Relation.choices)
    id_number = EncryptedTextField(_("resident ID number"))
    id_hash = models.CharField(max_length=64, editable=False, db_index=True)
    health = models.CharField(_("health"), max_length=40, blank=True)
    income = models.DecimalField(
        _("income (yuan a year)"), max_digits=12, decimal_places=2, default=0
    )
    occupation = models.CharField(_("school or employer"), max_length=80, blank=True)
    file_open = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=Q(file_open=True), name="one_open_file_per_person"
            ),
            models.UniqueConstraint(
                fields=["file"], condition=Q(relation="self"), name="one_worker_per_file"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HardshipCheck(models.Model):
    """The yearly re-check of a file, with what it found."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="checks")
    year = models.PositiveSmallIntegerField(_("year"))
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(
        _("category found"), max_length=10, choices=HardshipCategory.choices, blank=True
    )
    still_qualifies = models.BooleanField(_("still qualifies"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.file} {self.year}"


class SpotCheck(models.Model):
    """A file drawn at random for the year's spot check (at least 30% of open files)."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="spot_checks")
    year = models.PositiveSmallIntegerField(_("year"))
    drawn_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    drawn_in = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        constraints = [
            models.UniqueConstraint(fields=["file", "year"], name="one_spot_check_per_file_year")
        ]

    def __str__(self) -> str:
        return f"{self.file} {self.year}"
