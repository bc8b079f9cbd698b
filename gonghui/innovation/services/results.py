"""Every write of five-small results (五小, R14) up to their awards: the year's round, a result's
submission with its eligibility checks, the unit union's authenticity pledge, judging through a
`scoring` panel with R14's rubric, and the awards read from its ranking. Attachments, patents
and value created are `result_records`'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.models import Org, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.innovation.models import (
    FiveSmallKind,
    FiveSmallResult,
    FiveSmallRound,
    RoundState,
)
from gonghui.orgs.models import CURRENT_STATES, Person
from gonghui.orgs.selectors import enterprise_names, standing_membership
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Panel, PanelState, Result

PROGRAM = "innovation.five_small"
CENT = Decimal("0.01")
# R14's default rubric: one sheet of seven lines out of 100.
R14_CRITERIA: tuple[tuple[str, object, int], ...] = (
    ("advanced", gettext_lazy("How advanced"), 10),
    ("novelty", gettext_lazy("Novelty"), 10),
    ("difficulty", gettext_lazy("Difficulty"), 10),
    ("economic", gettext_lazy("Economic benefit"), 40),
    ("social", gettext_lazy("Social benefit"), 10),
    ("maturity", gettext_lazy("Maturity"), 10),
    ("effect", gettext_lazy("Effect"), 10),
)
DEFAULT_PRIZES = (
    engine.PrizeTier("first", 3),
    engine.PrizeTier("second", 6),
    engine.PrizeTier("third", 10),
)


def r14_rubric() -> engine.Rubric:
    """R14: how advanced 10, novelty 10, difficulty 10, economic benefit 40, social benefit
    10, maturity 10, effect 10."""
    criteria = tuple(
        engine.Criterion(code, str(label), Decimal(maximum))
        for code, label, maximum in R14_CRITERIA
    )
    return engine.Rubric(parts=(engine.Part("r14", _("Five-small rubric"), Decimal(1), criteria),))


def _require(actor: User, perm: Perm, org: Org) -> None:
    if not actor_can(actor, perm, org):
        raise PermissionDenied


def is_unit_staff(actor: User, unit: Org) -> bool:
    """The unit union's staff (or a union above it): who submit for its workers and pledge."""
    return actor_can(actor, Perm.CASE_OPEN, unit) or actor_can(actor, Perm.MEMBER_MANAGE, unit)


def _locked_round(round_: FiveSmallRound) -> FiveSmallRound:
    return (
        FiveSmallRound.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=round_.pk)
    )


def _locked_result(result: FiveSmallResult) -> FiveSmallResult:
    return (
        FiveSmallResult.objects.select_for_update(of=("self",))
        .select_related("round", "round__org", "unit")
        .get(pk=result.pk)
    )


# --- Rounds -------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor: User,
    org: Org,
    year: int,
    title: str,
    prize_table: Sequence[engine.PrizeTier] = DEFAULT_PRIZES,
    merit_limit: int | None = None,
) -> FiveSmallRound:
    """A federation's five-small round for a year, judged with R14's rubric; one a year."""
    _require(actor, Perm.INNOVATION_MANAGE, org)
    faults: list[str] = []
    if not title.strip():
        faults.append(_("A round needs a title."))
    if not 2000 <= year <= 2100:
        faults.append(_("The year must be between 2000 and 2100."))
    names = [t.name for t in prize_table]
    if len(set(names)) != len(names) or any(t.count < 0 for t in prize_table):
        faults.append(_("Prize tiers need distinct names and counts of zero or more."))
    if merit_limit is not None and merit_limit < 0:
        faults.append(_("The number of merit awards cannot be negative."))
    if FiveSmallRound.objects.filter(org=org, year=year).exists():
        faults.append(_("%(org)s has a round for %(year)s already.") % {"org": org, "year": year})
    if faults:
        raise ValidationError(faults, code="round")
    round_ = FiveSmallRound.objects.create(
        org=org,
        year=year,
        title=title.strip()[:200],
        prize_table=[{"name": t.name, "count": t.count} for t in prize_table],
        merit_limit=merit_limit,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="innovation.round_create",
        org=org,
        obj=round_,
        after={"year": year, "prize_table": round_.prize_table},
    )
    return round_


# --- Submission ---------------------------------------------------------------------------------


def _norm(title: str) -> str:
    return "".join(title.split()).casefold()


def earlier_win(
    *, round_: FiveSmallRound, title: str, authors: Sequence[Person], resubmission_of: int | None
) -> FiveSmallResult | None:
    """R14: the result that already won in an earlier year, if this is it again: the same
    title with an author in common, or the result it is declared a resubmission of."""
    won = FiveSmallResult.objects.filter(round__year__lt=round_.year).exclude(award="")
    if resubmission_of is not None:
        linked = won.filter(pk=resubmission_of).first()
        if linked is not None:
            return linked
    candidates = won.filter(authors__in=[a.pk for a in authors]).distinct()
    return next((r for r in candidates if _norm(r.title) == _norm(title)), None)


def _unit_of(person: Person) -> Org | None:
    membership = standing_membership(person)
    if membership is None or membership.state not in CURRENT_STATES:
        return None
    return membership.org


@transaction.atomic
def result_submit(
    *,
    actor: User,
    round_: FiveSmallRound,
    kind: FiveSmallKind,
    title: str,
    problem: str,
    solution: str,
    in_use_at: str,
    in_use_since: dt.date | None,
    benefit_yuan: Decimal,
    benefit_text: str,
    authors: Sequence[Person],
    resubmission_of: FiveSmallResult | None = None,
) -> FiveSmallResult:
    """A five-small result entered in an open round by one of its authors or by their unit
    union's staff. All authors are current members of one union under the round's federation.
    Refused, naming R14: not yet in use (no place, or a date to come); already a winner in an
    earlier year (same title with an author in common, or declared a resubmission of it).
    Also refused: a closed round, no title, problem or solution, a benefit below zero or over
    two places of yuan."""
    round_ = _locked_round(round_)
    people = list({p.pk: p for p in authors}.values())
    if round_.state != RoundState.OPEN:
        raise ValidationError(_("This round takes no more results."), code="closed")
    if not people:
        raise ValidationError(_("A result needs at least one author."), code="authors")
    units = {_unit_of(p) for p in people}
    if None in units or len(units) != 1:
        raise ValidationError(
            _("The authors must all be current members of one union."), code="authors"
        )
    unit = units.pop()
    assert unit is not None
    own = any(p.user_id == actor.pk for p in people)
    if not (own and actor_can(actor, Perm.INNOVATION_VIEW, unit)) and not is_unit_staff(
        actor, unit
    ):
        raise PermissionDenied
    faults: list[str] = []
    if not unit.path.startswith(round_.org.path):
        faults.append(
            _("%(unit)s is not under %(org)s, which runs this round.")
            % {"unit": unit.name, "org": round_.org.name}
        )
    if kind not in FiveSmallKind.values:
        faults.append(_("Choose the kind of result."))
    if not title.strip() or not problem.strip() or not solution.strip():
        faults.append(_("A result needs a title, the problem it solves and the solution."))
    if not in_use_at.strip() or in_use_since is None:
        faults.append(_("R14: a result must already be in use: say where, and since when."))
    elif in_use_since > timezone.localdate():
        faults.append(_("R14: a result must already be in use; its start date is still to come."))
    if (
        not benefit_yuan.is_finite()
        or benefit_yuan < 0
        or benefit_yuan != benefit_yuan.quantize(CENT)
    ):
        faults.append(_("The benefit is in yuan, zero or more, with at most two decimal places."))
    winner = earlier_win(
        round_=round_,
        title=title,
        authors=people,
        resubmission_of=resubmission_of.pk if resubmission_of else None,
    )
    if winner is not None:
        faults.append(
            _(
                "R14: “%(title)s” already won an award in %(year)s; earlier winners are not "
                "entered again."
            )
            % {"title": winner.title, "year": winner.round.year}
        )
    if faults:
        raise ValidationError(faults, code="r14")
    assert in_use_since is not None
    result = FiveSmallResult.objects.create(
        round=round_,
        unit=unit,
        kind=kind,
        title=title.strip()[:200],
        problem=problem.strip(),
        solution=solution.strip(),
        in_use_at=in_use_at.strip()[:200],
        in_use_since=in_use_since,
        benefit_yuan=benefit_yuan,
        benefit_text=benefit_text.strip(),
        resubmission_of=resubmission_of,
        submitted_by=actor,
    )
    result.authors.set(people)
    audit_record(
        actor=actor,
        action="innovation.result_submit",
        org=unit,
        obj=result,
        after={"round": round_.pk, "kind": kind, "authors": [p.pk for p in people]},
    )
    return result


@transaction.atomic
def result_pledge(*, actor: User, result: FiveSmallResult) -> FiveSmallResult:
    """The unit union's authenticity pledge (R14, needed before judging): its staff vouch
    that the result is genuine and in use; who and when are kept."""
    result = _locked_result(result)
    if not is_unit_staff(actor, result.unit):
        raise PermissionDenied
    if result.pledged:
        raise ValidationError(_("The unit has pledged this result already."), code="pledged")
    if result.round.state != RoundState.OPEN:
        raise ValidationError(_("This round takes no more results."), code="closed")
    result.pledged_by, result.pledged_at = actor, timezone.now()
    result.save(update_fields=["pledged_by", "pledged_at"])
    audit_record(actor=actor, action="innovation.result_pledge", org=result.unit, obj=result)
    return result


# --- Judging and awards -------------------------------------------------------------------------


def round_panel(round_: FiveSmallRound) -> Panel | None:
    return Panel.objects.filter(
        program=PROGRAM,
        content_type=ContentType.objects.get_for_model(FiveSmallRound),
        object_id=str(round_.pk),
    ).first()


@transaction.atomic
def round_judging_open(
    *, actor: User, round_: FiveSmallRound, leave_out_unpledged: bool = False
) -> Panel:
    """Closes the round to new results and opens its `scoring` panel with R14's rubric and
    the round's prize table; every pledged result is an entry, with its authors' employers
    for recusal. R14: a result without its unit's pledge is not judged: the opening is
    refused naming them, unless the staff choose to leave them out."""
    round_ = _locked_round(round_)
    _require(actor, Perm.INNOVATION_MANAGE, round_.org)
    if round_.state != RoundState.OPEN:
        raise ValidationError(_("Judging of this round is open already."), code="state")
    results = list(round_.results.prefetch_related("authors").select_related("unit").order_by("pk"))
    unpledged = [r for r in results if not r.pledged]
    if unpledged and not leave_out_unpledged:
        raise ValidationError(
            _(
                "R14: the unit's authenticity pledge is needed before judging; missing for: "
                "%(titles)s."
            )
            % {"titles": "、".join(r.title for r in unpledged[:20])},
            code="no_pledge",
        )
    entrants = [r for r in results if r.pledged]
    if not entrants:
        raise ValidationError(_("No pledged result to judge."), code="empty")
    rubric = scoring.rubric_create(
        actor=actor, org=round_.org, name=round_.title, parts=r14_rubric().parts
    )
    panel = scoring.panel_create(
        actor=actor,
        program=PROGRAM,
        subject=round_,
        org=round_.org,
        title=round_.title,
        rubric=rubric,
        tie_breaks=(),
        prize_table=[engine.PrizeTier(t["name"], t["count"]) for t in round_.prize_table],
        merit_limit=round_.merit_limit,
    )
    for result in entrants:
        scoring.entry_add(
            actor=actor,
            panel=panel,
            label=f"{result.title}（{result.unit.name}）",
            subject=result,
            employer_keys=[str(a.employer_id) for a in result.authors.all() if a.employer_id],
        )
    round_.state = RoundState.JUDGING
    round_.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="innovation.round_judging_open",
        org=round_.org,
        obj=round_,
        after={"panel": panel.pk, "entries": len(entrants), "left_out": len(unpledged)},
    )
    return panel


@transaction.atomic
def round_award(*, actor: User, round_: FiveSmallRound) -> list[FiveSmallResult]:
    """The awards of the round as the locked panel ranked and allocated them (prize table
    and merit awards, R19's allocation), written on each result; the panel's results are
    published together. Refused while the panel is not locked."""
    round_ = _locked_round(round_)
    _require(actor, Perm.INNOVATION_MANAGE, round_.org)
    if round_.state != RoundState.JUDGING:
        raise ValidationError(_("Only a round being judged can be awarded."), code="state")
    panel = round_panel(round_)
    if panel is None or panel.state == PanelState.OPEN:
        raise ValidationError(_("Lock the results on the judging panel first."), code="not_locked")
    awards = {
        int(r.entry.object_id): r.prize_tier or (engine.MERIT if r.merit else "")
        for r in Result.objects.filter(panel=panel).select_related("entry")
    }
    awarded = list(round_.results.filter(pk__in=[pk for pk, a in awards.items() if a]))
    for result in awarded:
        result.award = awards[result.pk]
    FiveSmallResult.objects.bulk_update(awarded, ["award"])
    if panel.state == PanelState.LOCKED:
        scoring.results_publish(actor=actor, panel=panel)
    round_.state, round_.awarded_at = RoundState.AWARDED, timezone.now()
    round_.save(update_fields=["state", "awarded_at"])
    audit_record(
        actor=actor,
        action="innovation.round_award",
        org=round_.org,
        obj=round_,
        after={"awarded": {str(r.pk): r.award for r in awarded}},
    )
    return awarded


def panel_subject_url(panel: Panel) -> str:
    return reverse("innovation:five_small_round", args=[int(panel.object_id)])


def panel_employers(panel: Panel) -> list[tuple[str, str]]:
    """The employers of the results' authors, by name: a judge working for one is recused
    from its results (R18)."""
    return enterprise_names(
        key for keys in panel.entries.values_list("employer_keys", flat=True) for key in keys
    )
