"""Skill-grade promotion of a contest's prize winners (R19). The grade is `orgs`'s: every
promotion goes through `orgs.services.skill_grade_promote`, which records and audits it."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.competitions.models import Contest, Registration
from gonghui.competitions.services import contest_panel
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.orgs.models import SkillGradeChange, SkillGradeSource
from gonghui.orgs.services import skill_grade_promote
from gonghui.scoring import engine
from gonghui.scoring.models import Panel, PanelState, Result

# R19 "also requires passing both theory and practical": each part score (on a 100 scale, as
# `scoring.engine.part_score` gives it) at or above this mark. A default, not yet per contest.
PASS_MARK = Decimal(60)
# Promotion refusals that only mean "not this person": skipped, not an error of the run.
NOT_PROMOTABLE = {"no_grade", "top_grade"}
TIER_NAMES = {
    "first": gettext_lazy("First prize"),
    "second": gettext_lazy("Second prize"),
    "third": gettext_lazy("Third prize"),
}


def source_ref_for(contest: Contest) -> str:
    return f"contest:{contest.pk}"


def _published_panel(contest: Contest) -> Panel:
    panel = contest_panel(contest)
    if panel is None or panel.state != PanelState.PUBLISHED:
        raise ValidationError(
            _("Promotions follow the contest's published results."), code="not_published"
        )
    return panel


def passed_both(result: Result) -> bool:
    """Theory and practical both at or above the pass mark (a missing part fails)."""
    scores = result.part_scores
    return all(
        Decimal(scores.get(part, "0")) >= PASS_MARK for part in (engine.THEORY, engine.PRACTICAL)
    )


@transaction.atomic
def promotions_apply(*, actor: User, contest: Contest) -> list[SkillGradeChange]:
    """R19: every contestant of an entry with a prize tier (a merit award is not enough) who
    passed both theory and practical goes up one skill grade, through the orgs service, once
    per contest. By contest staff at the contest's org, after the results are published.
    People already promoted for this contest, with no grade recorded or at the top grade are
    skipped; the changes made now are returned."""
    contest = (
        Contest.objects.select_for_update(of=("self",)).select_related("org").get(pk=contest.pk)
    )
    if not actor_can(actor, Perm.CONTEST_MANAGE, contest.org):
        raise PermissionDenied
    panel = _published_panel(contest)
    results = Result.objects.filter(panel=panel).exclude(prize_tier="").select_related("entry")
    tiers = {int(r.entry.object_id): r.prize_tier for r in results if passed_both(r)}
    source_ref = source_ref_for(contest)
    promoted_already = set(
        SkillGradeChange.objects.filter(source_ref=source_ref).values_list("person_id", flat=True)
    )
    registrations = (
        Registration.objects.filter(contest=contest, pk__in=tiers)
        .prefetch_related("contestants__person")
        .order_by("pk")
    )
    changes = []
    for registration in registrations:
        reason = _("Prize winner (%(tier)s) of %(contest)s") % {
            "tier": TIER_NAMES.get(tiers[registration.pk], tiers[registration.pk]),
            "contest": contest.title,
        }
        for contestant in registration.contestants.all():
            if contestant.person_id in promoted_already:
                continue
            try:
                change = skill_grade_promote(
                    actor=actor,
                    person=contestant.person,
                    reason=reason,
                    source=SkillGradeSource.COMPETITION,
                    source_ref=source_ref,
                )
            except ValidationError as exc:
                if exc.code in NOT_PROMOTABLE:
                    continue
                raise
            changes.append(change)
    audit_record(
        actor=actor,
        action="competitions.promotions_apply",
        org=contest.org,
        obj=contest,
        after={"skill_grade_changes": [c.pk for c in changes]},
    )
    return changes
