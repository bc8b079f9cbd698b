"""The demo city's pairings, five-small results and exhibition (../shared/domain/DEMO.md):

- 13 pairing agreements of state-owned and private enterprises' unions, with plan items,
  joint activities and outcomes: 13 private firms helped, 3 private-firm studios and 2
  strategic-emerging-industry studios fostered;
- the city's five-small round of this year with 158 results (kinds mixed), pledged, judged
  by three judges on a `scoring` panel with R14's rubric, locked and awarded;
- last year's round with one winner (the courier persona's), and 东湖区's open round of this
  year, where the courier may try to enter it again and be refused (R14);
- an exhibition of 100 of the results, with visiting batches several units have booked.

Rows are written in bulk (the panel's results are still computed by `scoring`), so the part
loads in about a second."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from gonghui.core.models import Org, OrgKind, User
from gonghui.innovation.models import (
    ActivityKind,
    Exhibition,
    ExhibitionItem,
    FiveSmallKind,
    FiveSmallResult,
    FiveSmallRound,
    OutcomeKind,
    PairingActivity,
    PairingAgreement,
    PairingOutcome,
    PairingPlanItem,
    Patent,
    PatentKind,
    RoundState,
    VisitBooking,
    VisitSlot,
)
from gonghui.innovation.services import results as services
from gonghui.orgs.models import Enterprise, Membership, MembershipState, Ownership, Person
from gonghui.scoring import services as scoring
from gonghui.scoring.models import Entry, ScoreSheet

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESULTS = 158
PAIRINGS = 13
EXHIBITED = 100
WINNER_TITLE = "快递包裹分拣防错标签"
SUBJECTS = (
    "数控车床快速换刀夹具",
    "配电柜散热风道改造",
    "焊接烟尘收集罩",
    "叉车货叉防滑套",
    "管道法兰对中工装",
    "变压器油位远程监测",
    "纺织机断纱自停装置",
    "冷库门防冻密封条",
    "快递袋封口辅助器",
    "电缆剥皮省力钳",
    "污水泵防堵格栅",
    "电梯井道检修平台",
    "仓储货位二维码标识",
    "锅炉排污余热回收",
    "病房呼叫分级提示",
    "地铁闸机故障速查卡",
    "面包生产线计量改进",
    "公交车门防夹感应",
    "机加工切削液过滤",
    "配送路线节油方案",
)
PLACES = ("一号车间", "二号车间", "装配线", "配送站", "仓储中心", "维修班组", "锅炉房", "质检室")
KINDS = list(FiveSmallKind)
PLAN = (
    ("联合举办技能比武", "双方工会主席"),
    ("共建创新工作室", "国企工作室领办人"),
    ("组织技术骨干结对帮扶", "民企工会"),
)


def _this_year() -> int:
    return timezone.localdate().year


def load(*, size: int = 0) -> None:
    year = _this_year()
    city = Org.objects.filter(code="HH").first()
    if city is None or FiveSmallRound.objects.filter(org=city, year=year).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["city_admin", "donghu_staff", "judge", "judge2", "judge3"]
        )
    }
    if len(users) < 5:
        return
    with transaction.atomic():
        rng = random.Random(14)  # noqa: S311  # demo data, not secrets
        _pairings(city, users["city_admin"], rng)
        round_ = _round(city, users, rng, year)
        _exhibition(city, users["city_admin"], round_, rng)


# --- Pairings -----------------------------------------------------------------------------------


def _pairings(city: Org, admin: User, rng: random.Random) -> None:
    def firms(ownership: str) -> list[Enterprise]:
        return list(
            Enterprise.objects.filter(
                ownership=ownership, union__path__startswith=city.path
            ).order_by("pk")[:PAIRINGS]
        )

    state, private = firms(Ownership.STATE), firms(Ownership.PRIVATE)
    today = timezone.localdate()
    agreements = [
        PairingAgreement(
            org=city,
            state_enterprise=s,
            state_union_id=s.union_id,
            private_enterprise=p,
            private_union_id=p.union_id,
            signed_on=dt.date(today.year, 1 + n % 6, 5 + n),
            areas="联合开展劳动竞赛、合理化建议征集和创新工作室共建",
            created_by=admin,
        )
        for n, (s, p) in enumerate(zip(state, private, strict=False))
    ]
    PairingAgreement.objects.bulk_create(agreements)
    plan: list[PairingPlanItem] = []
    activities: list[PairingActivity] = []
    outcomes: list[PairingOutcome] = []
    now = timezone.now()
    for n, agreement in enumerate(agreements):
        signed = agreement.signed_on
        for k, (text, owner) in enumerate(PLAN):
            done = k < 2 and (n + k) % 3 != 0
            plan.append(
                PairingPlanItem(
                    agreement=agreement,
                    text=text,
                    owner=owner,
                    due_on=signed + dt.timedelta(days=60 * (k + 1)),
                    done_at=now if done else None,
                    done_by=admin if done else None,
                )
            )
        for k, kind in enumerate(list(ActivityKind)[: 2 + n % 3]):
            activities.append(
                PairingActivity(
                    agreement=agreement,
                    kind=kind,
                    held_on=min(signed + dt.timedelta(days=20 + 30 * k), today),
                    note="两家工会联合组织",
                )
            )
        outcomes.append(PairingOutcome(agreement=agreement, kind=OutcomeKind.FIRM_HELPED, count=1))
        if n < 3:
            outcomes.append(
                PairingOutcome(
                    agreement=agreement,
                    kind=OutcomeKind.PRIVATE_STUDIO,
                    count=1,
                    note="民营企业职工创新工作室",
                )
            )
        elif n < 5:
            outcomes.append(
                PairingOutcome(
                    agreement=agreement,
                    kind=OutcomeKind.EMERGING_STUDIO,
                    count=1,
                    note="新能源装备领域",
                )
            )
        elif n % 4 == 0:
            outcomes.append(PairingOutcome(agreement=agreement, kind=OutcomeKind.PLATFORM, count=1))
    PairingPlanItem.objects.bulk_create(plan)
    PairingActivity.objects.bulk_create(activities)
    PairingOutcome.objects.bulk_create(outcomes)


# --- Five-small rounds --------------------------------------------------------------------------


def _authors(city: Org) -> list[tuple[Org, list[Person]]]:
    """Groups of one to three active members of one union, for 158 results."""
    memberships = list(
        Membership.objects.filter(
            state=MembershipState.ACTIVE,
            org__path__startswith=city.path,
            org__kind__in=[OrgKind.GRASSROOTS_UNION, OrgKind.JOINT_UNION],
            person__user__isnull=True,
        )
        .select_related("org", "person")
        .order_by("org_id", "pk")[: RESULTS * 6]
    )
    by_union: dict[int, list[Membership]] = {}
    for m in memberships:
        by_union.setdefault(m.org_id, []).append(m)
    groups: list[tuple[Org, list[Person]]] = []
    for members in by_union.values():
        while len(members) >= 1 and len(groups) < RESULTS:
            take, members = members[: 1 + len(groups) % 3], members[1 + len(groups) % 3 :]
            groups.append((take[0].org, [m.person for m in take]))
    return groups


def _round(city: Org, users: dict[str, User], rng: random.Random, year: int) -> FiveSmallRound:
    admin = users["city_admin"]
    earlier = FiveSmallRound.objects.create(
        org=city,
        year=year - 1,
        title=f"{year - 1}年淮河市职工“五小”创新成果评选",
        prize_table=[{"name": "first", "count": 3}],
        state=RoundState.AWARDED,
        awarded_at=timezone.now() - dt.timedelta(days=300),
        created_by=admin,
    )
    courier = Person.objects.filter(user__username="courier_worker").first()
    station = Org.objects.filter(code="HH-DH-KD-001").first()
    if courier is not None and station is not None:
        winner = FiveSmallResult.objects.create(
            round=earlier,
            unit=station,
            kind=FiveSmallKind.INVENTION,
            title=WINNER_TITLE,
            problem="分拣高峰时包裹错分率高。",
            solution="按片区印制彩色防错标签，扫描前先目视核对。",
            in_use_at="东湖快递站点",
            in_use_since=dt.date(year - 2, 9, 1),
            benefit_yuan=Decimal("36000.00"),
            submitted_by=admin,
            pledged_by=admin,
            pledged_at=timezone.now() - dt.timedelta(days=330),
            award="first",
            value_created=Decimal("52000.00"),
        )
        winner.authors.set([courier])
    donghu = Org.objects.filter(code="HH-DH").first()
    if donghu is not None:
        FiveSmallRound.objects.create(
            org=donghu,
            year=year,
            title=f"{year}年东湖区职工“五小”创新成果征集",
            prize_table=[{"name": "first", "count": 1}, {"name": "second", "count": 2}],
            created_by=users["donghu_staff"],
        )
    round_ = services.round_create(
        actor=admin,
        org=city,
        year=year,
        title=f"{year}年淮河市职工“五小”创新成果评选",
        merit_limit=20,
    )
    groups = _authors(city)
    now = timezone.now()
    results = [
        FiveSmallResult(
            round=round_,
            unit=unit,
            kind=KINDS[n % len(KINDS)],
            title=f"{SUBJECTS[n % len(SUBJECTS)]}（{n // len(SUBJECTS) + 1}号方案）",
            problem="原工艺效率低、损耗大，存在安全隐患。",
            solution="自制工装并改进作业流程，经班组试用后推广。",
            in_use_at=PLACES[n % len(PLACES)],
            in_use_since=dt.date(year - 1, 1 + n % 12, 1 + n % 27),
            benefit_yuan=Decimal(rng.randrange(2000, 400000, 100)),
            benefit_text="节约材料与人工成本",
            submitted_by=admin,
            submitted_at=now - dt.timedelta(days=90, minutes=n),
            pledged_by=admin,
            pledged_at=now - dt.timedelta(days=80, minutes=n),
        )
        for n, (unit, _people) in enumerate(groups)
    ]
    FiveSmallResult.objects.bulk_create(results)
    through = FiveSmallResult.authors.through
    through.objects.bulk_create(
        [
            through(fivesmallresult_id=result.pk, person_id=person.pk)
            for result, (_unit, people) in zip(results, groups, strict=True)
            for person in people
        ]
    )
    _judge(round_, results, users, rng)
    awarded = services.round_award(actor=admin, round_=round_)
    patents = [
        Patent(
            result=result,
            number=f"ZL{year - 1}2{10000000 + n * 7919:08d}.{n % 10}",
            kind=list(PatentKind)[n % 3],
            granted_on=dt.date(year - 1, 1 + n % 12, 10),
        )
        for n, result in enumerate(awarded[:12])
    ]
    Patent.objects.bulk_create(patents)
    for n, result in enumerate(awarded):
        result.value_created = (result.benefit_yuan * Decimal("1.5")).quantize(Decimal("0.01"))
        if n % 5 == 4:
            result.value_created = None
    FiveSmallResult.objects.bulk_update(awarded, ["value_created"])
    return round_


def _judge(
    round_: FiveSmallRound,
    results: list[FiveSmallResult],
    users: dict[str, User],
    rng: random.Random,
) -> None:
    """The panel as `round_judging_open` makes it, three judges' sheets, and the lock."""
    admin = users["city_admin"]
    panel = services.round_judging_open(actor=admin, round_=round_)
    # round_judging_open added one entry per result through scoring.entry_add.
    entries = list(Entry.objects.filter(panel=panel).order_by("pk"))
    judges = [
        scoring.judge_add(actor=admin, panel=panel, user=users[name])
        for name in ("judge", "judge2", "judge3")
    ]
    criteria = [(code, maximum) for code, _label, maximum in services.R14_CRITERIA]
    quality = {r.pk: rng.random() for r in results}
    sheets = []
    for entry in entries:
        q = quality[int(entry.object_id)]
        for judge in judges:
            marks = {
                code: str(
                    max(0, min(maximum, round(maximum * (0.45 + 0.5 * q) + rng.uniform(-1, 1))))
                )
                for code, maximum in criteria
            }
            sheets.append(
                ScoreSheet(
                    panel=panel, judge=judge, entry=entry, marks=marks, entered_by=judge.user
                )
            )
    ScoreSheet.objects.bulk_create(sheets)
    scoring.results_lock(actor=admin, panel=panel)


# --- The exhibition -----------------------------------------------------------------------------


def _exhibition(city: Org, admin: User, round_: FiveSmallRound, rng: random.Random) -> None:
    today = timezone.localdate()
    exhibition = Exhibition.objects.create(
        org=city,
        title="淮河市百项职工创新成果展",
        venue="淮河市工人文化宫一楼展厅",
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=30),
        capacity=60,
        created_by=admin,
    )
    chosen = list(round_.results.order_by("award", "-benefit_yuan", "pk"))
    chosen = [r for r in chosen if r.award] + [r for r in chosen if not r.award]
    ExhibitionItem.objects.bulk_create(
        [
            ExhibitionItem(exhibition=exhibition, result=result, position=n)
            for n, result in enumerate(chosen[:EXHIBITED], start=1)
        ]
    )
    slots = [
        VisitSlot(
            exhibition=exhibition,
            starts_at=dt.datetime.combine(
                today + dt.timedelta(days=day), dt.time(hour), tzinfo=SHANGHAI
            ),
            capacity=60,
        )
        for day in (-3, -2, 2, 3, 5, 8)
        for hour in (9, 14)
    ]
    VisitSlot.objects.bulk_create(slots)
    units = list(
        Org.objects.filter(
            path__startswith=city.path,
            kind=OrgKind.GRASSROOTS_UNION,
        ).order_by("code")[:16]
    )
    bookings: list[VisitBooking] = []
    for n, slot in enumerate(slots[:8]):
        for unit in units[2 * n : 2 * n + 2]:
            visitors = 15 + rng.randrange(0, 20)
            bookings.append(VisitBooking(slot=slot, unit=unit, visitors=visitors, booked_by=admin))
            slot.booked += visitors
    VisitBooking.objects.bulk_create(bookings)
    VisitSlot.objects.bulk_update(slots, ["booked"])
