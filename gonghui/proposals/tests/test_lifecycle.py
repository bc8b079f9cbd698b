"""R13 through the services: the whole life of a proposal, and every refusal on the way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core.models import AuditEntry, Org, User
from gonghui.orgs.models import Person
from gonghui.orgs.tests.factories import member
from gonghui.proposals.models import (
    Assessment,
    BatchItem,
    Outcome,
    Proposal,
    Reward,
    Stage,
    Step,
)
from gonghui.proposals.services import batches, lifecycle, panel
from gonghui.proposals.tests import factories as f
from gonghui.review import services as review
from gonghui.review.models import CaseState

pytestmark = pytest.mark.django_db


def test_r13_whole_life_from_submission_to_archive(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    mate = member(orgs["HH-DH-KD-001"], "钱同事").person
    proposal = f.submitted(personas["courier_worker"], courier, co_proposers=[mate])
    assert proposal.stage == Stage.SUBMITTED
    assert [p.person.name for p in proposal.proposers.all()] == ["周骑手", "钱同事"]
    case = lifecycle.case_of(proposal)
    assert case is not None and case.state == CaseState.DRAFT
    f.reviewed(personas, proposal)
    assert proposal.stage == Stage.PANEL
    assert lifecycle.case_of(proposal).state == CaseState.CONFIRMED  # type: ignore[union-attr]
    f.judged(personas, orgs, proposal)
    assert lifecycle.panel_result(proposal) is not None
    lifecycle.proposal_decide(
        actor=personas["donghu_staff"], proposal=proposal, outcome=Outcome.TRIAL
    )
    lifecycle.proposal_implement(
        actor=personas["donghu_staff"],
        proposal=proposal,
        implementing_org=orgs["HH-DH-KD-001"],
        plan="试行一个月。",
        owner="站长",
        due=timezone.localdate(),
    )
    lifecycle.proposal_assess(
        actor=personas["donghu_staff"],
        proposal=proposal,
        kind="value",
        amount="150000",
        evidence=f.pdf(),
    )
    reward = lifecycle.proposal_reward(actor=personas["donghu_staff"], proposal=proposal)
    assert (reward.tier, reward.amount) == (2, Decimal("2000.00"))  # ≥ 100,000 by the default
    lifecycle.proposal_archive(actor=personas["donghu_staff"], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.stage == Stage.ARCHIVED
    actions = list(Step.objects.filter(proposal=proposal).values_list("action", flat=True))
    assert actions == ["submit", "panel", "decide", "implement", "assess", "reward", "archive"]
    assert AuditEntry.objects.filter(action="proposals.reward", object_id=str(proposal.pk)).exists()


def test_r13_reward_without_assessment_is_refused_naming_r13(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.implemented(personas, orgs, f.submitted(personas["courier_worker"], courier))
    with pytest.raises(ValidationError, match="R13"):
        lifecycle.proposal_reward(actor=personas["donghu_staff"], proposal=proposal)
    assert not Reward.objects.exists()


def test_r13_database_refuses_a_reward_without_an_assessment(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.submitted(personas["courier_worker"], courier)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reward.objects.create(
            proposal=proposal,
            assessment_id=None,  # type: ignore[misc]  # the point: the database refuses it
            tier=1,
            amount=Decimal(100),
            awarded_by=personas["city_admin"],
        )


def test_r13_reward_tier_follows_the_assessed_value(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.assessed(
        personas, orgs, f.submitted(personas["courier_worker"], courier), Decimal("1000000")
    )
    reward = lifecycle.proposal_reward(actor=personas["donghu_staff"], proposal=proposal)
    assert (reward.tier, reward.amount) == (1, Decimal("5000.00"))


def test_r13_a_federation_table_replaces_the_default(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    year = timezone.localdate().year
    lifecycle.reward_tiers_set(
        actor=personas["donghu_staff"],
        org=orgs["HH-DH"],
        year=year,
        tiers=[(Decimal(0), Decimal(300)), (Decimal(50000), Decimal(3000))],
    )
    assert lifecycle.tier_for(orgs["HH-DH-KD-001"], year, Decimal(60000)) == (1, Decimal("3000.00"))
    assert lifecycle.tier_for(orgs["HH-XS-JD1-001"], year, Decimal(60000)) == (3, Decimal("500.00"))
    with pytest.raises(ValidationError, match="0"):
        lifecycle.reward_tiers_set(
            actor=personas["donghu_staff"],
            org=orgs["HH-DH"],
            year=year,
            tiers=[(Decimal(100), Decimal(300))],
        )


def test_r13_fraud_cancels_the_reward_with_a_reason_audited(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.assessed(personas, orgs, f.submitted(personas["courier_worker"], courier))
    lifecycle.proposal_reward(actor=personas["donghu_staff"], proposal=proposal)
    with pytest.raises(ValidationError, match="R13"):
        lifecycle.reward_cancel(actor=personas["donghu_staff"], proposal=proposal, reason=" ")
    lifecycle.reward_cancel(actor=personas["donghu_staff"], proposal=proposal, reason="效益虚报")
    reward = Reward.objects.get(proposal=proposal)
    assert reward.cancelled_at is not None and reward.cancel_reason == "效益虚报"
    entry = AuditEntry.objects.get(action="proposals.reward_cancel")
    assert entry.reason == "效益虚报"
    with pytest.raises(ValidationError):
        lifecycle.reward_cancel(actor=personas["donghu_staff"], proposal=proposal, reason="again")


@pytest.mark.parametrize("outcome", [Outcome.SHELVE, Outcome.REJECT])
def test_r13_shelve_or_reject_needs_a_reason(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person, outcome: str
) -> None:
    proposal = f.judged(
        personas, orgs, f.reviewed(personas, f.submitted(personas["courier_worker"], courier))
    )
    with pytest.raises(ValidationError, match="R13"):
        lifecycle.proposal_decide(
            actor=personas["donghu_staff"], proposal=proposal, outcome=outcome
        )
    lifecycle.proposal_decide(
        actor=personas["donghu_staff"], proposal=proposal, outcome=outcome, reason="成本过高"
    )
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.outcome_reason) == (Stage.DECIDED, "成本过高")
    with pytest.raises(ValidationError):  # not adopted: nothing to implement
        lifecycle.proposal_implement(
            actor=personas["donghu_staff"],
            proposal=proposal,
            implementing_org=orgs["HH-DH"],
            plan="x",
            owner="y",
            due=timezone.localdate(),
        )
    lifecycle.proposal_archive(actor=personas["donghu_staff"], proposal=proposal)


def test_r13_no_decision_before_the_panel_has_ranked(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.reviewed(personas, f.submitted(personas["courier_worker"], courier))
    round_ = f.round_open(personas, orgs)
    panel.round_entries_add(actor=personas["donghu_staff"], round_=round_, proposals=[proposal])
    with pytest.raises(ValidationError, match="R13"):
        lifecycle.proposal_decide(
            actor=personas["donghu_staff"], proposal=proposal, outcome=Outcome.ADOPT
        )


def test_r13_preliminary_rejection_decides_the_proposal(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.submitted(personas["courier_worker"], courier)
    lifecycle.proposal_forward(actor=personas["courier_chair"], proposal=proposal)
    case = lifecycle.case_of(proposal)
    assert case is not None
    review.case_reject(actor=personas["donghu_staff"], case=case, reason="重复提交")
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.outcome, proposal.outcome_reason) == (
        Stage.DECIDED,
        Outcome.REJECT,
        "重复提交",
    )


def test_r13_only_proposals_past_review_go_before_a_panel(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.submitted(personas["courier_worker"], courier)
    round_ = f.round_open(personas, orgs)
    with pytest.raises(ValidationError):
        panel.round_entries_add(actor=personas["donghu_staff"], round_=round_, proposals=[proposal])
    with pytest.raises(PermissionDenied):  # 西山 holds no round of 东湖
        panel.round_entries_add(actor=personas["xishan_staff"], round_=round_, proposals=[proposal])


def test_r13_batch_takes_adopted_proposals_once(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    year = timezone.localdate().year
    good = f.adopted(personas, orgs, f.submitted(personas["courier_worker"], courier))
    fresh = f.submitted(personas["courier_worker"], courier, title="另一条建议")
    first = batches.batch_create(
        actor=personas["city_admin"], org=orgs["HH"], year=year, title="第一批"
    )
    second = batches.batch_create(
        actor=personas["city_admin"], org=orgs["HH"], year=year, title="第二批"
    )
    with pytest.raises(ValidationError, match="R13"):
        batches.batch_add(actor=personas["city_admin"], batch=first, proposal=fresh)
    batches.batch_add(actor=personas["city_admin"], batch=first, proposal=good, opinion="推荐")
    with pytest.raises(ValidationError, match="R13"):
        batches.batch_add(actor=personas["city_admin"], batch=second, proposal=good)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        BatchItem.objects.create(batch=second, proposal=good, added_by=personas["city_admin"])
    with pytest.raises(PermissionDenied):
        batches.batch_create(
            actor=personas["xishan_staff"], org=orgs["HH-DH"], year=year, title="x"
        )


def test_r13_batch_workbook_has_the_proposal_row(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    import io

    import openpyxl

    proposal = f.assessed(personas, orgs, f.submitted(personas["courier_worker"], courier))
    batch = batches.batch_create(
        actor=personas["city_admin"], org=orgs["HH"], year=proposal.year, title="推荐表"
    )
    batches.batch_add(actor=personas["city_admin"], batch=batch, proposal=proposal, opinion="推荐")
    sheet = openpyxl.load_workbook(
        io.BytesIO(batches.batch_workbook(actor=personas["city_admin"], batch=batch))
    ).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "建议题目", "建议人")
    assert rows[2][1:4] == (proposal.title, "周骑手", "东湖快递站点联合工会")
    assert rows[2][5] == "东湖快递站点联合工会"
    assert Decimal(str(rows[2][7])) == Decimal("12.35")  # 123,456.78 yuan in 万元
    with pytest.raises(PermissionDenied):
        batches.batch_workbook(actor=personas["xishan_staff"], batch=batch)


def test_r13_joint_proposers_must_be_of_the_same_union(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    stranger = member(orgs["HH-XS-JD1-001"], "西山人").person
    with pytest.raises(ValidationError, match="西山人"):
        f.submitted(personas["courier_worker"], courier, co_proposers=[stranger])
    assert not Proposal.objects.exists()


def test_r13_bad_attachment_is_refused_and_nothing_is_written(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError, match=r"photo\.jpg"):
        f.submitted(personas["courier_worker"], courier, attachments=[fake])
    assert not Proposal.objects.exists()


def test_r13_assessment_needs_good_evidence_and_amount(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.implemented(personas, orgs, f.submitted(personas["courier_worker"], courier))
    bad = SimpleUploadedFile("report.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match=r"report\.pdf"):
        lifecycle.proposal_assess(
            actor=personas["donghu_staff"],
            proposal=proposal,
            kind="saving",
            amount="10",
            evidence=bad,
        )
    with pytest.raises(ValidationError):
        lifecycle.proposal_assess(
            actor=personas["donghu_staff"],
            proposal=proposal,
            kind="saving",
            amount="-1",
            evidence=f.pdf(),
        )
    assert not Assessment.objects.exists()


def test_other_district_cannot_act_on_a_proposal(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.judged(
        personas, orgs, f.reviewed(personas, f.submitted(personas["courier_worker"], courier))
    )
    with pytest.raises(PermissionDenied):
        lifecycle.proposal_decide(
            actor=personas["xishan_staff"], proposal=proposal, outcome=Outcome.ADOPT
        )
    with pytest.raises(PermissionDenied):
        lifecycle.proposal_decide(
            actor=personas["courier_worker"], proposal=proposal, outcome=Outcome.ADOPT
        )


def test_a_worker_without_membership_cannot_file(personas: dict[str, User]) -> None:
    from gonghui.orgs.tests.factories import person as make_person

    orphan = make_person(
        Org.objects.get(code="HH-DH-KD-001"), "无会籍", user=personas["courier_worker"]
    )
    with pytest.raises(ValidationError):
        f.submitted(personas["courier_worker"], orphan)


def test_r13_only_the_panel_federation_decides(
    personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.judged(
        personas, orgs, f.reviewed(personas, f.submitted(personas["courier_worker"], courier))
    )
    with pytest.raises(PermissionDenied):  # the station's federation manages it, not the panel
        lifecycle.proposal_decide(
            actor=personas["courier_chair"], proposal=proposal, outcome=Outcome.ADOPT
        )


def test_r13_union_staff_file_on_a_members_behalf(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    worker = member(orgs["HH-DH-JD1-001"], "孙师傅").person
    proposal = f.submitted(personas["factory_chair"], worker)
    assert (
        proposal.org == orgs["HH-DH-JD1-001"] and proposal.submitted_by == personas["factory_chair"]
    )
    case = lifecycle.case_of(proposal)
    assert case is not None and case.beneficiary_id is None
    with pytest.raises(PermissionDenied):  # 西山 files nothing for a 东湖 member
        f.submitted(personas["xishan_staff"], worker, title="越权")
