"""The jury and the final ranking (R22). After voting the campaign's staff open a jury panel
through `scoring` (the one judging mechanism): a rubric of the worker's deeds, service and
skill, the approved candidates as entrants (in a shortlist campaign, the 2 × winners with
the most votes), judges seated and marking on the panel pages, results locked there. The
final score blends the public vote (on a 100 scale against the leader) with the jury's
score by the campaign's weight (default 40/60); ties go to the higher jury score, then to
more votes. The top `winners` are recognised; merit awards go to the rest of the top half.
The ranking then goes through a public notice (R6) of the review app; it is final once the
notice closes with no sustained objection."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gonghui.appraisal.models import AppraisalResult, Campaign, Candidate, CandidateState
from gonghui.appraisal.services.voting import tallies
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import mask_name
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.review import notices
from gonghui.review.models import Decision, Notice, NoticeEntry
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Panel, PanelState, Result

PROGRAM = "appraisal.jury"
NOTICE_PROGRAM = "appraisal.results"  # the review program of the result notice
JURY = "jury"
VOTES = "votes"
TIE_BREAKS = (
    engine.TieBreak(JURY, engine.Prefer.HIGHER),
    engine.TieBreak(VOTES, engine.Prefer.HIGHER),
)


def jury_criteria() -> tuple[engine.Criterion, ...]:
    return (
        engine.Criterion("deeds", _("Deeds and their example"), Decimal(40)),
        engine.Criterion("service", _("Service and public regard"), Decimal(30)),
        engine.Criterion("skill", _("Skill and safety record"), Decimal(30)),
    )


def jury_panel(campaign: Campaign) -> Panel | None:
    return Panel.objects.filter(
        program=PROGRAM,
        content_type=ContentType.objects.get_for_model(Campaign),
        object_id=str(campaign.pk),
    ).first()


def _require(actor: User, campaign: Campaign) -> None:
    if not actor_can(actor, Perm.APPRAISAL_MANAGE, campaign.org):
        raise PermissionDenied


@transaction.atomic
def jury_open(*, actor: User, campaign: Campaign) -> Panel:
    """The jury panel, once voting has ended, with its entrants (their employers for R18's
    recusal of judges)."""
    _require(actor, campaign)
    if timezone.now() < campaign.voting_ends:
        raise ValidationError(_("The jury scores once voting has ended."), code="voting")
    if jury_panel(campaign) is not None:
        raise ValidationError(_("The jury is open already."), code="duplicate")
    field = list(
        campaign.candidates.filter(state=CandidateState.APPROVED)
        .select_related("person")
        .order_by("number")
    )
    if campaign.shortlist_only:
        counts = tallies(campaign)
        field.sort(key=lambda c: (-counts.get(c.pk, 0), c.number or 0))
        field = sorted(field[: 2 * campaign.winners], key=lambda c: c.number or 0)
    if not field:
        raise ValidationError(_("There is no candidate to score."), code="empty")
    rubric = scoring.rubric_create(
        actor=actor,
        org=campaign.org,
        name=_("Jury of %(title)s") % {"title": campaign.title},
        parts=[engine.Part(JURY, _("Jury"), Decimal(1), jury_criteria())],
    )
    panel = scoring.panel_create(
        actor=actor,
        program=PROGRAM,
        subject=campaign,
        org=campaign.org,
        title=_("Jury of %(title)s") % {"title": campaign.title},
        rubric=rubric,
        tie_breaks=(),
        prize_table=(),
        award_merit=False,
    )
    for candidate in field:
        scoring.entry_add(
            actor=actor,
            panel=panel,
            label=_("No. %(n)s %(name)s") % {"n": candidate.number, "name": candidate},
            subject=candidate,
            employer_keys=[candidate.employer],
            position=candidate.number,
        )
    audit_record(
        actor=actor,
        action="appraisal.jury_open",
        org=campaign.org,
        obj=campaign,
        after={"panel": panel.pk, "entrants": len(field)},
    )
    return panel


@transaction.atomic
def results_compute(*, actor: User, campaign: Campaign) -> list[AppraisalResult]:
    """The final ranking from the locked jury panel and the counted votes (R22), written once."""
    _require(actor, campaign)
    panel = jury_panel(campaign)
    if panel is None or panel.state == PanelState.OPEN:
        raise ValidationError(_("Lock the jury's results first."), code="jury_open")
    if AppraisalResult.objects.filter(campaign=campaign).exists():
        raise ValidationError(_("The final ranking is computed already."), code="done")
    jury = {
        int(r.entry.object_id): r.total
        for r in Result.objects.filter(panel=panel).select_related("entry")
    }
    candidates = {
        c.pk: c for c in Candidate.objects.filter(pk__in=jury, state=CandidateState.APPROVED)
    }
    jury = {pk: score for pk, score in jury.items() if pk in candidates}  # none disqualified since
    counts = {pk: tallies(campaign).get(pk, 0) for pk in jury}
    weight = Decimal(0) if campaign.shortlist_only else campaign.public_weight
    final = engine.blend_public_vote(counts, jury, public_weight=weight)
    most = max(counts.values(), default=0)
    placings = engine.rank_entries(
        [engine.Entry(pk, final[pk], {JURY: jury[pk], VOTES: Decimal(counts[pk])}) for pk in jury],
        tie_breaks=TIE_BREAKS,
    )
    allocation = engine.allocate_prizes(
        placings, (engine.PrizeTier("recognised", campaign.winners),)
    )
    merit = set(engine.merit_awards(placings, prizes=allocation.awards))
    results = [
        AppraisalResult(
            campaign=campaign,
            candidate=candidates[int(p.entry.key)],
            votes=counts[int(p.entry.key)],
            vote_score=(Decimal(counts[int(p.entry.key)]) * 100 / most).quantize(Decimal("0.01"))
            if most
            else Decimal(0),
            jury_score=jury[int(p.entry.key)],
            final=final[int(p.entry.key)],
            rank=p.rank,
            recognised=p.entry.key in allocation.awards,
            merit=p.entry.key in merit,
        )
        for p in placings
    ]
    AppraisalResult.objects.bulk_create(results)
    audit_record(
        actor=actor,
        action="appraisal.results_compute",
        org=campaign.org,
        obj=campaign,
        after={
            "recognised": [r.candidate_id for r in results if r.recognised],
            "public_weight": str(weight),
        },
    )
    return results


def result_label(result: AppraisalResult) -> str:
    """How a result shows on the public notice (R6): the candidate's number, the masked name,
    the employer, the final score, the rank and the award; never an ID number."""
    candidate = result.candidate
    return _(
        "No. %(number)s · %(name)s · %(employer)s · final score %(score)s · "
        "rank %(rank)s · %(award)s"
    ) % {
        "number": candidate.number,
        "name": mask_name(candidate.person.name),
        "employer": candidate.employer,
        "score": result.final,
        "rank": result.rank,
        "award": _("Recognised") if result.recognised else _("Merit award"),
    }


@transaction.atomic
def results_publish(*, actor: User, campaign: Campaign) -> Notice:
    """Puts the final ranking under public notice (R6, R22): one entry per recognised
    candidate and per merit award, by rank, masked, for the notice's working days. Once per
    campaign, after the ranking is computed. The notice is the review app's: publishing it
    and answering its objections also need case.review at the campaign's org."""
    _require(actor, campaign)
    campaign = (
        Campaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)
    )
    if not AppraisalResult.objects.filter(campaign=campaign).exists():
        raise ValidationError(
            _("Compute the final ranking before publishing it."), code="no_results"
        )
    if campaign.result_notice_id is not None:
        raise ValidationError(_("The result notice is published already."), code="published")
    rows = (
        AppraisalResult.objects.filter(Q(recognised=True) | Q(merit=True), campaign=campaign)
        .select_related("candidate__person")
        .order_by("rank", "candidate__number")
    )
    # The notice is a public document in the city's language, whatever the staff's is.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(title)s: public notice of the results") % {"title": campaign.title}
        subjects = [(result, result_label(result)) for result in rows]
    notice = notices.notice_publish(
        actor=actor, program=NOTICE_PROGRAM, org=campaign.org, title=title, subjects=subjects
    )
    campaign.result_notice = notice
    campaign.save(update_fields=["result_notice"])
    audit_record(
        actor=actor,
        action="appraisal.results_publish",
        org=campaign.org,
        obj=campaign,
        after={"notice": notice.pk, "entries": len(subjects), "until": notice.ends_on},
    )
    return notice


def on_notice_entry(entry: NoticeEntry, decision: str) -> None:
    """The review app's word on a result notice entry (R6). When the notice closes, the
    results become final if no objection against any entry was sustained; a sustained one
    leaves them unconfirmed, and the campaign's page shows it to the staff."""
    if decision != Decision.CONFIRM:
        return
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(result_notice_id=entry.notice_id, results_confirmed_at__isnull=True)
        .first()
    )
    if campaign is None:  # confirmed at an earlier entry of the same notice
        return
    if NoticeEntry.objects.filter(notice_id=entry.notice_id, withdrawn=True).exists():
        return
    campaign.results_confirmed_at = timezone.now()
    campaign.save(update_fields=["results_confirmed_at"])
    audit_record(
        actor=None,
        action="appraisal.results_confirm",
        org=campaign.org,
        obj=campaign,
        after={"notice": entry.notice_id},
    )
