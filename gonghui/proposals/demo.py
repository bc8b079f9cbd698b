"""The demo city's proposals of this year (R13): 208 filed at 东湖区 and 西山区 unions, a few by
the courier persona. Each has its review case; those past the preliminary review went before
their district's panel round, which three judges marked and whose results are locked; most
adopted ones are implemented and assessed, many rewarded (one reward cancelled for fraud);
the city recommended the accepted ones to the province in one batch. Deterministic and
idempotent; rows are bulk-created, the panels' results computed by scoring's own lock."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.orgs.models import CURRENT_STATES, Membership
from gonghui.proposals.models import (
    Assessment,
    BatchItem,
    BenefitKind,
    Field,
    Outcome,
    Proposal,
    Proposer,
    RecommendationBatch,
    Reward,
    Stage,
    Step,
)
from gonghui.proposals.services import lifecycle, panel
from gonghui.review.models import CaseState, ReviewCase
from gonghui.scoring import services as scoring
from gonghui.scoring.models import JudgeRole, ScoreSheet

TOTAL = 208
BATCH_TITLE = "淮河市{year}年度职工合理化建议推荐（第一批）"
EVIDENCE = "proposals/evidence/demo-acceptance.pdf"
TOPICS = (
    ("改进{}工序，减少返工", Field.PRODUCTION),
    ("{}设备加装防护罩", Field.SAFETY),
    ("{}车间照明改用感应灯", Field.SAVING),
    ("优化{}排班与交接流程", Field.MANAGEMENT),
    ("{}站点增设职工休息点", Field.SERVICE),
    ("回收利用{}边角余料", Field.SAVING),
    ("{}叉车通道划线与限速", Field.SAFETY),
    ("{}库存盘点改用扫码", Field.MANAGEMENT),
)
PLACES = ("冲压", "焊装", "涂装", "总装", "仓储", "分拣", "配送", "包装", "质检", "机修")
# How the 208 stand: (stage, outcome, how many), in filing order.
PLAN = (
    (Stage.SUBMITTED, "", 14),
    (Stage.PANEL, "", 10),
    (Stage.DECIDED, Outcome.REJECT, 20),
    (Stage.ARCHIVED, Outcome.SHELVE, 14),
    (Stage.DECIDED, Outcome.ADOPT, 16),
    (Stage.IMPLEMENTING, Outcome.TRIAL, 24),
    (Stage.ACCEPTED, Outcome.ADOPT, 40),
    (Stage.REWARDED, Outcome.ADOPT, 60),
    (Stage.ARCHIVED, Outcome.ADOPT, 10),
)


def load(*, size: int = 0) -> None:
    year = timezone.localdate().year
    if RecommendationBatch.objects.filter(title=BATCH_TITLE.format(year=year)).exists():
        return
    names = ("city_admin", "donghu_staff", "xishan_staff", "courier_worker", "judge", "judge2")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names):
        return
    with transaction.atomic():
        _load(users, year)


def _members(rng: random.Random) -> list[tuple[Org, int, User | None]]:
    """(union, person id, user) for proposers: members of 东湖区 and 西山区 unions."""
    rows = list(
        Membership.objects.filter(
            state__in=CURRENT_STATES, org__level=4, org__code__regex=r"^HH-(DH|XS)-"
        )
        .order_by("pk")
        .values_list("org_id", "person_id", "person__user_id")[:20000]
    )
    orgs = {o.pk: o for o in Org.objects.filter(pk__in={r[0] for r in rows})}
    rng.shuffle(rows)
    return [(orgs[o], p, None) for o, p, _u in rows]


def _load(users: dict[str, User], year: int) -> None:
    rng = random.Random(13)
    members = _members(rng)
    courier = Membership.objects.filter(
        person__user=users["courier_worker"], state__in=CURRENT_STATES
    ).first()
    if not members or courier is None:
        return
    if not default_storage.exists(EVIDENCE):
        default_storage.save(EVIDENCE, ContentFile(b"%PDF-1.4\n% demo acceptance report\n%%EOF\n"))
    stages = [(s, o) for s, o, n in PLAN for _i in range(n)]
    now = timezone.now()
    start = now - dt.timedelta(days=200)
    proposals: list[Proposal] = []
    leads: list[int] = []
    for n, (stage, outcome) in enumerate(stages):
        if n in (3, 60, 120):  # the courier persona's own, at three stages
            org, person_id = courier.org, courier.person_id
            by = users["courier_worker"]
        else:
            org, person_id, _user = members[n % len(members)]
            by = users["donghu_staff" if org.code.startswith("HH-DH") else "xishan_staff"]
        topic, field = TOPICS[n % len(TOPICS)]
        proposals.append(
            Proposal(
                org=org,
                year=year,
                title=f"关于{topic.format(PLACES[n % len(PLACES)])}的建议（{n + 1:03d}）",
                problem="现行做法耗时长、差错多，职工反映强烈。",
                suggestion="调整作业顺序并配置简易工装，先在一个班组试行，再全面推开。",
                expected_benefit="预计每年节约成本并减少安全隐患。",
                field=field,
                stage=stage,
                submitted_by=by,
                submitted_at=start + dt.timedelta(hours=n * 20),
                outcome=outcome,
                outcome_reason=(
                    "与现行安全规程冲突，暂不采纳。"
                    if outcome == Outcome.REJECT
                    else "思路可取，待条件成熟后再议。"
                    if outcome == Outcome.SHELVE
                    else ""
                ),
                decided_at=now - dt.timedelta(days=60) if outcome else None,
                decided_by=users["donghu_staff" if org.code.startswith("HH-DH") else "xishan_staff"]
                if outcome
                else None,
                implementing_org=org if stage in _PLANNED and outcome in _ADOPTED else None,
                plan="成立攻关小组，分三步实施。"
                if stage in _PLANNED and outcome in _ADOPTED
                else "",
                plan_owner="班组长" if stage in _PLANNED and outcome in _ADOPTED else "",
                plan_due=(now + dt.timedelta(days=90)).date()
                if stage in _PLANNED and outcome in _ADOPTED
                else None,
            )
        )
        leads.append(person_id)
    Proposal.objects.bulk_create(proposals)
    Proposer.objects.bulk_create(
        [
            Proposer(proposal=p, person_id=lead, lead=True)
            for p, lead in zip(proposals, leads, strict=True)
        ]
    )
    Step.objects.bulk_create(
        [
            Step(
                proposal=p,
                actor=p.submitted_by,
                at=p.submitted_at,
                action="submit",
                stage=Stage.SUBMITTED,
            )
            for p in proposals
        ]
    )
    _cases(proposals, users)
    _panels(proposals, users, year, rng)
    _assessments(proposals, users, rng)
    _batch(proposals, users, year)


_ADOPTED = (Outcome.ADOPT, Outcome.TRIAL)
_BEFORE_PLAN = (Stage.SUBMITTED, Stage.PANEL)
_PLANNED = (Stage.IMPLEMENTING, Stage.ACCEPTED, Stage.REWARDED, Stage.ARCHIVED)


def _cases(proposals: list[Proposal], users: dict[str, User]) -> None:
    """Each proposal's preliminary review case, in the state its stage implies."""
    content_type = ContentType.objects.get_for_model(Proposal)
    districts = {o.code: o for o in Org.objects.filter(code__in=["HH-DH", "HH-XS"])}
    cases = []
    for n, p in enumerate(proposals):
        district = districts[p.org.code[:5]]
        if p.stage == Stage.SUBMITTED:
            waiting = n % 2 == 0
            state = CaseState.UNDER_REVIEW if waiting else CaseState.DRAFT
        elif p.stage == Stage.DECIDED and p.outcome == Outcome.REJECT and n % 2 == 0:
            waiting, state = False, CaseState.REJECTED  # turned down at the preliminary review
        else:
            waiting, state = False, CaseState.CONFIRMED
        cases.append(
            ReviewCase(
                program=lifecycle.PROGRAM,
                content_type=content_type,
                object_id=str(p.pk),
                title=p.title,
                org=p.org,
                opener=p.submitted_by,
                chain=[4, 2],
                level_index=1 if state != CaseState.DRAFT else 0,
                reviewing_org=district if waiting else None,
                due=(timezone.localdate() + dt.timedelta(days=3)) if waiting else None,
                state=state,
                reason=p.outcome_reason if state == CaseState.REJECTED else "",
                created_at=p.submitted_at,
            )
        )
    ReviewCase.objects.bulk_create(cases)


def _panels(
    proposals: list[Proposal], users: dict[str, User], year: int, rng: random.Random
) -> None:
    """A round per district, marked by two judges, its results locked by scoring."""
    judged = [
        p
        for p in proposals
        if p.stage not in _BEFORE_PLAN
        and not (p.outcome == Outcome.REJECT and proposals.index(p) % 2 == 0)
    ]
    for code, staff in (("HH-DH", "donghu_staff"), ("HH-XS", "xishan_staff")):
        district = Org.objects.get(code=code)
        actor = users[staff]
        round_ = panel.round_create(
            actor=actor, org=district, year=year, title=f"{district.name}{year}年合理化建议评审"
        )
        board = panel.panel_of(round_)
        assert board is not None  # round_create made it
        judges = [
            scoring.judge_add(actor=actor, panel=board, user=users[u], role=JudgeRole.JUDGE)
            for u in ("judge", "judge2")
        ]
        mine = [p for p in judged if p.org.code.startswith(code)]
        entries = [
            scoring.entry_add(actor=actor, panel=board, label=p.title, subject=p) for p in mine
        ]
        Proposal.objects.filter(pk__in=[p.pk for p in mine]).update(round=round_)
        sheets = []
        for p, entry in zip(mine, entries, strict=True):
            base = 80 if p.outcome in _ADOPTED else 55
            for judge in judges:
                marks = {
                    code: str(min(100, base + rng.randint(0, 15)))
                    for code in ("feasibility", "innovation", "economic", "social")
                }
                sheets.append(
                    ScoreSheet(
                        panel=board, judge=judge, entry=entry, marks=marks, entered_by=judge.user
                    )
                )
        ScoreSheet.objects.bulk_create(sheets)
        scoring.results_lock(actor=actor, panel=board)


def _assessments(proposals: list[Proposal], users: dict[str, User], rng: random.Random) -> None:
    done = [p for p in proposals if p.stage in (Stage.ACCEPTED, Stage.REWARDED, Stage.ARCHIVED)]
    done = [p for p in done if p.outcome in _ADOPTED]
    assessments = []
    for n, p in enumerate(done):
        scale = (Decimal(2000), Decimal(30000), Decimal(250000), Decimal(1500000))[
            0 if n % 10 < 3 else 1 if n % 10 < 7 else 2 if n % 10 < 9 else 3
        ]
        amount = (scale * Decimal(rng.randint(50, 150)) / 100).quantize(Decimal("0.01"))
        assessments.append(
            Assessment(
                proposal=p,
                kind=BenefitKind.SAVING if n % 3 else BenefitKind.VALUE,
                amount=amount,
                note="经验收，措施已落实，效益经财务部门核算。",
                evidence=EVIDENCE,
                assessed_by=users["city_admin"],
            )
        )
    Assessment.objects.bulk_create(assessments)
    rewards = []
    for n, a in enumerate(assessments):
        p = a.proposal
        if p.stage == Stage.ACCEPTED:
            continue
        tier, amount = lifecycle.tier_for(p.org, p.year, a.amount)
        fraud = n == len(assessments) - 1 - 10  # one reward found to rest on invented figures
        rewards.append(
            Reward(
                proposal=p,
                assessment=a,
                tier=tier,
                amount=amount,
                awarded_by=users["city_admin"],
                cancelled_at=timezone.now() if fraud else None,
                cancelled_by=users["city_admin"] if fraud else None,
                cancel_reason="经核查，效益数据系虚报，撤销奖励。" if fraud else "",
            )
        )
    Reward.objects.bulk_create(rewards)


def _batch(proposals: list[Proposal], users: dict[str, User], year: int) -> None:
    batch = RecommendationBatch.objects.create(
        org=Org.objects.get(code="HH"),
        year=year,
        title=BATCH_TITLE.format(year=year),
        created_by=users["city_admin"],
    )
    chosen = [
        p
        for p in proposals
        if p.outcome in _ADOPTED and p.stage in (Stage.ACCEPTED, Stage.REWARDED, Stage.ARCHIVED)
    ]
    BatchItem.objects.bulk_create(
        [
            BatchItem(
                batch=batch,
                proposal=p,
                opinion="效益显著，推荐上报。",
                added_by=users["city_admin"],
            )
            for p in chosen
        ]
    )
