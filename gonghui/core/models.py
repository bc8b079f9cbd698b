"""What every domain stands on: people who log in, the org tree that scopes them, their roles,
the append-only audit log, the official working-day calendar and API tokens."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.permissions import ROLES
from gonghui.core.personal_data import EncryptedTextField


class User(AbstractUser):
    """A person who logs in. Their personal record (ID number, employer) lives in `orgs`."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # Where the SMS and WeChat notification channels reach the person, when a deployment
    # configures them (gonghui/core/notify_channels.py); empty means in-app only.
    mobile = models.CharField(_("mobile for notifications"), max_length=20, blank=True)
    wechat_openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class OrgKind(models.TextChoices):
    CITY_FEDERATION = "city", _("City federation of trade unions")
    DISTRICT_FEDERATION = "district", _("District or county federation")
    STREET_FEDERATION = "street", _("Street or town federation")
    INDUSTRY_FEDERATION = "industry", _("Industry federation")
    GRASSROOTS_UNION = "grassroots", _("Grassroots union")
    JOINT_UNION = "joint", _("Joint union")


class Org(models.Model):
    """A node of the union tree (R1). `path` is a materialised path ("/1/4/17/") so that a
    subtree is one indexed prefix query on SQLite and PostgreSQL alike."""

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(_("level"), editable=False)
    path = models.CharField(max_length=255, editable=False, db_index=True)
    chair_name = models.CharField(_("chair"), max_length=60, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    join_decision_days = models.PositiveSmallIntegerField(
        _("working days to decide a join application"), default=3
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


class RoleAssignment(models.Model):
    """A role held at an org; its permissions apply to that org's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(
        _("role"), max_length=32, choices=[(code, spec.label) for code, spec in ROLES.items()]
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="role_assignments")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="role_once_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.org}"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")


class AppendOnlyModel(models.Model):
    """The one mechanism for records that are written once and kept (the audit log, review
    trails): the model and its queryset refuse changes, and the table's database triggers
    (core.appendonly, added by a migration) refuse them below the ORM."""

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs types as_manager() as a plain Manager

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


class AuditEntry(AppendOnlyModel):
    """One recorded action. Written only by `core.services.audit_record`; never changed or
    deleted (the model refuses and, below it, a database trigger refuses)."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    org = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["org", "-at"], name="audit_org_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class CalendarYear(models.Model):
    """A year whose official holiday arrangement a federation admin has entered. Years with
    no row fall back to chinese-calendar's data, then to weekends only (with a warning)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    source_note = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the weekend rule in an entered year: a public holiday on a weekday
    (`is_workday=False`) or an adjusted working weekend (`is_workday=True`)."""

    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ApiToken(models.Model):
    """A bearer token for mobile clients. Only its keyed hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="token_revoked_after_created",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


class ProgressState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


class TaskProgress(models.Model):
    """How far a piece of long work (an import, an export, a bulk approval) has got, for the
    live progress bar its page shows. The task updates it; its owner watches it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    label = models.CharField(_("work"), max_length=120)
    state = models.CharField(
        _("state"), max_length=10, choices=ProgressState.choices, default=ProgressState.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")) | Q(total=0), name="progress_done_le_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.state == ProgressState.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in {ProgressState.SUCCEEDED, ProgressState.FAILED}


class Notification(models.Model):
    """A message to a person, kept in an outbox and delivered by the configured channels
    (settings.NOTIFY_BACKENDS): in-app always; console, SMS or WeChat as a deployment wires."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_error = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject


class SmsMessage(models.Model):
    """A text to a phone number that is no user's (a voter's verification code): kept in
    this outbox and handed to settings.SMS_SENDER after commit (`core.sms`)."""

    phone = EncryptedTextField(_("phone"))
    phone_key = models.CharField(max_length=64, db_index=True)
    text = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.phone_key[:8]} @ {self.created_at:%Y-%m-%d %H:%M}"
