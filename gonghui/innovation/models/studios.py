"""Studios (R15) and the alliance: its members, advisors, volunteer squads and service
requests. A studio's naming is a `review` case; its annual review a `scoring` panel."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.models import Org, User
from gonghui.orgs.models import Person
from gonghui.review.models import ReviewCase

__all__ = [
    "Advisor",
    "AdvisorField",
    "Alliance",
    "AllianceMember",
    "AllianceTier",
    "MemberState",
    "ProjectKind",
    "RequestKind",
    "RequestState",
    "ReviewOutcome",
    "ReviewRound",
    "ServiceRequest",
    "Squad",
    "Studio",
    "StudioField",
    "StudioLevel",
    "StudioMember",
    "StudioProject",
    "StudioReview",
    "StudioState",
    "Subsidy",
    "SubsidyKind",
    "SubsidyRate",
    "Title",
    "TitleKind",
    "TitleLevel",
]


# --- Titles (kept here until the honours app exists; named so that it can move there) ------


class TitleKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker")
    MAY_DAY_MEDAL = "may_day_medal", _("May-Day labour medal")
    CRAFTSMAN = "craftsman", _("Craftsman")


class TitleLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District or county")


class Title(models.Model):
    """An honour a person holds (劳动模范, 五一劳动奖章, 工匠): what R15 checks a studio leader
    against. `org` is the union that recorded it."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="titles", verbose_name=_("person")
    )
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    kind = models.CharField(_("honour"), max_length=16, choices=TitleKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=TitleLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("honour title")
        verbose_name_plural = _("honour titles")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "level", "year"], name="title_once_per_person_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1950, year__lte=2100), name="title_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()}{self.get_kind_display()}"


# --- Studios ----------------------------------------------------------------------------------


class StudioLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    ENTERPRISE = "enterprise", _("Enterprise")


class StudioField(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    ENERGY = "energy", _("Energy")
    IT = "it", _("Information technology")
    HEALTH = "health", pgettext_lazy("studio field", "Health")
    CONSTRUCTION = "construction", _("Construction")
    TRANSPORT = "transport", _("Transport and logistics")
    AGRICULTURE = "agriculture", _("Agriculture")
    SERVICES = "services", _("Services")


class StudioState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    NAMED = "named", _("Named")
    NOT_NAMED = "not_named", _("Not named")
    DELISTED = "delisted", _("De-listed")


class Studio(models.Model):
    """A model-worker and craftsman innovation studio (劳模工匠创新工作室) at its host
    enterprise's union. Proposed, named once its review case is confirmed after public notice,
    and de-listed by an annual review; a de-listed studio stays on the record."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("host enterprise union")
    )
    name = models.CharField(_("studio name"), max_length=120)
    level = models.CharField(_("level"), max_length=12, choices=StudioLevel.choices)
    field = models.CharField(_("field"), max_length=16, choices=StudioField.choices)
    leader = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("leader")
    )
    premises = models.CharField(_("premises"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=StudioState.choices, default=StudioState.PROPOSED
    )
    case = models.OneToOneField(
        ReviewCase, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    named_on = models.DateField(_("named on"), null=True, blank=True)
    delisted_on = models.DateField(_("de-listed on"), null=True, blank=True)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("innovation studio")
        verbose_name_plural = _("innovation studios")
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="studio_name_once_per_org"),
            models.CheckConstraint(
                condition=~Q(state="named") | Q(named_on__isnull=False),
                name="studio_named_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="delisted") | Q(delisted_on__isnull=False),
                name="studio_delisted_has_date",
            ),
        ]
        indexes = [models.Index(fields=["org", "state"], name="studio_org_state")]

    def __str__(self) -> str:
        return self.name


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    role = models.CharField(_("role in the team"), max_length=40, blank=True)
    joined_on = models.DateField(_("in the team since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("studio team member")
        verbose_name_plural = _("studio team members")
        constraints = [
            models.UniqueConstraint(fields=["studio", "person"], name="studio_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.studio_id}"


class SubsidyKind(models.TextChoices):
    NEW = "new", _("Newly named")
    RECONFIRMED = "reconfirmed", _("Re-confirmed")


class SubsidyRate(models.Model):
    """An org's subsidy per studio kind for a year (R15; demo: new 50,000, re-confirmed
    30,000 yuan). With no row the defaults apply."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=SubsidyKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("studio subsidy rate")
        verbose_name_plural = _("studio subsidy rates")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "kind"], name="subsidy_rate_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.amount}"


class Subsidy(models.Model):
    """What a studio received for a year (R15): one subsidy per studio and year."""

    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="subsidies")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=SubsidyKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("studio subsidy")
        verbose_name_plural = _("studio subsidies")
        constraints = [
            models.UniqueConstraint(fields=["studio", "year"], name="subsidy_once_per_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.year} {self.amount}"


class ProjectKind(models.TextChoices):
    RESEARCH = "research", _("Technical research")
    INVENTION = "invention", _("Invention")
    IMPROVEMENT = "improvement", _("Process improvement")
    STANDARD = "standard", _("Standard or method")
    TRAINING = "training", _("Training and mentoring")
    OTHER = "other", _("Other")


class StudioProject(models.Model):
    """A project or result a studio registered for a year: what R15's annual review counts."""

    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="projects")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectKind.choices)
    outcome = models.TextField(_("outcome"), blank=True)
    value_created = models.DecimalField(
        _("value created (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    patents = models.PositiveSmallIntegerField(_("patents"), default=0)
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("studio project or result")
        verbose_name_plural = _("studio projects and results")
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "year", "title"], name="project_title_once_per_year"
            ),
            models.CheckConstraint(condition=Q(value_created__gte=0), name="project_value_ge_0"),
        ]
        indexes = [models.Index(fields=["studio", "year"], name="project_studio_year")]

    def __str__(self) -> str:
        return self.title


class ReviewRound(models.Model):
    """A year's annual review of the studios under an org: the subject of one scoring panel
    (rubric: results 40, team 20, mentoring 20, service 20)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("studio annual review")
        verbose_name_plural = _("studio annual reviews")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="review_round_once_per_year"),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FIX = "fix", _("Fix by a deadline")
    DELIST = "delist", _("De-list")


class StudioReview(models.Model):
    """A studio's outcome in an annual review (R15): pass, fix by a deadline (with what to
    fix), or de-list."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="reviews")
    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="reviews")
    outcome = models.CharField(_("outcome"), max_length=8, choices=ReviewOutcome.choices)
    fix_by = models.DateField(_("fix by"), null=True, blank=True)
    to_fix = models.TextField(_("what to fix"), blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("studio review outcome")
        verbose_name_plural = _("studio review outcomes")
        constraints = [
            models.UniqueConstraint(fields=["round", "studio"], name="studio_review_once"),
            models.CheckConstraint(
                condition=~Q(outcome="fix") | (Q(fix_by__isnull=False) & ~Q(to_fix="")),
                name="studio_review_fix_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.outcome}"


# --- The alliance -----------------------------------------------------------------------------


class Alliance(models.Model):
    """The studios' alliance of an org (劳模工匠创新工作室联盟; the demo city has one)."""

    org = models.OneToOneField(Org, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("studio alliance")
        verbose_name_plural = _("studio alliances")

    def __str__(self) -> str:
        return self.name


class AllianceTier(models.TextChoices):
    CORE = "core", _("Core member")
    ORDINARY = "ordinary", _("Ordinary member")


class MemberState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    MEMBER = "member", pgettext_lazy("alliance", "Member")
    REFUSED = "refused", _("Refused")


class AllianceMember(models.Model):
    """A studio in the alliance: city-level studios join when named, others apply."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="members")
    studio = models.OneToOneField(Studio, on_delete=models.PROTECT, related_name="alliance_seat")
    tier = models.CharField(
        _("membership tier"),
        max_length=8,
        choices=AllianceTier.choices,
        default=AllianceTier.ORDINARY,
    )
    state = models.CharField(
        _("state"), max_length=8, choices=MemberState.choices, default=MemberState.APPLIED
    )
    applied_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")

    def __str__(self) -> str:
        return f"{self.studio_id} {self.tier}"


class AdvisorField(models.TextChoices):
    MECHANICAL = "mechanical", _("Mechanical engineering")
    ELECTRICAL = "electrical", _("Electrical and energy")
    IT = "it", _("Information technology")
    MATERIALS = "materials", _("Materials and chemistry")
    PATENTS = "patents", _("Patents and intellectual property")
    MANAGEMENT = "management", _("Management and commercialisation")


class Advisor(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="advisors")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    field = models.CharField(_("field"), max_length=12, choices=AdvisorField.choices)
    note = models.CharField(_("title and work"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("expert advisor")
        verbose_name_plural = _("expert advisors")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "person"], name="advisor_once"),
        ]

    def __str__(self) -> str:
        return self.person.name


class Squad(models.Model):
    """A squad of the alliance's volunteer service corps (skills, health…); closed squads
    take no more requests."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="squads")
    name = models.CharField(_("squad"), max_length=80)
    speciality = models.CharField(_("speciality"), max_length=80)
    leader = models.CharField(_("squad leader"), max_length=40, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer squad")
        verbose_name_plural = _("volunteer squads")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "name"], name="squad_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class RequestKind(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology help")
    COMMERCIALISATION = "commercialisation", _("Turning results into products")
    PATENT = "patent", _("Patent filing")
    OTHER = "other", _("Other")


class RequestState(models.TextChoices):
    OPEN = "open", pgettext_lazy("service request", "Open")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", pgettext_lazy("service request", "Closed")


class ServiceRequest(models.Model):
    """A firm's or a studio's request for the alliance's help, assigned by staff to a squad
    or an advisor and closed with its outcome."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="requests")
    studio = models.ForeignKey(
        Studio, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    kind = models.CharField(_("kind of help"), max_length=20, choices=RequestKind.choices)
    description = models.TextField(_("what is needed"))
    contact = models.CharField(_("contact"), max_length=60, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.OPEN
    )
    squad = models.ForeignKey(
        Squad, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    advisor = models.ForeignKey(
        Advisor, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    outcome = models.TextField(_("outcome"), blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | (~Q(outcome="") & Q(closed_at__isnull=False)),
                name="request_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(squad__isnull=True) | Q(advisor__isnull=True),
                name="request_one_assignee",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(squad__isnull=False) | Q(advisor__isnull=False),
                name="request_assigned_has_assignee",
            ),
        ]
        indexes = [models.Index(fields=["org", "state"], name="request_org_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
