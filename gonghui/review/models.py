"""Cases that climb a chain, and their append-only trail."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import AppendOnlyError, Org, User


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under review")
    SENT_BACK = "sent_back", _("Sent back")
    APPROVED = "approved", _("Approved, awaiting public notice")
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


class ReviewStep(models.Model):
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Review steps are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Review steps are append-only.")
