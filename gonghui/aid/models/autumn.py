"""Golden-autumn student aid (金秋助学): campaigns with a budget and a tier table (R10),
applications that climb the review chain, awards within the budget (R12), payment batches
and their corrections, donors with their pairings and offers. An application's approval
state is its review case's: this app writes none of its own."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import AppendOnlyModel, Org, User
from gonghui.core.personal_data import EncryptedTextField
from gonghui.review.models import ReviewCase

from .hardship import HardshipFile


class SchoolStage(models.TextChoices):
    SPECIAL = "special", _("Special education")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary or secondary vocational")
    HIGHER_VOCATIONAL = "higher_voc", _("Higher vocational college")
    UNDERGRADUATE = "undergrad", _("Undergraduate")


class SchoolType(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary school or university")
    MILITARY = "military", _("Military academy")
    FREE_TEACHER = "free_teacher", _("Free teacher-training programme")
    DIRECTED = "directed", _("Directed (定向) programme")
    SINO_FOREIGN = "sino_foreign", _("Sino-foreign programme")
    HIGH_FEE_PRIVATE = "high_fee", _("High-fee private school")
    OVERSEAS = "overseas", _("Self-funded study abroad")


# R11 (and R9's high-fee and overseas schooling): these are never aided.
EXCLUDED_SCHOOL_TYPES = frozenset(set(SchoolType) - {SchoolType.ORDINARY})


class Campaign(models.Model):
    """One year's golden-autumn campaign of a federation."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2)
    opens_on = models.DateField(_("applications open"))
    closes_on = models.DateField(_("applications close"))
    other_schemes = models.TextField(
        _("other aid schemes that exclude a student"),
        blank=True,
        help_text=_("One per line; a student already aided by one of them is not aided again."),
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("golden-autumn campaign")
        verbose_name_plural = _("golden-autumn campaigns")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="campaign_budget_positive"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_window_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def scheme_list(self) -> list[str]:
        return [line.strip() for line in self.other_schemes.splitlines() if line.strip()]


class DistrictBudget(models.Model):
    """An optional cap on what one district's applications may commit (R12)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="districts")
    district = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("district or county")
    )
    amount = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("district budget")
        verbose_name_plural = _("district budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "district"], name="one_budget_per_campaign_district"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="district_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.district}"


class Tier(models.Model):
    """A row of the tier table (R10): the award for a stage, on file or not."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tiers")
    stage = models.CharField(_("school stage"), max_length=10, choices=SchoolStage.choices)
    on_file = models.BooleanField(_("family on file"))
    amount = models.DecimalField(_("award (yuan)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "stage", "on_file"], name="one_tier_per_stage_and_file"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tier_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.amount}"


class Application(models.Model):
    """A worker's application for a child, made by the worker or by the union on their
    behalf. `live` is false once it can no longer lead to an award (rejected or withdrawn):
    the database lets a student have one live application a year, across the city (R11)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications")
    year = models.PositiveSmallIntegerField(_("year"))
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )
    district = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("district or county")
    )
    worker_name = models.CharField(_("worker"), max_length=40)
    worker_hash = models.CharField(max_length=64, editable=False, db_index=True)
    worker_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=20)
    student_name = models.CharField(_("student"), max_length=40)
    student_id_number = EncryptedTextField(_("student's resident ID number"))
    student_hash = models.CharField(max_length=64, editable=False)
    stage = models.CharField(_("school stage"), max_length=10, choices=SchoolStage.choices)
    school = models.CharField(_("school"), max_length=80)
    school_type = models.CharField(
        _("kind of school or programme"), max_length=12, choices=SchoolType.choices
    )
    other_scheme = models.CharField(
        _("already aided by"), max_length=80, blank=True, help_text=_("Leave empty if none.")
    )
    hardship_file = models.ForeignKey(
        HardshipFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account_holder = models.CharField(_("account holder"), max_length=40)
    bank = models.CharField(_("bank"), max_length=60)
    account_number = EncryptedTextField(_("account number"))
    by_union = models.BooleanField(_("entered by the union"), default=False)
    case = models.OneToOneField(
        ReviewCase, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    live = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("golden-autumn application")
        verbose_name_plural = _("golden-autumn applications")
        indexes = [models.Index(fields=["campaign", "district"], name="application_district")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "student_hash"],
                condition=Q(live=True),
                name="one_live_application_per_student_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.student_name}"

    @property
    def on_file(self) -> bool:
        return self.hardship_file_id is not None


class DocumentKind(models.TextChoices):
    ADMISSION = "admission", _("Admission letter or proof of enrolment")
    FEES = "fees", _("Fee statement")
    INCOME = "income", _("Income or hardship proof")


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(upload_to="aid/%Y/%m/")
    content_kind = models.CharField(max_length=8)  # pdf, png or jpeg, as its bytes say
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_document_per_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PaymentBatch(models.Model):
    """Confirmed awards sent to the bank together: the bank file is made from it, and an
    award is in one batch at most (R12: paid once)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="batches")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("batch"), max_length=24, unique=True)
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    count = models.PositiveIntegerField(_("awards"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bank_reference = models.CharField(_("bank's reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class AwardQuerySet(models.QuerySet["Award"]):
    def net(self) -> Decimal:
        """The awards' total less what was reversed of them: what they really give."""
        gross = self.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        back = AwardReversal.objects.filter(award__in=self).aggregate(total=Sum("amount"))
        return (gross - (back["total"] or Decimal(0))).quantize(Decimal("0.01"))


class Award(models.Model):
    """What the top level's approval commits: the tier amount at approval (R10), within the
    budget (R12). One uncancelled award per student per year, by the database (R11). An
    award is cancelled if its case goes back before payment; once paid it is never edited,
    only reversed."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="awards")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="awards")
    year = models.PositiveSmallIntegerField()
    district = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    student_hash = models.CharField(max_length=64)
    stage = models.CharField(max_length=10, choices=SchoolStage.choices)
    on_file = models.BooleanField()
    amount = models.DecimalField(_("award (yuan)"), max_digits=10, decimal_places=2)
    approved_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        indexes = [models.Index(fields=["campaign", "cancelled_at"], name="award_campaign_live")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "student_hash"],
                condition=Q(cancelled_at__isnull=True),
                name="one_award_per_student_year",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | Q(batch__isnull=True),
                name="paid_award_never_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.amount}"


class AwardReversal(AppendOnlyModel):
    """The recorded correction of a paid award (R12): the award stays as it was paid."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="reversal")
    amount = models.DecimalField(_("amount reversed (yuan)"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reversal")
        verbose_name_plural = _("reversals")

    def __str__(self) -> str:
        return f"{self.award_id} −{self.amount}"


class DonorKind(models.TextChoices):
    FIRM = "firm", _("Firm")
    PERSON = "person", _("Person")
    MODEL_WORKER = "model_worker", _("Model worker")


class Donor(models.Model):
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=DonorKind.choices)
    contact = models.CharField(_("contact"), max_length=80, blank=True)
    pledged = models.DecimalField(_("pledged (yuan)"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pairing(models.Model):
    """A donor's one-to-one pairing (结对) with an aided student: one donor per student."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pairings")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="pairing"
    )
    yearly = models.DecimalField(
        _("support a year (yuan)"), max_digits=10, decimal_places=2, default=0
    )
    started_on = models.DateField(_("from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")

    def __str__(self) -> str:
        return f"{self.donor} → {self.application_id}"


class OfferKind(models.TextChoices):
    JOB = "job", _("Part-time job")
    INTERNSHIP = "internship", _("Internship")


class Offer(models.Model):
    """A part-time job or internship a donor offers to aided students."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="offers")
    kind = models.CharField(_("kind"), max_length=12, choices=OfferKind.choices)
    title = models.CharField(_("title"), max_length=80)
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    location = models.CharField(_("where"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("still taking students"), default=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.title
