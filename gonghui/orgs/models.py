"""Enterprises, people and memberships (会籍). The tree's nodes are `core.Org`."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import AppendOnlyModel, Org, User
from gonghui.core.personal_data import EncryptedTextField


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-invested")
    INSTITUTION = "institution", _("Public institution")
    GOVERNMENT = "government", _("Government body")


class EnterpriseSize(models.TextChoices):
    MICRO = "micro", _("Micro (under 10)")
    SMALL = "small", _("Small (10–99)")
    MEDIUM = "medium", _("Medium (100–999)")
    LARGE = "large", _("Large (1,000 and more)")


class Enterprise(models.Model):
    """An employer, and the grassroots union its workers belong to."""

    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    ownership = models.CharField(_("ownership"), max_length=12, choices=Ownership.choices)
    industry = models.CharField(_("industry"), max_length=40, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=EnterpriseSize.choices, blank=True)
    union = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("union")
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["union", "name"], name="enterprise_union_name")]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school or less")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary or vocational")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("Masses")
    LEAGUE = "league", _("Communist Youth League member")
    PARTY = "party", _("Communist Party member")
    OTHER_PARTY = "other_party", _("Member of another party")


class NewEmploymentForm(models.TextChoices):
    NONE = "", _("No")
    COURIER = "courier", _("Courier")
    RIDER = "rider", _("Food-delivery rider")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    TRUCK = "truck", _("Truck driver")


class Person(models.Model):
    """A worker, keyed by resident ID number (R2, R4): stored encrypted, found by keyed hash."""

    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number = EncryptedTextField(_("resident ID number"))
    name = models.CharField(_("name"), max_length=40)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone = EncryptedTextField(_("phone"), blank=True)
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, blank=True
    )
    skill_grade = models.PositiveSmallIntegerField(
        _("skill grade"),
        null=True,
        blank=True,
        help_text=_("职业技能等级: 5 is the entry grade, 1 the highest (senior technician)."),
    )
    political_status = models.CharField(
        _("political status"), max_length=12, choices=PoliticalStatus.choices, blank=True
    )
    employer = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("employer"),
    )
    employer_name = models.CharField(
        _("employer as written"),
        max_length=120,
        blank=True,
        help_text=_("Kept when the employer is not a registered enterprise."),
    )
    job_type = models.CharField(_("job"), max_length=40, blank=True)
    new_employment_form = models.CharField(
        _("new employment form"), max_length=12, choices=NewEmploymentForm.choices, blank=True
    )
    platform = models.CharField(_("platform"), max_length=40, blank=True)
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # Name search is a prefix search (张伟…); on PostgreSQL a LIKE 'x%' needs the
            # pattern operator class to use an index (other databases ignore opclasses).
            models.Index(
                fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(skill_grade__isnull=True) | Q(skill_grade__gte=1, skill_grade__lte=5),
                name="person_skill_grade_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MembershipState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Active")
    RETAINED = "retained", _("Retained")
    TRANSFERRED = "transferred", _("Transferred out")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPELLED = "expelled", _("Expelled")
    REFUSED = "refused", _("Application refused")


# A person holds at most one of these at a time (R2); the database guarantees it.
CURRENT_STATES = (MembershipState.ACTIVE, MembershipState.RETAINED)
FINAL_STATES = (
    MembershipState.TRANSFERRED,
    MembershipState.WITHDRAWN,
    MembershipState.EXPELLED,
    MembershipState.REFUSED,
)


class Membership(models.Model):
    """One stretch of membership (会籍) in one union, or an application for one (R2, R3).
    The org comes first in the indexes: per-union lists are the hot path, and it is the key a
    distributed PostgreSQL would shard on."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("union")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    state = models.CharField(_("state"), max_length=12, choices=MembershipState.choices)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    decide_by = models.DateField(_("decide by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(_("joined on"), null=True, blank=True)
    end_date = models.DateField(_("ended on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=CURRENT_STATES),
                name="one_current_membership_per_person",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state=MembershipState.APPLIED),
                name="one_open_application_per_person",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=CURRENT_STATES)
                | Q(start_date__isnull=False, end_date__isnull=True),
                name="current_membership_has_start_no_end",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "state"], name="membership_org_state"),
            models.Index(fields=["person", "state"], name="membership_person_state"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.org} ({self.get_state_display()})"

    @property
    def overdue(self) -> bool:
        return (
            self.state == MembershipState.APPLIED
            and self.decide_by is not None
            and self.decide_by < timezone.localdate()
        )

    @property
    def days(self) -> dt.timedelta | None:
        if self.start_date is None:
            return None
        return (self.end_date or timezone.localdate()) - self.start_date


class MembershipCount(models.Model):
    """How many memberships each union has in each state, kept by database triggers on
    orgs_membership (migration 0002), so totals of a district or the city are a sum over a few
    hundred rows instead of a count over a million."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12, choices=MembershipState.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("membership count")
        verbose_name_plural = _("membership counts")
        constraints = [
            models.UniqueConstraint(fields=["org", "state"], name="one_count_per_org_state")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.state} {self.n}"


class RosterMapping(models.Model):
    """How one union's roster layout maps its column headers to our fields, remembered."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, related_name="roster_mapping")
    headers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("roster column mapping")
        verbose_name_plural = _("roster column mappings")

    def __str__(self) -> str:
        return f"{self.org} mapping"


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("All or nothing: import only if every row is valid")
    VALID_ONLY = "valid", _("Valid rows only: skip the rows with errors")


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: map the columns")
    CHECKING = "checking", _("Checking rows")
    CHECKED = "checked", _("Checked: choose how to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    NOTHING = "nothing", _("Nothing imported")
    FAILED = "failed", _("Failed")


class RosterImport(models.Model):
    """One uploaded roster on its way in: mapping, check, choice, import (all in one go)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="roster_imports")
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="roster-imports/%Y/%m/")
    file_name = models.CharField(_("file"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    header_row = models.PositiveIntegerField(default=0)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    mode = models.CharField(_("mode"), max_length=6, choices=ImportMode.choices, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    valid_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    progress = models.ForeignKey(
        "core.TaskProgress", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def error_rows(self) -> int:
        return len({error[0] for error in self.errors})


# 职业技能等级 as `Person.skill_grade` stores them: 5 is the entry grade, 1 the highest.
SKILL_GRADE_NAMES = {
    5: _("Entry-level worker"),
    4: _("Intermediate worker"),
    3: _("Senior worker"),
    2: _("Technician"),
    1: _("Senior technician"),
}


class SkillGradeSource(models.TextChoices):
    COMPETITION = "competition", _("Labour and skills contest")


class SkillGradeChange(AppendOnlyModel):
    """One promotion of a person's skill grade (R19), the last rung of the five-in-one ladder
    (training → practice → competition → award → promotion). Written only by
    `services.skill_grade_promote`; append-only. `source_ref` names what earned it
    ("contest:12"), and the same source promotes a person at most once."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="skill_grade_changes",
        verbose_name=_("person"),
    )
    from_grade = models.PositiveSmallIntegerField(_("from grade"))
    to_grade = models.PositiveSmallIntegerField(_("to grade"))
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=SkillGradeSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=64)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("skill grade change")
        verbose_name_plural = _("skill grade changes")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source_ref"], name="skill_grade_change_once_per_source"
            ),
            models.CheckConstraint(
                condition=Q(from_grade__lte=5, to_grade__gte=1)
                & Q(to_grade=models.F("from_grade") - 1),
                name="skill_grade_change_one_grade_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_grade} → {self.to_grade} ({self.source_ref})"

    @property
    def from_name(self) -> str:
        return str(SKILL_GRADE_NAMES.get(self.from_grade, self.from_grade))

    @property
    def to_name(self) -> str:
        return str(SKILL_GRADE_NAMES.get(self.to_grade, self.to_grade))
