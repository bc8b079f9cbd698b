"""Every write about studios (R15): leaders' titles, proposal and naming (a `review` case,
confirmed after public notice), team, subsidies, projects and results, and the annual review
(a `scoring` panel, then an outcome per studio)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.models import Org, User
from gonghui.core.money import format_yuan
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, ancestor_paths, grants_for
from gonghui.core.services import audit_record
from gonghui.innovation.models import (
    ReviewOutcome,
    ReviewRound,
    Studio,
    StudioLevel,
    StudioMember,
    StudioProject,
    StudioReview,
    StudioState,
    Subsidy,
    SubsidyKind,
    SubsidyRate,
    Title,
    TitleKind,
    TitleLevel,
)
from gonghui.orgs.models import Person
from gonghui.review import notices
from gonghui.review import services as review
from gonghui.review.models import CaseState, Decision, Notice, ReviewCase
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Panel, PanelState

NAMING = "innovation.studio"
ANNUAL_REVIEW = "innovation.studio_review"
# R15 demo figures: what a studio receives when no subsidy table says otherwise.
DEFAULT_SUBSIDY = {
    SubsidyKind.NEW: Decimal("50000.00"),
    SubsidyKind.RECONFIRMED: Decimal("30000.00"),
}
CITY_OR_ABOVE = (TitleLevel.NATIONAL, TitleLevel.PROVINCIAL, TitleLevel.CITY)


def _rubric_lines() -> tuple[tuple[str, str, int], ...]:
    """The annual review's rubric (R15 demo): results 40, team 20, mentoring 20, service 20."""
    return (
        ("results", pgettext("studio review", "Results"), 40),
        ("team", _("Team"), 20),
        ("mentoring", _("Mentoring"), 20),
        ("service", _("Service"), 20),
    )


def _require(actor: User, perm: Perm, org: Org) -> None:
    if not actor_can(actor, perm, org):
        raise PermissionDenied


def _require_host(actor: User, studio: Studio) -> None:
    """The studio's host union (case.open there) or innovation staff above it."""
    if not (
        actor_can(actor, Perm.INNOVATION_MANAGE, studio.org)
        or actor_can(actor, Perm.CASE_OPEN, studio.org)
    ):
        raise PermissionDenied


# --- Titles -----------------------------------------------------------------------------------


@transaction.atomic
def title_record(
    *, actor: User | None, person: Person, org: Org, kind: str, level: str, year: int
) -> Title:
    """A title the person holds (until the honours app records them itself)."""
    if actor is not None:
        _require(actor, Perm.INNOVATION_MANAGE, org)
    if Title.objects.filter(person=person, kind=kind, level=level, year=year).exists():
        raise ValidationError(_("This title is recorded already."), code="duplicate")
    title = Title.objects.create(person=person, org=org, kind=kind, level=level, year=year)
    audit_record(
        actor=actor,
        action="innovation.title_record",
        org=org,
        obj=title,
        after={"kind": kind, "level": level, "year": year},
    )
    return title


def leader_eligible(person: Person) -> bool:
    """R15: at least a city model-worker title, a May-Day labour medal or a recognised
    craftsman title (city level or above)."""
    return Title.objects.filter(person=person, level__in=CITY_OR_ABOVE).exists() or (
        Title.objects.filter(person=person, kind=TitleKind.MAY_DAY_MEDAL).exists()
    )


# --- Proposal and naming ----------------------------------------------------------------------


@transaction.atomic
def studio_propose(
    *,
    actor: User,
    org: Org,
    name: str,
    level: str,
    field: str,
    leader: Person,
    premises: str = "",
    team: Iterable[Person] = (),
) -> Studio:
    """The host enterprise's union proposes a studio and sends its naming case up the chain.
    R15: the leader must hold a city model-worker title, a May-Day labour medal or a
    recognised craftsman title."""
    _require(actor, Perm.CASE_OPEN, org)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the studio's name."), code="name")
    if Studio.objects.filter(org=org, name=name).exists():
        raise ValidationError(_("This union has a studio of that name already."), code="name")
    if not leader_eligible(leader):
        raise ValidationError(
            _(
                "R15: %(name)s cannot lead a studio: a leader holds at least a city "
                "model-worker title, a May-Day labour medal or a recognised craftsman title."
            )
            % {"name": leader.name},
            code="leader",
        )
    studio = Studio.objects.create(
        org=org,
        name=name,
        level=level,
        field=field,
        leader=leader,
        premises=premises.strip(),
        proposed_by=actor,
    )
    StudioMember.objects.bulk_create(
        [StudioMember(studio=studio, person=p) for p in {p.pk: p for p in team}.values()]
    )
    case = review.case_open(actor=actor, program=NAMING, subject=studio, org=org, title=name)
    studio.case = case
    studio.save(update_fields=["case"])
    review.case_submit(actor=actor, case=case)
    audit_record(
        actor=actor,
        action="innovation.studio_propose",
        org=org,
        obj=studio,
        after={"level": level, "field": field, "leader": leader.pk},
    )
    return studio


def case_label(case: ReviewCase) -> str:
    """The public notice's line: the studio, its level and host union (no personal data)."""
    studio = Studio.objects.select_related("org").get(pk=int(case.object_id))
    return f"{studio.name} · {studio.get_level_display()} · {studio.org.name}"


def on_decision(case: ReviewCase, decision: str) -> None:
    """The naming case's consequences, inside each decision's transaction: rejected, the
    studio is not named; confirmed after public notice, it is named and a city-level studio
    joins the alliance."""
    studio = Studio.objects.select_for_update().get(pk=int(case.object_id))
    if decision == Decision.REJECT:
        studio.state = StudioState.NOT_NAMED
        studio.save(update_fields=["state"])
    elif decision == Decision.CONFIRM and case.state == CaseState.CONFIRMED:
        studio.state = StudioState.NAMED
        studio.named_on = timezone.localdate()
        studio.save(update_fields=["state", "named_on"])
        if studio.level == StudioLevel.CITY:
            from gonghui.innovation.services.alliance import alliance_join_on_naming

            alliance_join_on_naming(studio)


@transaction.atomic
def studio_notice_publish(*, actor: User, studios: Iterable[Studio]) -> Notice:
    """Puts approved studios under public notice (R6) at the actor's reviewing org; each is
    named when the notice closes with no sustained objection."""
    chosen = list(studios)
    if not chosen:
        raise ValidationError(_("Choose the studios to publish."), code="empty")
    cases = [s.case for s in chosen if s.case is not None]
    if len(cases) != len(chosen) or any(c.state != CaseState.APPROVED for c in cases):
        raise ValidationError(
            _("Only studios whose naming is approved go under public notice."), code="state"
        )
    reviewing = [
        g.org
        for g in grants_for(actor, Perm.CASE_REVIEW)
        if all(c.org.path.startswith(g.org.path) for c in cases)
    ]
    if not reviewing:
        raise PermissionDenied
    org = min(reviewing, key=lambda o: o.level)
    return notices.notice_publish(
        actor=actor,
        program=NAMING,
        org=org,
        title=_("Public notice of innovation studios to be named"),
        cases=[(c, case_label(c)) for c in cases],
    )


@transaction.atomic
def studio_naming_approve(*, actor: User, studio: Studio, reason: str = "") -> Studio:
    """The level the naming case waits at approves it (R5); the top level's approval puts it
    under public notice at once (R6), and it is named when the notice is confirmed."""
    if studio.case is None:
        raise ValidationError(_("This studio has no naming case."), code="case")
    case = review.case_approve(actor=actor, case=studio.case, reason=reason)
    if case.state == CaseState.APPROVED:
        studio.case = case
        studio_notice_publish(actor=actor, studios=[studio])
    studio.refresh_from_db()
    return studio


@transaction.atomic
def team_member_add(*, actor: User, studio: Studio, person: Person, role: str = "") -> StudioMember:
    _require_host(actor, studio)
    if StudioMember.objects.filter(studio=studio, person=person).exists():
        raise ValidationError(
            _("%(name)s is in the team already.") % {"name": person.name}, code="duplicate"
        )
    member = StudioMember.objects.create(studio=studio, person=person, role=role.strip()[:40])
    audit_record(
        actor=actor,
        action="innovation.team_member_add",
        org=studio.org,
        obj=studio,
        after={"person": person.pk, "role": member.role},
    )
    return member


# --- Subsidies --------------------------------------------------------------------------------


@transaction.atomic
def subsidy_rate_set(
    *, actor: User, org: Org, year: int, kind: str, amount: Decimal
) -> SubsidyRate:
    """An org's subsidy for a kind of studio in a year (R15)."""
    _require(actor, Perm.INNOVATION_MANAGE, org)
    if amount <= 0:
        raise ValidationError(_("A subsidy is more than zero."), code="amount")
    rate, _created = SubsidyRate.objects.update_or_create(
        org=org, year=year, kind=kind, defaults={"amount": amount}
    )
    audit_record(
        actor=actor,
        action="innovation.subsidy_rate_set",
        org=org,
        obj=rate,
        after={"year": year, "kind": kind, "amount": amount},
    )
    return rate


def subsidy_amount(*, org: Org, year: int, kind: str) -> Decimal:
    """The subsidy the nearest org above the studio set for the year, else R15's default."""
    rate = (
        SubsidyRate.objects.filter(org__path__in=ancestor_paths(org), year=year, kind=kind)
        .order_by("-org__level")
        .first()
    )
    return rate.amount if rate else DEFAULT_SUBSIDY[SubsidyKind(kind)]


@transaction.atomic
def subsidy_grant(*, actor: User, studio: Studio, year: int, kind: str) -> Subsidy:
    """R15: a named studio receives its kind's subsidy (new or re-confirmed), once a year."""
    _require(actor, Perm.INNOVATION_MANAGE, studio.org)
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    if studio.state != StudioState.NAMED:
        raise ValidationError(_("R15: only a named studio receives a subsidy."), code="state")
    if Subsidy.objects.filter(studio=studio, year=year).exists():
        raise ValidationError(
            _("R15: this studio has its subsidy for %(year)d already.") % {"year": year},
            code="duplicate",
        )
    amount = subsidy_amount(org=studio.org, year=year, kind=kind)
    subsidy = Subsidy.objects.create(
        studio=studio, year=year, kind=kind, amount=amount, granted_by=actor
    )
    audit_record(
        actor=actor,
        action="innovation.subsidy_grant",
        org=studio.org,
        obj=subsidy,
        after={"year": year, "kind": kind, "amount": format_yuan(amount)},
    )
    return subsidy


# --- Projects and results ---------------------------------------------------------------------


@transaction.atomic
def project_register(
    *,
    actor: User,
    studio: Studio,
    year: int,
    title: str,
    kind: str,
    outcome: str = "",
    value_created: Decimal = Decimal(0),
    patents: int = 0,
) -> StudioProject:
    """A project or result of the studio for a year (what the annual review counts). R15: a
    de-listed studio registers nothing."""
    _require_host(actor, studio)
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    if studio.state == StudioState.DELISTED:
        raise ValidationError(
            _("R15: %(name)s is de-listed: a de-listed studio cannot register a project.")
            % {"name": studio.name},
            code="delisted",
        )
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the project's title."), code="title")
    if value_created < 0 or patents < 0:
        raise ValidationError(_("Value created and patents cannot be negative."), code="value")
    if StudioProject.objects.filter(studio=studio, year=year, title=title).exists():
        raise ValidationError(
            _("A project of that title is registered for %(year)d already.") % {"year": year},
            code="duplicate",
        )
    project = StudioProject.objects.create(
        studio=studio,
        year=year,
        title=title[:200],
        kind=kind,
        outcome=outcome.strip(),
        value_created=value_created,
        patents=patents,
        registered_by=actor,
    )
    audit_record(
        actor=actor,
        action="innovation.project_register",
        org=studio.org,
        obj=project,
        after={"year": year, "kind": kind, "value_created": value_created, "patents": patents},
    )
    return project


# --- The annual review ------------------------------------------------------------------------


def panel_subject_url(panel: Panel) -> str:
    return reverse("innovation:review_round", args=[int(panel.object_id)])


def panel_employers(panel: Panel) -> list[tuple[str, str]]:
    """Host unions of the reviewed studios: a judge from one is recused from its studios."""
    keys = {k for keys in panel.entries.values_list("employer_keys", flat=True) for k in keys}
    return [
        (str(pk), name)
        for pk, name in Org.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()])
        .order_by("name")
        .values_list("pk", "name")
    ]


def round_panel(review_round: ReviewRound) -> Panel | None:
    from django.contrib.contenttypes.models import ContentType

    return (
        Panel.objects.filter(
            program=ANNUAL_REVIEW,
            content_type=ContentType.objects.get_for_model(ReviewRound),
            object_id=str(review_round.pk),
        )
        .select_related("org")
        .first()
    )


@transaction.atomic
def review_round_open(*, actor: User, org: Org, year: int) -> ReviewRound:
    """A year's annual review of the named studios under `org`: a scoring panel with the
    rubric results 40, team 20, mentoring 20, service 20, one entry per studio (R15)."""
    _require(actor, Perm.INNOVATION_MANAGE, org)
    _require(actor, Perm.SCORE_MANAGE, org)
    if ReviewRound.objects.filter(org=org, year=year).exists():
        raise ValidationError(
            _("The annual review of %(year)d is open already.") % {"year": year}, code="dup"
        )
    studios = list(
        Studio.objects.filter(org__path__startswith=org.path, state=StudioState.NAMED).order_by(
            "name", "pk"
        )
    )
    if not studios:
        raise ValidationError(_("No named studio to review here."), code="empty")
    title = _("Annual review of innovation studios %(year)d") % {"year": year}
    review_round = ReviewRound.objects.create(org=org, year=year, title=title, created_by=actor)
    rubric = scoring.rubric_create(
        actor=actor,
        org=org,
        name=title,
        parts=[
            engine.Part(
                code="studio",
                label=str(_("Studio")),
                weight=Decimal(1),
                criteria=tuple(
                    engine.Criterion(code=code, label=label, maximum=Decimal(m))
                    for code, label, m in _rubric_lines()
                ),
            )
        ],
    )
    panel = scoring.panel_create(
        actor=actor,
        program=ANNUAL_REVIEW,
        subject=review_round,
        org=org,
        title=title,
        rubric=rubric,
        aggregation=engine.Aggregation.MEAN,
        tie_breaks=(),
        prize_table=(),
        award_merit=False,
    )
    for studio in studios:
        scoring.entry_add(
            actor=actor,
            panel=panel,
            label=studio.name,
            subject=studio,
            employer_keys=[str(studio.org_id)],
        )
    audit_record(
        actor=actor,
        action="innovation.review_round_open",
        org=org,
        obj=review_round,
        after={"year": year, "studios": len(studios), "panel": panel.pk},
    )
    return review_round


def has_result(studio: Studio, year: int) -> bool:
    return StudioProject.objects.filter(studio=studio, year=year).exists()


@transaction.atomic
def review_outcome_set(
    *,
    actor: User,
    review_round: ReviewRound,
    studio: Studio,
    outcome: str,
    fix_by: dt.date | None = None,
    to_fix: str = "",
) -> StudioReview:
    """A studio's outcome once the panel's scores are locked (R15): pass, fix by a deadline
    with what to fix, or de-list. A studio with no registered result for the year cannot
    pass; a de-listed studio stays on the record."""
    _require(actor, Perm.INNOVATION_MANAGE, review_round.org)
    panel = round_panel(review_round)
    if panel is None or panel.state == PanelState.OPEN:
        raise ValidationError(
            _("Lock the panel's scores first: outcomes follow the scores."), code="open"
        )
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    if not panel.entries.filter(object_id=str(studio.pk)).exists():
        raise ValidationError(_("This studio is not in this review."), code="entry")
    if StudioReview.objects.filter(round=review_round, studio=studio).exists():
        raise ValidationError(_("This studio's outcome is recorded already."), code="duplicate")
    to_fix = to_fix.strip()
    if outcome == ReviewOutcome.PASS and not has_result(studio, review_round.year):
        raise ValidationError(
            _(
                "R15: %(name)s registered no result for %(year)d: a studio with no result "
                "for the year cannot pass."
            )
            % {"name": studio.name, "year": review_round.year},
            code="no_result",
        )
    if outcome == ReviewOutcome.FIX:
        if fix_by is None or not to_fix:
            raise ValidationError(
                _("R15: a fix-by-deadline outcome needs its deadline and what to fix."),
                code="fix",
            )
        if fix_by <= timezone.localdate():
            raise ValidationError(_("The deadline is a day after today."), code="fix_by")
    else:
        fix_by, to_fix = None, ""
    review = StudioReview.objects.create(
        round=review_round,
        studio=studio,
        outcome=outcome,
        fix_by=fix_by,
        to_fix=to_fix,
        decided_by=actor,
    )
    if outcome == ReviewOutcome.DELIST:
        studio.state = StudioState.DELISTED
        studio.delisted_on = timezone.localdate()
        studio.save(update_fields=["state", "delisted_on"])
    audit_record(
        actor=actor,
        action="innovation.review_outcome_set",
        org=review_round.org,
        obj=review,
        after={"studio": studio.pk, "outcome": outcome, "fix_by": fix_by},
        reason=to_fix,
    )
    return review
