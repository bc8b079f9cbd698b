"""Every write of labour and skills contests: the job-type catalogue, contests, registration
with its eligibility rules, the lot draw of work stations, and the opening of the contest's
scoring panel (R18, R19). Judging itself is `scoring.services`': never a second mechanism."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.competitions.models import (
    Contest,
    Contestant,
    ContestLevel,
    ContestState,
    EntryKind,
    JobType,
    LotDraw,
    RegisteredBy,
    Registration,
)
from gonghui.core.models import Org, OrgKind, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.orgs.models import MembershipState, Person, Sex
from gonghui.orgs.selectors import enterprise_names, standing_membership
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Panel

PROGRAM = "competitions.contest"
MINIMUM_AGE = 16
# The statutory retirement ages before the 2025 gradual reform (men 60, women workers 55):
# a documented default, to be made data when the reform's schedule is modelled.
RETIREMENT_AGE = {Sex.MALE: 60, Sex.FEMALE: 55}
LEVEL_OF_KIND = {
    OrgKind.CITY_FEDERATION: ContestLevel.CITY,
    OrgKind.DISTRICT_FEDERATION: ContestLevel.DISTRICT,
    OrgKind.GRASSROOTS_UNION: ContestLevel.ENTERPRISE,
    OrgKind.JOINT_UNION: ContestLevel.ENTERPRISE,
}
CENT = Decimal("0.01")


def _require(actor: User, perm: Perm, org: Org) -> None:
    if not actor_can(actor, perm, org):
        raise PermissionDenied


def _locked(contest: Contest) -> Contest:
    return Contest.objects.select_for_update(of=("self",)).select_related("org").get(pk=contest.pk)


# --- Catalogue and contests ---------------------------------------------------------------------


@transaction.atomic
def job_type_create(*, actor: User, code: str, name: str) -> JobType:
    """A job type of the shared catalogue; anyone who runs contests somewhere may add one."""
    if not actor_can(actor, Perm.CONTEST_MANAGE):
        raise PermissionDenied
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("A job type needs a code and a name."), code="job_type")
    if JobType.objects.filter(code=code).exists() or JobType.objects.filter(name=name).exists():
        raise ValidationError(_("This job type is in the catalogue already."), code="duplicate")
    job_type = JobType.objects.create(code=code, name=name)
    audit_record(actor=actor, action="competitions.job_type_create", obj=job_type)
    return job_type


def _prize_faults(
    table: Sequence[engine.PrizeTier], money: Mapping[str, Decimal]
) -> tuple[list[str], dict[str, str]]:
    faults: list[str] = []
    names = [t.name for t in table]
    if len(set(names)) != len(names) or any(not t.name or t.count < 0 for t in table):
        faults.append(_("Prize tiers need distinct names and counts of zero or more."))
    stored: dict[str, str] = {}
    for tier, amount in money.items():
        try:
            value = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError):
            value = Decimal(-1)
        if tier not in names or not value.is_finite() or value < 0 or value != value.quantize(CENT):
            faults.append(
                _("Prize money for %(tier)s: yuan, two places at most, for a tier of the table.")
                % {"tier": tier}
            )
        else:
            stored[tier] = str(value.quantize(CENT))
    return faults, stored


@transaction.atomic
def contest_create(
    *,
    actor: User,
    org: Org,
    title: str,
    job_types: Iterable[JobType],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    closes_at: dt.datetime,
    venue: str,
    time_limit_minutes: int,
    theme: str = "",
    entry_kind: EntryKind = EntryKind.INDIVIDUAL,
    team_size: int = 1,
    theory_weight: Decimal = engine.R18_THEORY_WEIGHT,
    practical_weight: Decimal = 1 - engine.R18_THEORY_WEIGHT,
    prize_table: Sequence[engine.PrizeTier] = engine.DEFAULT_PRIZE_TABLE,
    prize_money: Mapping[str, Decimal] | None = None,
    parent: Contest | None = None,
) -> Contest:
    """A contest in draft, organised by a city, district or enterprise union, with its rules
    as data: R18's weights (default 30/70, summing to 1) and R19's prize table (default
    1/2/3). Refused, naming every fault: times not aware or out of order (registration closes
    by the start), a team size that does not fit the entry, weights, prizes, no job type."""
    _require(actor, Perm.CONTEST_MANAGE, org)
    level = LEVEL_OF_KIND.get(OrgKind(org.kind))
    faults: list[str] = []
    if level is None:
        faults.append(_("Contests are organised by a city, district or enterprise union."))
    if not title.strip() or not venue.strip():
        faults.append(_("A contest needs a title and a venue."))
    times = (starts_at, ends_at, closes_at)
    if any(timezone.is_naive(t) for t in times):
        faults.append(_("Contest times need a time zone."))
    elif not closes_at <= starts_at < ends_at:
        faults.append(_("Registration closes by the start, and the contest ends after it starts."))
    if entry_kind == EntryKind.INDIVIDUAL and team_size != 1:
        faults.append(_("An individual contest has entries of one."))
    if entry_kind == EntryKind.TEAM and team_size < 2:
        faults.append(_("A team contest needs teams of two or more."))
    if time_limit_minutes <= 0:
        faults.append(_("The time limit must be above zero minutes."))
    if not (0 < theory_weight < 1 and 0 < practical_weight < 1) or (
        theory_weight + practical_weight != 1
    ):
        faults.append(_("The theory and practical weights are each between 0 and 1, and sum to 1."))
    prize_faults, money = _prize_faults(prize_table, prize_money or {})
    faults += prize_faults
    kinds = list(job_types)
    if not kinds:
        faults.append(_("A contest needs at least one job type."))
    if faults:
        raise ValidationError(faults, code="contest")
    assert level is not None
    contest = Contest.objects.create(
        org=org,
        level=level,
        title=title.strip()[:200],
        theme=theme.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        closes_at=closes_at,
        venue=venue.strip()[:200],
        entry_kind=entry_kind,
        team_size=team_size,
        time_limit_minutes=time_limit_minutes,
        theory_weight=theory_weight,
        practical_weight=practical_weight,
        prize_table=[{"name": t.name, "count": t.count} for t in prize_table],
        prize_money=money,
        parent=parent,
        created_by=actor,
    )
    contest.job_types.set(kinds)
    audit_record(
        actor=actor,
        action="competitions.contest_create",
        org=org,
        obj=contest,
        after={"title": contest.title, "level": level, "team_size": team_size},
    )
    return contest


@transaction.atomic
def contest_open(*, actor: User, contest: Contest) -> Contest:
    """Opens a draft contest for registration, until its `closes_at`."""
    contest = _locked(contest)
    _require(actor, Perm.CONTEST_MANAGE, contest.org)
    if contest.state != ContestState.DRAFT:
        raise ValidationError(_("Only a contest being prepared can be opened."), code="state")
    if timezone.now() >= contest.closes_at:
        raise ValidationError(_("Registration would already be closed."), code="closed")
    contest.state = ContestState.OPEN
    contest.save(update_fields=["state"])
    audit_record(actor=actor, action="competitions.contest_open", org=contest.org, obj=contest)
    return contest


# --- Registration -------------------------------------------------------------------------------


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _person_faults(contest: Contest, person: Person, job_names: set[str]) -> list[ValidationError]:
    faults: list[ValidationError] = []
    values = {"name": person.name}
    membership = standing_membership(person)
    if membership is None or membership.state != MembershipState.ACTIVE:
        message = (
            _("%(name)s holds a retained membership (retired or unemployed): not eligible.")
            if membership is not None and membership.state == MembershipState.RETAINED
            else _("%(name)s is not a current union member.")
        )
        faults.append(ValidationError(message % values, code="not_member"))
    elif not membership.org.path.startswith(contest.org.path):
        faults.append(
            ValidationError(
                _("%(name)s's union is not under %(org)s, which runs this contest.")
                % {**values, "org": contest.org.name},
                code="outside",
            )
        )
    age = age_on(person.birth_date, timezone.localtime(contest.starts_at).date())
    retirement = RETIREMENT_AGE[Sex(person.sex)]
    if not MINIMUM_AGE <= age < retirement:
        faults.append(
            ValidationError(
                _("%(name)s is %(age)s on the contest day: entrants are %(low)s to %(high)s.")
                % {**values, "age": age, "low": MINIMUM_AGE, "high": retirement - 1},
                code="age",
            )
        )
    if person.job_type.strip() not in job_names:
        faults.append(
            ValidationError(
                _("%(name)s's job (%(job)s) is not one of this contest's job types.")
                % {**values, "job": person.job_type or "—"},
                code="job_type",
            )
        )
    if Contestant.objects.filter(contest=contest, person=person).exists():
        faults.append(
            ValidationError(
                _("%(name)s is registered in this contest already.") % values,
                code="already_registered",
            )
        )
    return faults


def _registered_by(actor: User, people: Sequence[Person]) -> tuple[RegisteredBy, Org]:
    """A worker registers themself; a union (CASE_OPEN or MEMBER_MANAGE where the people are
    members) registers its members. A team enters for one union."""
    unions = set()
    for person in people:
        membership = standing_membership(person)
        if membership is None:
            raise ValidationError(
                _("%(name)s is not a current union member.") % {"name": person.name},
                code="not_member",
            )
        unions.add(membership.org)
    if len(unions) != 1:
        raise ValidationError(_("A team's members belong to one union."), code="union")
    union = unions.pop()
    if len(people) == 1 and people[0].user_id == actor.pk:
        return RegisteredBy.WORKER, union
    if actor_can(actor, Perm.CASE_OPEN, union) or actor_can(actor, Perm.MEMBER_MANAGE, union):
        return RegisteredBy.UNION, union
    raise PermissionDenied


@transaction.atomic
def registration_submit(
    *, actor: User, contest: Contest, people: Sequence[Person], team_name: str = ""
) -> Registration:
    """An entry of a person or a team, by their union or by the worker themself. Refused,
    naming each fault: registration not open or closed (no entries after `closes_at`), a team
    of the wrong size or without a name; for each person: not an active member (R2: a
    retained membership is a retired or unemployed one), not 16 to retirement age on the
    contest day, a job outside the contest's job types, registered already."""
    contest = _locked(contest)
    if contest.state != ContestState.OPEN or timezone.now() > contest.closes_at:
        raise ValidationError(_("Registration for this contest is closed."), code="closed")
    people = list({p.pk: p for p in people}.values())
    if len(people) != contest.team_size:
        raise ValidationError(
            _("An entry of this contest has %(size)s people, not %(given)s.")
            % {"size": contest.team_size, "given": len(people)},
            code="team_size",
        )
    team_name = team_name.strip()[:100]
    if contest.entry_kind == EntryKind.TEAM and not team_name:
        raise ValidationError(_("A team needs a name."), code="team_name")
    by, union = _registered_by(actor, people)
    job_names = {name for jt in contest.job_types.all() for name in (jt.name, jt.code)}
    faults = [f for person in people for f in _person_faults(contest, person, job_names)]
    if team_name and Registration.objects.filter(contest=contest, team_name=team_name).exists():
        faults.append(
            ValidationError(_("This team name is taken in this contest."), code="team_name")
        )
    if faults:
        raise ValidationError(faults)
    registration = Registration.objects.create(
        contest=contest, team_name=team_name, registered_by=by, union=union, created_by=actor
    )
    try:
        with transaction.atomic():
            Contestant.objects.bulk_create(
                Contestant(
                    contest=contest,
                    registration=registration,
                    person=person,
                    employer_key=str(person.employer_id or ""),
                )
                for person in people
            )
    except IntegrityError as exc:  # a concurrent entry of the same person got there first
        raise ValidationError(
            _("Someone in this entry is registered in this contest already."),
            code="already_registered",
        ) from exc
    audit_record(
        actor=actor,
        action="competitions.registration_submit",
        org=union,
        obj=registration,
        after={"contest": contest.pk, "people": [p.pk for p in people], "by": by},
    )
    return registration


# --- Lot draw -----------------------------------------------------------------------------------


def stations_from_seed(seed: str, registration_ids: Iterable[int]) -> dict[int, int]:
    """Station numbers 1..n for the registrations: the ids in ascending order, shuffled by
    `random.Random(seed)`. A function of the seed and the set of ids only, so anyone holding
    the published seed and the entry list recomputes the same draw."""
    order = sorted(set(registration_ids))
    # Not for secrecy: the seed (from `secrets`) is published, so the draw must be replayable.
    random.Random(seed).shuffle(order)  # noqa: S311  # reproducibility is the point
    return {pk: station for station, pk in enumerate(order, start=1)}


@transaction.atomic
def lot_draw(*, actor: User, contest: Contest) -> LotDraw:
    """The public draw of work stations, once, after registration closes: a seed from
    `secrets`, stored with the stations it gives (`stations_from_seed`). Registration ends
    with it. A second draw is refused."""
    contest = _locked(contest)
    _require(actor, Perm.CONTEST_MANAGE, contest.org)
    if LotDraw.objects.filter(contest=contest).exists():
        raise ValidationError(_("The lots of this contest are drawn already."), code="drawn")
    if contest.state not in (ContestState.OPEN, ContestState.CLOSED) or (
        timezone.now() <= contest.closes_at
    ):
        raise ValidationError(
            _("Lots are drawn once registration has closed, before judging."), code="state"
        )
    ids = list(contest.registrations.values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("Nobody is registered in this contest."), code="empty")
    seed = secrets.token_hex(16)
    draw = LotDraw.objects.create(
        contest=contest,
        seed=seed,
        drawn_by=actor,
        stations={str(pk): n for pk, n in stations_from_seed(seed, ids).items()},
    )
    contest.state = ContestState.CLOSED
    contest.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="competitions.lot_draw",
        org=contest.org,
        obj=draw,
        after={"seed": seed, "stations": draw.stations},
    )
    return draw


# --- Judging ------------------------------------------------------------------------------------


def _default_criteria(code: str, label: str) -> tuple[engine.Criterion, ...]:
    return (engine.Criterion(code, label, Decimal(100)),)


def contest_panel(contest: Contest) -> Panel | None:
    """The scoring panel `services.contest_panel_open` made for the contest, if any."""
    return Panel.objects.filter(
        program=PROGRAM,
        content_type=ContentType.objects.get_for_model(Contest),
        object_id=str(contest.pk),
    ).first()


@transaction.atomic
def contest_panel_open(
    *,
    actor: User,
    contest: Contest,
    theory: Sequence[engine.Criterion] = (),
    practical: Sequence[engine.Criterion] = (),
    aggregation: engine.Aggregation = engine.Aggregation.TRIMMED_MEAN,
    double_entry: bool = False,
) -> Panel:
    """The contest's scoring panel (`scoring.services`): a rubric of theory and practical
    parts weighted as the contest stores them (R18, default 30/70; one 100-mark criterion
    each unless given), the R18 tie-break chain, the contest's prize table (R19), and one
    entry per registration with its contestants' employers for recusal, at its drawn station.
    Judges' marks are combined by `aggregation` (R18 allows the trimmed mean, the default);
    `double_entry` asks for paper sheets typed twice. After registration
    closes; judging starts."""
    contest = _locked(contest)
    _require(actor, Perm.CONTEST_MANAGE, contest.org)
    if contest.state not in (ContestState.OPEN, ContestState.CLOSED) or (
        timezone.now() <= contest.closes_at
    ):
        raise ValidationError(
            _("Judging opens once registration has closed, and only once."), code="state"
        )
    registrations = list(
        contest.registrations.prefetch_related("contestants__person").order_by("pk")
    )
    if not registrations:
        raise ValidationError(_("Nobody is registered in this contest."), code="empty")
    parts = (
        engine.Part(
            engine.THEORY,
            _("Theory"),
            contest.theory_weight,
            tuple(theory) or _default_criteria("theory_paper", _("Theory paper")),
        ),
        engine.Part(
            engine.PRACTICAL,
            _("Practical"),
            contest.practical_weight,
            tuple(practical) or _default_criteria("practical_task", _("Practical task")),
        ),
    )
    rubric = scoring.rubric_create(actor=actor, org=contest.org, name=contest.title, parts=parts)
    panel = scoring.panel_create(
        actor=actor,
        program=PROGRAM,
        subject=contest,
        org=contest.org,
        title=contest.title,
        rubric=rubric,
        prize_table=[engine.PrizeTier(t["name"], t["count"]) for t in contest.prize_table],
        aggregation=aggregation,
        double_entry=double_entry,
    )
    draw = LotDraw.objects.filter(contest=contest).first()
    stations = {int(pk): n for pk, n in draw.stations.items()} if draw else {}
    for registration in registrations:
        contestants = list(registration.contestants.all())
        scoring.entry_add(
            actor=actor,
            panel=panel,
            label=registration.team_name or "、".join(c.person.name for c in contestants),
            subject=registration,
            employer_keys=[c.employer_key for c in contestants],
            position=stations.get(registration.pk),
        )
    contest.state = ContestState.JUDGING
    contest.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="competitions.contest_panel_open",
        org=contest.org,
        obj=contest,
        after={"panel": panel.pk, "entries": len(registrations)},
    )
    return panel


def panel_subject_url(panel: Panel) -> str:
    return reverse("competitions:contest", args=[int(panel.object_id)])


def panel_employers(panel: Panel) -> list[tuple[str, str]]:
    """The employers of the contest's entrants, by name: a judge working for one of them is
    recused from its entrants (R18)."""
    return enterprise_names(
        key for keys in panel.entries.values_list("employer_keys", flat=True) for key in keys
    )
