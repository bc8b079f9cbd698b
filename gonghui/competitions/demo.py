"""The demo city's contests, made through the services as a year would make them:

- 东湖区's plumbers' and electricians' contest of the seed page, finished: 25 pairs entered by
  their unions, 60 minutes, stations drawn, three judges (one recused from his employer's
  pair), results locked and published, certificates issued and eligible winners promoted;
- the city's courier contest, open for registration, which the courier persona may enter.

The contest's clock is moved back once its entries are in (the services check the present
time), so the finished contest lies in the past."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from faker import Faker

from gonghui.competitions import appeals, certificates, promotions, services
from gonghui.competitions.models import Contest, EntryKind, JobType, LotDraw
from gonghui.core.models import Org, OrgKind, User
from gonghui.core.personal_data import lookup_hash
from gonghui.orgs.demo import resident_id
from gonghui.orgs.models import Enterprise, Membership, MembershipState, Person
from gonghui.scoring import engine
from gonghui.scoring import services as scoring
from gonghui.scoring.models import JudgeRole, Panel

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED_TITLE = "2026年东湖区住宅装饰装修水电工技能竞赛"
PAIRS = 25
PRIZES = (engine.PrizeTier("first", 1), engine.PrizeTier("second", 2), engine.PrizeTier("third", 3))
MONEY = {"first": Decimal(3000), "second": Decimal(2000), "third": Decimal(1000)}


def load(*, size: int = 0) -> None:
    if Contest.objects.filter(title=SEED_TITLE).exists():
        return
    with transaction.atomic():
        names = ("city_admin", "donghu_staff", "judge", "judge2", "judge3")
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        jobs = {
            code: JobType.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in (
                ("plumber", "管道工"),
                ("electrician", "电工"),
                ("courier", "快递员"),
            )
        }
        _seed_contest(users, jobs)
        _courier_contest(users, jobs)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def _contestants(unions: list[Org], rng: random.Random) -> list[tuple[Person, Person]]:
    """Fifty workers in pairs, a plumber and an electrician of one union each pair."""
    fake = Faker("zh_CN")
    fake.seed_instance(2026)
    employers = {e.union_id: e for e in Enterprise.objects.filter(union__in=unions)}
    pairs = []
    for n in range(PAIRS):
        union = unions[n % len(unions)]
        pair = []
        for job in ("管道工", "电工"):
            birth = dt.date(rng.randint(1972, 2000), rng.randint(1, 12), rng.randint(1, 28))
            number = resident_id(rng, birth, "M")
            while Person.objects.filter(id_hash=lookup_hash(number)).exists():
                number = resident_id(rng, birth, "M")
            employer = employers.get(union.pk)
            person = Person.objects.create(
                id_hash=lookup_hash(number),
                id_number=number,
                name=fake.name_male(),
                sex="M",
                birth_date=birth,
                phone=f"139{rng.randrange(10**8):08d}",
                skill_grade=rng.choice([3, 3, 4]),
                employer=employer,
                employer_name=employer.name if employer else "",
                job_type=job,
            )
            Membership.objects.create(
                org=union,
                person=person,
                state=MembershipState.ACTIVE,
                start_date=dt.date(rng.randint(2012, 2022), 3, 1),
            )
            pair.append(person)
        pairs.append((pair[0], pair[1]))
    return pairs


def _seed_contest(users: dict[str, User], jobs: dict[str, JobType]) -> None:
    rng = random.Random(2021)
    district = Org.objects.get(code="HH-DH")
    staff = users["donghu_staff"]
    unions = list(
        Org.objects.filter(
            path__startswith=district.path,
            kind=OrgKind.GRASSROOTS_UNION,
            enterprises__isnull=False,
        )
        .distinct()
        .order_by("code")[:8]
    )
    now = timezone.now()
    contest = services.contest_create(
        actor=staff,
        org=district,
        title=SEED_TITLE,
        theme="两两组队，60分钟内按图纸焊接水管做成椅子：理论考试占30%，实际操作占70%。",
        job_types=[jobs["plumber"], jobs["electrician"]],
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=1),
        closes_at=now + dt.timedelta(days=1),
        venue="东湖区山水家居情景馆",
        time_limit_minutes=60,
        entry_kind=EntryKind.TEAM,
        team_size=2,
        prize_table=PRIZES,
        prize_money=MONEY,
    )
    services.contest_open(actor=staff, contest=contest)
    pairs = _contestants(unions, rng)
    for n, (plumber, electrician) in enumerate(pairs, start=1):
        services.registration_submit(
            actor=staff,
            contest=contest,
            people=[plumber, electrician],
            team_name=f"第{n}组",
        )
    # The day of the contest is past: move its clock back, then run the day as it ran.
    day = timezone.localdate() - dt.timedelta(days=38)
    Contest.objects.filter(pk=contest.pk).update(
        closes_at=_at(day - dt.timedelta(days=7), 17),
        starts_at=_at(day, 9),
        ends_at=_at(day, 10),
    )
    contest.refresh_from_db()
    services.lot_draw(actor=staff, contest=contest)
    panel = services.contest_panel_open(actor=staff, contest=contest)
    recused_employer = pairs[0][0].employer
    for username, employer in (
        ("judge", None),
        ("judge2", None),
        ("judge3", recused_employer),
    ):
        scoring.judge_add(
            actor=staff,
            panel=panel,
            user=users[username],
            employer_key=str(employer.pk) if employer else "",
        )
    scoring.judge_add(actor=staff, panel=panel, user=users["city_admin"], role=JudgeRole.ARBITER)
    for entry in panel.entries.all():
        scoring.entry_time_record(actor=staff, entry=entry, seconds=rng.randint(2900, 3600))
        base_theory, base_practical = rng.randint(62, 95), rng.randint(60, 96)
        for judge in panel.judges.filter(role=JudgeRole.JUDGE).select_related("user"):
            if scoring.is_recused(judge, entry):
                continue
            scoring.sheet_save(
                actor=judge.user,
                panel=panel,
                entry=entry,
                marks={
                    "theory_paper": str(min(100, base_theory + rng.randint(-3, 3))),
                    "practical_task": str(min(100, base_practical + rng.randint(-3, 3))),
                },
            )
    scoring.results_lock(actor=staff, panel=panel)
    appeals.contest_results_publish(actor=staff, contest=contest)
    certificates.certificates_issue(actor=staff, contest=contest)
    promotions.promotions_apply(actor=staff, contest=contest)
    # Dates as the day ran them: stations drawn that morning, results locked after marking,
    # published the next day once the appeal window had passed, certificates the day after
    # (promotions are append-only records and keep the day they were loaded).
    LotDraw.objects.filter(contest=contest).update(drawn_at=_at(day, 8, 30))
    Panel.objects.filter(pk=panel.pk).update(
        locked_at=_at(day, 15), published_at=_at(day + dt.timedelta(days=1), 10)
    )
    contest.certificates.update(issued_at=_at(day + dt.timedelta(days=2), 10))


def _courier_contest(users: dict[str, User], jobs: dict[str, JobType]) -> None:
    city_admin = users["city_admin"]
    start = _at(timezone.localdate() + dt.timedelta(days=30), 9)
    contest = services.contest_create(
        actor=city_admin,
        org=Org.objects.get(code="HH"),
        title=f"{start.year}年淮河市快递员职业技能竞赛",
        theme="分拣、派送路线规划、安全驾驶与客户服务：理论30%，实操70%。",
        job_types=[jobs["courier"]],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        closes_at=start - dt.timedelta(days=10),
        venue="淮河市职业技能公共实训基地",
        time_limit_minutes=90,
        prize_table=PRIZES,
        prize_money={"first": Decimal(5000), "second": Decimal(3000), "third": Decimal(1500)},
    )
    services.contest_open(actor=city_admin, contest=contest)
