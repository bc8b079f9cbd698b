"""The demo city's studios and alliance (DEMO.md): 78 named studios across the districts (a
few national and provincial, many city and enterprise), each leader with the title R15 asks
for, their naming cases confirmed after public notice; the city's alliance with 20 core
members, 6 advisors and 10 volunteer squads; about 30 service requests (one from the
employer_hr persona's firm); this year's subsidies and results (a handful of studios with
none); and this year's annual review, scored by three judges, with its outcomes. Two more
studios wait for 东湖's review. Bulk writes with a fixed seed; loads once."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from gonghui.core.models import Org, OrgKind, User
from gonghui.innovation.models import (
    Advisor,
    AdvisorField,
    Alliance,
    AllianceMember,
    AllianceTier,
    MemberState,
    ProjectKind,
    RequestKind,
    RequestState,
    ReviewOutcome,
    ReviewRound,
    ServiceRequest,
    Squad,
    Studio,
    StudioField,
    StudioLevel,
    StudioMember,
    StudioProject,
    StudioReview,
    StudioState,
    Subsidy,
    SubsidyKind,
    Title,
    TitleKind,
    TitleLevel,
)
from gonghui.innovation.services import studios as services
from gonghui.orgs.models import Membership, MembershipState, Person
from gonghui.review.models import CaseState, Decision, ReviewCase, ReviewStep
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Entry, ScoreSheet

STUDIOS = 78
LEVELS = [StudioLevel.NATIONAL] * 3 + [StudioLevel.PROVINCIAL] * 6 + [StudioLevel.CITY] * 30
LEVELS += [StudioLevel.ENTERPRISE] * (STUDIOS - len(LEVELS))
CORE = 20
NO_RESULT = 5  # studios with no result this year: the annual review cannot pass them
FACTORY = "HH-DH-JD1-001"
SQUADS = (
    ("技能攻关服务队", "技能攻关"),
    ("职工健康服务队", "健康"),
    ("专利代理服务队", "专利申请"),
    ("成果转化服务队", "成果转化"),
    ("数字化改造服务队", "信息技术"),
    ("节能降耗服务队", "能源"),
    ("安全生产服务队", "安全生产"),
    ("质量提升服务队", "质量管理"),
    ("法律援助服务队", "劳动法律"),
    ("心理关爱服务队", "心理健康"),
)
THEMES = ("数控", "焊接", "电力", "检修", "软件", "护理", "装配", "节能", "工艺", "检测")
PROJECTS = (
    "关键部件加工精度提升",
    "设备故障预警改造",
    "生产线节能改造",
    "工装夹具优化",
    "作业流程数字化",
    "检测方法改进",
)
OUTCOMES = (
    "已协助企业完成实用新型专利申请",
    "服务队上门完成技术诊断并提出改进方案",
    "促成成果与两家企业签订转化协议",
    "顾问指导完成工艺改进，良品率提高",
)


def load(*, size: int = 0) -> None:
    city = Org.objects.filter(code="HH").first()
    if city is None or Alliance.objects.filter(org=city).exists():
        return
    rng = random.Random(2026)  # noqa: S311  # demo data, not secrets
    users = {u.username: u for u in User.objects.filter(username__in=_PERSONAS)}
    with transaction.atomic():
        hosts, members = _hosts(rng)
        studios = _studios(rng, city, hosts, users["city_admin"])
        _teams(studios, members)
        alliance = Alliance.objects.create(org=city, name="淮河市劳模工匠创新工作室联盟")
        _members(alliance, studios)
        advisors = _advisors(rng, alliance, city, hosts)
        squads = Squad.objects.bulk_create(
            [
                Squad(alliance=alliance, name=name, speciality=speciality, leader="")
                for name, speciality in SQUADS
            ]
        )
        _requests(rng, alliance, studios, hosts, squads, advisors, users)
        _year(rng, studios, users["city_admin"])
        _review(rng, city, studios, users)
        _waiting(studios, city, users)


_PERSONAS = ("city_admin", "donghu_staff", "factory_chair", "employer_hr", "judge", "judge2")


def _hosts(rng: random.Random) -> tuple[list[tuple[Org, int]], dict[int, list[int]]]:
    """(union, a member's person id) for the host unions: the 东湖 factory first, then unions
    drawn across the districts; and a few members of each union for the teams."""
    unions = list(Org.objects.filter(kind=OrgKind.GRASSROOTS_UNION).order_by("code"))
    members: dict[int, list[int]] = {}
    for org_id, person_id in (
        Membership.objects.filter(org__in=unions, state=MembershipState.ACTIVE)
        .order_by("pk")
        .values_list("org_id", "person_id")[:20000]
    ):
        if len(members.setdefault(org_id, [])) < 12:
            members[org_id].append(person_id)
    with_people = [u for u in unions if members.get(u.pk)]
    factory = [u for u in with_people if u.code == FACTORY]
    others = [u for u in with_people if u.code != FACTORY]
    rng.shuffle(others)
    chosen = (factory + others)[:STUDIOS]
    while len(chosen) < STUDIOS:  # a small demo city: some unions host two studios
        chosen.append(with_people[len(chosen) % len(with_people)])
    used: set[int] = set()
    hosts: list[tuple[Org, int]] = []
    for union in chosen:
        person = next((p for p in members.get(union.pk, []) if p not in used), None)
        if person is None:
            continue
        used.add(person)
        hosts.append((union, person))
    return hosts, members


def _studios(
    rng: random.Random, city: Org, hosts: list[tuple[Org, int]], admin: User
) -> list[Studio]:
    today = timezone.localdate()
    fields = list(StudioField)
    rows = []
    titles = []
    names = dict(Person.objects.filter(pk__in=[p for _u, p in hosts]).values_list("pk", "name"))
    for n, (union, leader_id) in enumerate(hosts[:STUDIOS]):
        level = LEVELS[n]
        # Every eighth was named this year; the rest in earlier years (re-confirmed).
        named = dt.date(today.year - (0 if n % 8 == 0 else rng.randint(1, 6)), 4, 28)
        kind, title_level = (
            (TitleKind.MODEL_WORKER, TitleLevel.NATIONAL)
            if level == StudioLevel.NATIONAL
            else (TitleKind.MAY_DAY_MEDAL, TitleLevel.PROVINCIAL)
            if level == StudioLevel.PROVINCIAL
            else (TitleKind.MODEL_WORKER, TitleLevel.CITY)
            if n % 3
            else (TitleKind.CRAFTSMAN, TitleLevel.CITY)
        )
        style = {TitleKind.MODEL_WORKER: "劳模", TitleKind.CRAFTSMAN: "工匠"}.get(
            kind, THEMES[n % len(THEMES)]
        )
        rows.append(
            Studio(
                org=union,
                name=f"{names[leader_id]}{style}创新工作室",
                level=level,
                field=fields[n % len(fields)],
                leader_id=leader_id,
                premises=f"{rng.randint(1, 9)}号楼{rng.randint(1, 5)}层",
                state=StudioState.NAMED,
                named_on=min(named, today),
                proposed_by=admin,
            )
        )
        titles.append(
            Title(
                person_id=leader_id,
                org=city,
                kind=kind,
                level=title_level,
                year=named.year - 1,
            )
        )
    seen: set[tuple[int, str]] = set()
    for row in rows:  # two leaders of one name in one union: number the second
        while (row.org.pk, row.name) in seen:
            row.name = row.name.replace("创新工作室", "创新工作室二")
        seen.add((row.org.pk, row.name))
    Title.objects.bulk_create(titles, ignore_conflicts=True)
    studios = Studio.objects.bulk_create(rows)
    _cases(studios, city, admin)
    return studios


def _teams(studios: list[Studio], members: dict[int, list[int]]) -> None:
    """Three members of the host union beside each leader."""
    leaders = {s.leader_id for s in studios}
    StudioMember.objects.bulk_create(
        [
            StudioMember(studio=s, person_id=p, role="骨干" if k else "副领衔人")
            for s in studios
            for k, p in enumerate([p for p in members.get(s.org_id, []) if p not in leaders][:3])
        ]
    )


def _cases(studios: list[Studio], city: Org, admin: User) -> None:
    """Each named studio's naming case, confirmed after public notice, with its trail."""
    content_type = ContentType.objects.get_for_model(Studio)
    districts = {o.path: o for o in Org.objects.filter(level=2)}
    cases = ReviewCase.objects.bulk_create(
        [
            ReviewCase(
                program=services.NAMING,
                content_type=content_type,
                object_id=str(s.pk),
                title=s.name,
                org=s.org,
                opener=admin,
                chain=[4, 2, 1],
                level_index=2,
                state=CaseState.CONFIRMED,
                created_at=timezone.make_aware(
                    dt.datetime.combine(s.named_on or dt.date.today(), dt.time(9))
                )
                - dt.timedelta(days=30),
            )
            for s in studios
        ]
    )
    steps = []
    flow = (
        (Decision.OPEN, 0),
        (Decision.SUBMIT, 0),
        (Decision.APPROVE, 2),
        (Decision.APPROVE, 1),
        (Decision.NOTICE, 1),
        (Decision.CONFIRM, 1),
    )
    for studio, case in zip(studios, cases, strict=True):
        studio.case = case
        district = next(o for p, o in districts.items() if studio.org.path.startswith(p))
        orgs = (studio.org, studio.org, district, city, city, city)
        for (decision, level), org in zip(flow, orgs, strict=True):
            steps.append(
                ReviewStep(
                    case=case,
                    at=case.created_at + dt.timedelta(days=7 * level),
                    actor=admin,
                    org=org,
                    level=org.level,
                    decision=decision,
                )
            )
    ReviewStep.objects.bulk_create(steps, batch_size=1000)
    Studio.objects.bulk_update(studios, ["case"])


def _members(alliance: Alliance, studios: list[Studio]) -> None:
    """City-level studios and above are members; the first twenty of them the core; two
    enterprise studios have applied and wait for staff."""
    seats = []
    above = [s for s in studios if s.level != StudioLevel.ENTERPRISE]
    for n, studio in enumerate(above):
        seats.append(
            AllianceMember(
                alliance=alliance,
                studio=studio,
                tier=AllianceTier.CORE if n < CORE else AllianceTier.ORDINARY,
                state=MemberState.MEMBER,
                decided_at=timezone.now(),
            )
        )
    enterprise = [s for s in studios if s.level == StudioLevel.ENTERPRISE]
    for studio in enterprise[:2]:
        seats.append(AllianceMember(alliance=alliance, studio=studio))
    AllianceMember.objects.bulk_create(seats)


def _advisors(
    rng: random.Random, alliance: Alliance, city: Org, hosts: list[tuple[Org, int]]
) -> list[Advisor]:
    taken = {person for _union, person in hosts}
    people = [
        p
        for p in Membership.objects.filter(state=MembershipState.ACTIVE)
        .exclude(person_id__in=taken)
        .order_by("pk")
        .values_list("person_id", flat=True)[:200]
    ]
    chosen = rng.sample(people, k=min(len(AdvisorField), len(people)))
    notes = ("高级工程师", "正高级工程师", "教授级高工", "高级技师", "专利代理师", "研究员")
    return Advisor.objects.bulk_create(
        [
            Advisor(alliance=alliance, person_id=person, field=field, note=notes[n])
            for n, (person, field) in enumerate(zip(chosen, AdvisorField, strict=False))
        ]
    )


def _requests(
    rng: random.Random,
    alliance: Alliance,
    studios: list[Studio],
    hosts: list[tuple[Org, int]],
    squads: list[Squad],
    advisors: list[Advisor],
    users: dict[str, User],
) -> None:
    """About thirty requests from firms and studios: most closed with an outcome, some in
    hand, three open; the employer_hr persona's firm asked for patent help."""
    now = timezone.now()
    kinds = list(RequestKind)
    unions = [u for u, _person in hosts]
    rows = []
    for n in range(30):
        studio = studios[n * 2] if n % 3 == 0 else None
        org = studio.org if studio else unions[(n * 7) % len(unions)]
        state = (
            RequestState.CLOSED
            if n < 19
            else RequestState.IN_PROGRESS
            if n < 23
            else RequestState.ASSIGNED
            if n < 27
            else RequestState.OPEN
        )
        assigned = state != RequestState.OPEN
        by_advisor = assigned and n % 4 == 1 and advisors
        created = now - dt.timedelta(days=rng.randint(3, 200))
        rows.append(
            ServiceRequest(
                org=org,
                alliance=alliance,
                studio=studio,
                kind=kinds[n % len(kinds)],
                description=f"{org.name}请求联盟协助：{PROJECTS[n % len(PROJECTS)]}",
                state=state,
                squad=squads[n % len(squads)] if assigned and not by_advisor else None,
                advisor=advisors[n % len(advisors)] if by_advisor else None,
                outcome=OUTCOMES[n % len(OUTCOMES)] if state == RequestState.CLOSED else "",
                requested_by=users["city_admin"],
                created_at=created,
                closed_at=created + dt.timedelta(days=rng.randint(5, 40))
                if state == RequestState.CLOSED
                else None,
            )
        )
    factory = Org.objects.get(code=FACTORY)
    rows.append(
        ServiceRequest(
            org=factory,
            alliance=alliance,
            kind=RequestKind.PATENT,
            description="新研制的快换夹具想申请实用新型专利，请联盟指导申请材料。",
            contact="冯人事",
            state=RequestState.ASSIGNED,
            squad=squads[2],
            requested_by=users["employer_hr"],
            created_at=now - dt.timedelta(days=4),
        )
    )
    ServiceRequest.objects.bulk_create(rows)


def _year(rng: random.Random, studios: list[Studio], admin: User) -> None:
    """This year's subsidies (new or re-confirmed, R15) and results: every studio but a
    handful registered one to three."""
    year = timezone.localdate().year
    subsidies = []
    projects = []
    for n, studio in enumerate(studios):
        kind = (
            SubsidyKind.NEW
            if studio.named_on and studio.named_on.year == year
            else SubsidyKind.RECONFIRMED
        )
        subsidies.append(
            Subsidy(
                studio=studio,
                year=year,
                kind=kind,
                amount=services.DEFAULT_SUBSIDY[kind],
                granted_by=admin,
            )
        )
        if n >= len(studios) - NO_RESULT:
            continue
        for k in range(rng.randint(1, 3)):
            projects.append(
                StudioProject(
                    studio=studio,
                    year=year,
                    title=PROJECTS[(n + k) % len(PROJECTS)],
                    kind=list(ProjectKind)[(n + k) % len(ProjectKind)],
                    outcome="已在班组推广应用",
                    value_created=Decimal(rng.randint(10, 6000)) * 1000,
                    patents=rng.randint(0, 3),
                    registered_by=admin,
                )
            )
    Subsidy.objects.bulk_create(subsidies)
    StudioProject.objects.bulk_create(projects)


def _review(rng: random.Random, city: Org, studios: list[Studio], users: dict[str, User]) -> None:
    """This year's annual review at the city: a panel, two judges' sheets for every studio,
    the scores locked, and the outcomes: pass for studios with results, fix-by-deadline or
    de-list for some without, two left for staff to decide."""
    admin = users["city_admin"]
    year = timezone.localdate().year
    review_round = ReviewRound.objects.create(
        org=city, year=year, title=f"{year}年度劳模工匠创新工作室考核", created_by=admin
    )
    rubric = scoring.rubric_create(actor=admin, org=city, name=review_round.title, parts=[_part()])
    panel = scoring.panel_create(
        actor=admin,
        program=services.ANNUAL_REVIEW,
        subject=review_round,
        org=city,
        title=review_round.title,
        rubric=rubric,
        aggregation=engine.Aggregation.MEAN,
        tie_breaks=(),
        prize_table=(),
        award_merit=False,
    )
    judges = [
        scoring.judge_add(actor=admin, panel=panel, user=users[name])
        for name in ("judge", "judge2")
    ]
    content_type = ContentType.objects.get_for_model(Studio)
    entries = Entry.objects.bulk_create(
        [
            Entry(
                panel=panel,
                label=s.name,
                content_type=content_type,
                object_id=str(s.pk),
                employer_keys=[str(s.org_id)],
            )
            for s in studios
        ]
    )
    idle = studios[-NO_RESULT:]
    sheets = []
    for entry, studio in zip(entries, studios, strict=True):
        weak = studio in idle
        for judge in judges:
            sheets.append(
                ScoreSheet(
                    panel=panel,
                    judge=judge,
                    entry=entry,
                    entered_by=judge.user,
                    marks={
                        "results": str(rng.randint(5, 15) if weak else rng.randint(26, 40)),
                        "team": str(rng.randint(10, 20)),
                        "mentoring": str(rng.randint(10, 20)),
                        "service": str(rng.randint(10, 20)),
                    },
                )
            )
    ScoreSheet.objects.bulk_create(sheets)
    scoring.results_lock(actor=admin, panel=panel)
    today = timezone.localdate()
    outcomes = [
        StudioReview(round=review_round, studio=s, outcome=ReviewOutcome.PASS, decided_by=admin)
        for s in studios[:-NO_RESULT]
    ]
    outcomes += [
        StudioReview(
            round=review_round,
            studio=s,
            outcome=ReviewOutcome.FIX,
            fix_by=today + dt.timedelta(days=90),
            to_fix="补报本年度创新成果，完善带徒记录",
            decided_by=admin,
        )
        for s in idle[:2]
    ]
    outcomes.append(
        StudioReview(
            round=review_round, studio=idle[2], outcome=ReviewOutcome.DELIST, decided_by=admin
        )
    )
    StudioReview.objects.bulk_create(outcomes)
    Studio.objects.filter(pk=idle[2].pk).update(state=StudioState.DELISTED, delisted_on=today)


def _part() -> engine.Part:
    lines = (
        ("results", "成果", 40),
        ("team", "团队", 20),
        ("mentoring", "带徒", 20),
        ("service", "服务", 20),
    )
    return engine.Part(
        code="studio",
        label="工作室",
        weight=Decimal(1),
        criteria=tuple(
            engine.Criterion(code=code, label=label, maximum=Decimal(m)) for code, label, m in lines
        ),
    )


def _waiting(studios: list[Studio], city: Org, users: dict[str, User]) -> None:
    """Two studios proposed by the factory's chair, waiting for 东湖's review."""
    factory = Org.objects.get(code=FACTORY)
    leaders = list(
        Person.objects.filter(memberships__org=factory, memberships__state=MembershipState.ACTIVE)
        .exclude(pk__in=[s.leader_id for s in studios])
        .order_by("pk")[:2]
    )
    for n, leader in enumerate(leaders):
        Title.objects.get_or_create(
            person=leader,
            kind=TitleKind.MODEL_WORKER,
            level=TitleLevel.CITY,
            year=timezone.localdate().year - 1,
            defaults={"org": city},
        )
        services.studio_propose(
            actor=users["factory_chair"],
            org=factory,
            name=("智能装配创新工作室", "绿色制造工匠工作室")[n],
            level=(StudioLevel.CITY, StudioLevel.ENTERPRISE)[n],
            field=StudioField.MANUFACTURING,
            leader=leader,
            premises="三号厂房",
        )
