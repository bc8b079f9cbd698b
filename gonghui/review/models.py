"""Cases that climb a chain, and their append-only trail."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import AppendOnlyModel, Org, User


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under review")
    SENT_BACK = "sent_back", _("Sent back")
    APPROVED = "approved", _("Approved, awaiting public notice")
    UNDER_NOTICE = "under_notice", _("Under public notice")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


OPEN_STATES = (CaseState.DRAFT, CaseState.UNDER_REVIEW, CaseState.SENT_BACK)


class ReviewCase(models.Model):
    """One thing a program approves (an aid application, a nomination…), wherever it is on
    its chain. `reviewing_org` is the org whose decision it waits for now."""

    program = models.CharField(_("program"), max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    opener = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    beneficiary = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chain = models.JSONField(default=list)  # the program's levels when the case was opened
    level_index = models.PositiveSmallIntegerField(default=0)
    reviewing_org = models.ForeignKey(
        Org, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due = models.DateField(_("decide by"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CaseState.choices, default=CaseState.DRAFT
    )
    reason = models.TextField(_("reason the applicant sees"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review case")
        verbose_name_plural = _("review cases")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "content_type", "object_id"],
                name="one_case_per_subject_and_program",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewing_org", "state", "due"], name="case_waiting"),
            models.Index(fields=["org", "program", "state"], name="case_org_program"),
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.TextChoices):
    OPEN = "open", _("Opened")
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    SEND_BACK = "send_back", _("Sent back")
    NOTICE = "notice", _("Put under public notice")
    CONFIRM = "confirm", _("Confirmed after public notice")


class ReviewStep(AppendOnlyModel):
    """One decision on a case (R7): who, when, at which level, what and why. Append-only."""

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="steps")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=12, choices=Decision.choices)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.decision} @ {self.level}"


class NoticeState(models.TextChoices):
    OPEN = "open", _("Open for objections")
    CLOSED = "closed", _("Closed")


class Notice(models.Model):
    """A public notice (公示) of approved cases or other subjects (R6): anyone may object until
    it ends; its entries are confirmed only after the period, with every objection answered."""

    program = models.CharField(_("program"), max_length=64)
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    calendar_estimated = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=NoticeState.choices, default=NoticeState.OPEN)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class NoticeEntry(models.Model):
    """One line of a notice, as the public sees it: masked, never an ID number. It stands for
    either an approved case or, for a program whose decisions are not review cases (an
    appraisal's ranking), any other subject; the program is told when the entry is confirmed
    or withdrawn (ReviewProgram.on_notice_entry)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey(
        ReviewCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_entries",
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True, default="")
    subject = GenericForeignKey("subject_type", "subject_id")
    public_label = models.CharField(_("shown as"), max_length=200)
    withdrawn = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("notice entry")
        verbose_name_plural = _("notice entries")
        constraints = [
            models.UniqueConstraint(fields=["notice", "case"], name="case_once_per_notice"),
            models.UniqueConstraint(
                fields=["notice", "subject_type", "subject_id"],
                condition=Q(subject_type__isnull=False),
                name="subject_once_per_notice",
            ),
            models.CheckConstraint(  # a case or a subject, never both, never neither
                condition=(
                    Q(case__isnull=False, subject_type__isnull=True, subject_id="")
                    | (Q(case__isnull=True, subject_type__isnull=False) & ~Q(subject_id=""))
                ),
                name="entry_is_a_case_or_a_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.public_label


class Objection(models.Model):
    """An objection from the public (R6): a reason is required, and staff answer each one."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    entry = models.ForeignKey(
        NoticeEntry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("about"),
    )
    reason = models.TextField(_("reason"))
    contact = models.CharField(_("contact (optional)"), max_length=100, blank=True)
    attachment = models.FileField(_("attachment"), upload_to="objections/%Y/%m/", blank=True)
    source_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    sustained = models.BooleanField(null=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.reason[:40]
