"""Proposals brought to each stage through the real services: the courier files, his station's
federation forwards, 东湖 reviews, two judges mark, 东湖 decides and follows it up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.orgs.models import Person
from gonghui.proposals.models import Outcome, Proposal, ProposalRound
from gonghui.proposals.services import lifecycle, panel
from gonghui.review import services as review
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Entry

PDF = b"%PDF-1.4\n% test\n%%EOF\n"
MARKS = {"feasibility": "90", "innovation": "80", "economic": "85", "social": "70"}


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def data(title: str = "分拣线加装防夹手护栏") -> lifecycle.ProposalData:
    return lifecycle.ProposalData(
        title=title,
        problem="分拣线入口处常有夹手险情。",
        suggestion="加装护栏与急停按钮。",
        expected_benefit="减少工伤。",
        field="safety",
    )


def submitted(
    worker: User, person: Person, title: str = "分拣线加装防夹手护栏", **kwargs: object
) -> Proposal:
    return lifecycle.proposal_submit(
        actor=worker,
        data=data(title),
        lead=person,
        **kwargs,  # type: ignore[arg-type]  # co_proposers, attachments
    )


def reviewed(personas: dict[str, User], proposal: Proposal) -> Proposal:
    """Forwarded by the courier federation, approved by 东湖: passed the preliminary review."""
    lifecycle.proposal_forward(actor=personas["courier_chair"], proposal=proposal)
    case = lifecycle.case_of(proposal)
    assert case is not None
    review.case_approve(actor=personas["donghu_staff"], case=case)
    proposal.refresh_from_db()
    return proposal


def round_open(
    personas: dict[str, User], orgs: dict[str, Org], title: str = "东湖区评审"
) -> ProposalRound:
    round_ = panel.round_create(
        actor=personas["donghu_staff"],
        org=orgs["HH-DH"],
        year=timezone.localdate().year,
        title=title,
    )
    board = panel.panel_of(round_)
    assert board is not None
    for judge in ("judge", "judge2"):
        scoring.judge_add(actor=personas["donghu_staff"], panel=board, user=personas[judge])
    return round_


def judged(personas: dict[str, User], orgs: dict[str, Org], proposal: Proposal) -> Proposal:
    round_ = round_open(personas, orgs)
    panel.round_entries_add(actor=personas["donghu_staff"], round_=round_, proposals=[proposal])
    board = panel.panel_of(round_)
    assert board is not None
    entry = Entry.objects.get(panel=board, object_id=str(proposal.pk))
    for judge in ("judge", "judge2"):
        scoring.sheet_save(actor=personas[judge], panel=board, entry=entry, marks=MARKS)
    scoring.results_lock(actor=personas["donghu_staff"], panel=board)
    proposal.refresh_from_db()
    return proposal


def adopted(personas: dict[str, User], orgs: dict[str, Org], proposal: Proposal) -> Proposal:
    judged(personas, orgs, reviewed(personas, proposal))
    return lifecycle.proposal_decide(
        actor=personas["donghu_staff"], proposal=proposal, outcome=Outcome.ADOPT
    )


def implemented(personas: dict[str, User], orgs: dict[str, Org], proposal: Proposal) -> Proposal:
    adopted(personas, orgs, proposal)
    return lifecycle.proposal_implement(
        actor=personas["donghu_staff"],
        proposal=proposal,
        implementing_org=orgs["HH-DH-KD-001"],
        plan="三周内完成改造。",
        owner="站长王强",
        due=timezone.localdate() + dt.timedelta(days=30),
    )


def assessed(
    personas: dict[str, User],
    orgs: dict[str, Org],
    proposal: Proposal,
    amount: Decimal = Decimal("123456.78"),
) -> Proposal:
    implemented(personas, orgs, proposal)
    lifecycle.proposal_assess(
        actor=personas["donghu_staff"],
        proposal=proposal,
        kind="saving",
        amount=amount,
        evidence=pdf(),
    )
    proposal.refresh_from_db()
    return proposal
