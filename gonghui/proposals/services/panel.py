"""Panel review of proposals through `scoring` (R13, R18): a round is a panel with the
proposal rubric; proposals that passed the preliminary review are its entries. Judges mark
on the scoring pages and staff lock the results there."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.proposals.defaults import RUBRIC, RUBRIC_NAME
from gonghui.proposals.models import Proposal, ProposalRound, Stage, Step
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Panel, PanelState

SCORING_PROGRAM = "proposals.panel"


def panel_of(round_: ProposalRound) -> Panel | None:
    return Panel.objects.filter(
        program=SCORING_PROGRAM,
        content_type=ContentType.objects.get_for_model(ProposalRound),
        object_id=str(round_.pk),
    ).first()


@transaction.atomic
def round_create(*, actor: User, org: Org, year: int, title: str) -> ProposalRound:
    """A round of panel review at a federation, with its panel and the proposal rubric
    (feasibility, innovation, economic and social benefit); judges join on the panel page."""
    if not (
        actor_can(actor, Perm.PROPOSAL_MANAGE, org) and actor_can(actor, Perm.SCORE_MANAGE, org)
    ):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError(_("Give the round a title."), code="title")
    try:
        with transaction.atomic():
            round_ = ProposalRound.objects.create(
                org=org, year=year, title=title.strip()[:200], created_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("A round with this title exists already this year."), code="duplicate"
        ) from exc
    rubric = scoring.rubric_create(actor=actor, org=org, name=RUBRIC_NAME, parts=RUBRIC)
    scoring.panel_create(
        actor=actor,
        program=SCORING_PROGRAM,
        subject=round_,
        org=org,
        title=round_.title,
        rubric=rubric,
        aggregation=engine.Aggregation.TRIMMED_MEAN,
        tie_breaks=(),
        prize_table=(),
        award_merit=False,
    )
    audit_record(
        actor=actor,
        action="proposals.round_create",
        org=org,
        obj=round_,
        after={"year": year},
    )
    return round_


def employer_keys(proposal: Proposal) -> list[str]:
    """The proposers' employers, as recusal compares them (R18), and their union."""
    keys = {f"org:{proposal.org_id}"}
    for proposer in proposal.proposers.select_related("person"):
        if proposer.person.employer_id:
            keys.add(f"ent:{proposer.person.employer_id}")
    return sorted(keys)


@transaction.atomic
def round_entries_add(*, actor: User, round_: ProposalRound, proposals: Sequence[Proposal]) -> int:
    """Puts proposals that passed the preliminary review, within the round's org, before the
    panel while it is still open. Returns how many were added."""
    panel = panel_of(round_)
    if panel is None or not actor_can(actor, Perm.PROPOSAL_MANAGE, round_.org):
        raise PermissionDenied
    if panel.state != PanelState.OPEN:
        raise ValidationError(
            _("The panel's results are locked; open a new round for these proposals."),
            code="locked",
        )
    added = 0
    for proposal in proposals:
        locked = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("org")
            .get(pk=proposal.pk)
        )
        if not locked.org.path.startswith(round_.org.path):
            raise PermissionDenied
        if locked.stage != Stage.PANEL or locked.round_id is not None:
            raise ValidationError(
                _("%(title)s is not waiting for a panel.") % {"title": locked.title},
                code="not_waiting",
            )
        scoring.entry_add(
            actor=actor,
            panel=panel,
            label=locked.title,
            subject=locked,
            employer_keys=employer_keys(locked),
        )
        locked.round = round_
        locked.save(update_fields=["round"])
        Step.objects.create(
            proposal=locked, actor=actor, action="panel", stage=locked.stage, note=round_.title
        )
        added += 1
    audit_record(
        actor=actor,
        action="proposals.round_entries_add",
        org=round_.org,
        obj=round_,
        after={"added": added},
    )
    return added


def panel_subject_url(panel: Panel) -> str:
    return f"/proposals/rounds/{panel.object_id}/"


def panel_employers(panel: Panel) -> list[tuple[str, str]]:
    """Names for the employer keys of the panel's entrants (unions and enterprises)."""
    from gonghui.orgs.models import Enterprise

    keys = {k for entry in panel.entries.all() for k in entry.employer_keys}
    org_ids = [int(k[4:]) for k in keys if k.startswith("org:")]
    ent_ids = [int(k[4:]) for k in keys if k.startswith("ent:")]
    names = [(f"org:{o.pk}", o.name) for o in Org.objects.filter(pk__in=org_ids)]
    names += [(f"ent:{e.pk}", e.name) for e in Enterprise.objects.filter(pk__in=ent_ids)]
    return sorted(names, key=lambda item: item[1])
