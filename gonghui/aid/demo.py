"""The demo city's aid year: minimum-living lines, hardship files, and one golden-autumn
campaign that aided 445 students with 2,072,100 yuan (the seed page's figures), 400 of them
paid in a batch, plus applications still on their way, donors, pairings and offers.

Written in bulk for speed (`make run` stays under a minute); the records are what the
services would have written, trail and audit included, and the tests prove the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gonghui.aid.defaults import DEMO_OTHER_SCHEMES, DEMO_TIERS
from gonghui.aid.models import (
    Application,
    ApplicationDocument,
    Award,
    Campaign,
    Donor,
    HardshipFile,
    HouseholdMember,
    LivingLine,
    Offer,
    Pairing,
    PaymentBatch,
    SchoolType,
    Tier,
)
from gonghui.aid.services.autumn import PROGRAM, public_label
from gonghui.core.models import AuditEntry, Org, User
from gonghui.core.money import format_yuan
from gonghui.core.personal_data import lookup_hash
from gonghui.core.workdays import add_working_days
from gonghui.orgs.demo import resident_id
from gonghui.orgs.models import Membership
from gonghui.review.models import (
    CaseState,
    Decision,
    Notice,
    NoticeEntry,
    NoticeState,
    ReviewCase,
    ReviewStep,
)

RAISED = Decimal(2_072_100)  # what the 445 awards add up to
BUDGET = Decimal(2_300_000)  # the rest is left for late applications still in review
LINES = {"HH-DH": 850, "HH-XS": 800, "HH-NL": 780, "HH-BG": 800, "HH-QH": 700}
# 445 aided students whose tiers add up to exactly the 2,072,100 yuan raised:
# (stage, on file) → students
AIDED: dict[tuple[str, bool], int] = {
    ("special", True): 8,
    ("primary", True): 30,
    ("junior", True): 45,
    ("senior", True): 28,
    ("senior", False): 20,
    ("higher_voc", True): 119,
    ("higher_voc", False): 20,
    ("undergrad", True): 145,
    ("undergrad", False): 30,
}
PAID = 400  # the rest are confirmed and wait for the next batch
PENDING = (  # applications still on their way: (case state, how many)
    (CaseState.DRAFT, 12),
    (CaseState.UNDER_REVIEW, 30),
    (CaseState.SENT_BACK, 5),
    (CaseState.REJECTED, 8),
)
SCHOOLS = {
    "special": "淮河市特殊教育学校",
    "primary": "淮河市实验小学",
    "junior": "淮河市第二中学",
    "senior": "淮河市第一中学",
    "higher_voc": "淮河职业技术学院",
    "undergrad": "淮河大学",
}
REASONS: dict[str, str] = {
    CaseState.SENT_BACK: "缴费证明不清晰，请重新上传",
    CaseState.REJECTED: "该生已获国家助学金资助，不重复资助（R11）",
}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DONORS = (
    ("淮河钢铁集团有限公司", "firm", Decimal(300_000)),
    ("淮河农村商业银行", "firm", Decimal(200_000)),
    ("东湖精密机械有限公司", "firm", Decimal(80_000)),
    ("全国劳动模范 王建国", "model_worker", Decimal(20_000)),
    ("市劳动模范 刘秀英", "model_worker", Decimal(10_000)),
    ("爱心人士 陈先生", "person", Decimal(12_000)),
)


def load(*, size: int = 20_000) -> None:
    year = timezone.localdate().year
    if Campaign.objects.filter(year=year, org__code="HH").exists():
        return
    with transaction.atomic():
        city = Org.objects.get(code="HH")
        admin = User.objects.get(username="city_admin")
        clerk = _clerk()
        districts = {o.code: o for o in Org.objects.filter(code__in=LINES)}
        for code, monthly in LINES.items():
            for y in (year - 1, year):
                LivingLine.objects.get_or_create(
                    org=districts[code], year=y, defaults={"monthly": Decimal(monthly)}
                )
        rng = random.Random(445)
        workers = _workers(rng, 445 + sum(n for _s, n in PENDING) + 200)
        files = _files(rng, workers[:600], districts, clerk, year)
        campaign = _campaign(city, admin, year)
        _applications(rng, campaign, workers, files, districts, clerk)
        _donors(rng, city, campaign)


def _clerk() -> User:
    """Who the loaded history was entered by: not a demo login, so that every demo persona
    may still decide the cases waiting for them (nobody decides their own case, R5)."""
    clerk, created = User.objects.get_or_create(
        username="demo_records", defaults={"display_name": "历史数据导入", "is_active": False}
    )
    if created:
        clerk.set_unusable_password()
        clerk.save(update_fields=["password"])
    return clerk


def _workers(rng: random.Random, count: int) -> list[Membership]:
    members = list(
        Membership.objects.filter(state="active", org__level=4)
        .exclude(person__user__isnull=False)
        .select_related("person", "org")
        .order_by("pk")[: count * 3]
    )
    rng.shuffle(members)
    return members[:count]


_taken: set[str] = set()


def _fresh_id(rng: random.Random, birth: dt.date, sex: str) -> str:
    """A fictional resident ID that no other generated person of the aid demo has."""
    while True:
        number = resident_id(rng, birth, sex)
        if lookup_hash(number) not in _taken:
            _taken.add(lookup_hash(number))
            return number


def _district(org: Org, districts: dict[str, Org]) -> Org:
    return next(d for d in districts.values() if org.path.startswith(d.path))


def _files(
    rng: random.Random,
    members: list[Membership],
    districts: dict[str, Org],
    admin: User,
    year: int,
) -> dict[int, HardshipFile]:
    """About 600 households on file, each with the worker, a spouse and a child."""
    files, people = [], []
    _taken.update(m.person.id_hash for m in members)
    for n, m in enumerate(members, 1):
        district = _district(m.org, districts)
        line = Decimal(LINES[district.code])
        size = 3
        per_head = (line * Decimal(rng.choice((0.7, 0.9, 1.3, 1.6, 1.8)))).quantize(Decimal(1))
        illness = Decimal(rng.choice((0, 0, 3000, 8000)))
        income = per_head * size * 12 + illness
        category = "deep" if per_head < line else "relative"
        if n % 25 == 0:
            category = "accident"
        files.append(
            HardshipFile(
                number=f"KN{year}{n:06d}",
                org=m.org,
                district=district,
                annual_income=income,
                spending_illness=illness,
                per_head=per_head,
                category=category,
                accident=category == "accident",
                housing=rng.choice(("租房", "自有住房", "公租房")),
                causes=rng.choice(("本人患病", "子女就学", "配偶失业", "家人残疾", "单亲家庭")),
                opened_by=admin,
                last_checked=dt.date(year, 3, 31),
            )
        )
    created = HardshipFile.objects.bulk_create(files, batch_size=500)
    for file, m in zip(created, members, strict=True):
        spouse = _fresh_id(rng, dt.date(1985 + rng.randrange(10), 5, 5), "F")
        child = _fresh_id(rng, dt.date(2005 + rng.randrange(12), 9, 1), "M")
        people += [
            HouseholdMember(
                file=file,
                name=m.person.name,
                relation="self",
                id_number=m.person.id_number,
                id_hash=m.person.id_hash,
                income=file.annual_income,
            ),
            HouseholdMember(
                file=file,
                name="配偶",
                relation="spouse",
                id_number=spouse,
                id_hash=lookup_hash(spouse),
            ),
            HouseholdMember(
                file=file,
                name="子女",
                relation="child",
                id_number=child,
                id_hash=lookup_hash(child),
            ),
        ]
    HouseholdMember.objects.bulk_create(people, batch_size=1000)
    return {m.person_id: f for f, m in zip(created, members, strict=True)}


def _campaign(city: Org, admin: User, year: int) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        org=city,
        year=year,
        title=f"{year}年金秋助学",
        budget=BUDGET,
        opens_on=dt.date(year, 6, 25),
        closes_on=max(dt.date(year, 9, 30), today + dt.timedelta(days=45)),
        other_schemes=DEMO_OTHER_SCHEMES,
        created_by=admin,
    )
    Tier.objects.bulk_create(
        Tier(campaign=campaign, stage=stage, on_file=on_file, amount=amount)
        for (stage, on_file), amount in DEMO_TIERS.items()
    )
    return campaign


def _documents() -> dict[str, str]:
    name = "aid/demo/示例材料.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(PDF))
    return {"admission": name, "fees": name, "income": name}


def _applications(
    rng: random.Random,
    campaign: Campaign,
    workers: list[Membership],
    files: dict[int, HardshipFile],
    districts: dict[str, Org],
    admin: User,
) -> None:
    """The 445 aided (confirmed after a closed notice; 400 paid) and those still pending."""
    plan = [key for key, n in AIDED.items() for _ in range(n)]
    rng.shuffle(plan)
    pending = [state for state, n in PENDING for _ in range(n)]
    on_file_workers = [w for w in workers if w.person_id in files]
    off_file_workers = [w for w in workers if w.person_id not in files]
    apps: list[Application] = []
    states: list[str] = []
    for (stage, on_file), state in [(k, CaseState.CONFIRMED) for k in plan] + [
        ((rng.choice(("senior", "higher_voc", "undergrad")), True), s) for s in pending
    ]:
        worker = (on_file_workers if on_file else off_file_workers).pop()
        birth = dt.date(2026 - {"special": 12, "primary": 9, "junior": 14}.get(stage, 18), 9, 1)
        student = _fresh_id(rng, birth, rng.choice("MF"))
        apps.append(
            Application(
                campaign=campaign,
                year=campaign.year,
                org=worker.org,
                district=_district(worker.org, districts),
                worker_name=worker.person.name,
                worker_hash=worker.person.id_hash,
                phone=worker.person.phone or "13900000000",
                student_name=worker.person.name[0]
                + rng.choice("小子佳欣宇晨思雨")
                + rng.choice("明华婷涛琳杰悦"),
                student_id_number=student,
                student_hash=lookup_hash(student),
                stage=stage,
                school=SCHOOLS[stage],
                school_type=SchoolType.ORDINARY,
                hardship_file=files.get(worker.person_id) if on_file else None,
                account_holder=worker.person.name,
                bank="淮河农村商业银行",
                account_number=f"6230{rng.randrange(10**14, 10**15)}",
                by_union=rng.random() < 0.3,
                live=state != CaseState.REJECTED,
                created_by=admin,
                created_at=_applied_at(rng, campaign, state),
            )
        )
        states.append(state)
    apps = Application.objects.bulk_create(apps, batch_size=500)
    _cases(campaign, apps, states, districts, admin)


def _applied_at(rng: random.Random, campaign: Campaign, state: str) -> dt.datetime:
    """The aided applied in July; those still on their way came in over the last weeks, so
    that some are overdue at their district (R7: the level above sees them)."""
    if state == CaseState.CONFIRMED:
        day = dt.date(campaign.year, 7, 1 + rng.randrange(30))
    else:
        day = timezone.localdate() - dt.timedelta(days=2 + rng.randrange(14))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _cases(
    campaign: Campaign,
    apps: list[Application],
    states: list[str],
    districts: dict[str, Org],
    admin: User,
) -> None:
    content_type = ContentType.objects.get_for_model(Application)
    city = campaign.org
    cases = []
    for app, state in zip(apps, states, strict=True):
        waiting = state == CaseState.UNDER_REVIEW
        cases.append(
            ReviewCase(
                program=PROGRAM,
                content_type=content_type,
                object_id=str(app.pk),
                title=public_label(app),
                org=app.org,
                opener=admin,
                chain=[4, 2, 1],
                level_index=1 if waiting else 0,
                reviewing_org=app.district if waiting else None,
                due=add_working_days(app.created_at.date() + dt.timedelta(days=2), 5).date
                if waiting
                else None,
                state=state,
                reason=REASONS.get(state, ""),
                created_at=app.created_at,
            )
        )
    cases = ReviewCase.objects.bulk_create(cases, batch_size=500)
    for app, case in zip(apps, cases, strict=True):
        app.case = case
    Application.objects.bulk_update(apps, ["case"], batch_size=500)
    docs = _documents()
    ApplicationDocument.objects.bulk_create(
        (
            ApplicationDocument(application=app, kind=kind, file=name, content_kind="pdf")
            for app in apps
            for kind, name in docs.items()
        ),
        batch_size=1000,
    )
    year = campaign.year
    start = dt.date(year, 8, 20)
    notice = Notice.objects.create(
        program=PROGRAM,
        org=city,
        title=f"{year}年金秋助学拟资助学生名单公示",
        starts_on=start,
        ends_on=dt.date(year, 8, 26),
        state=NoticeState.CLOSED,
        published_by=admin,
        published_at=timezone.make_aware(dt.datetime(year, 8, 20, 9)),
    )
    confirmed = [(a, c) for a, c in zip(apps, cases, strict=True) if c.state == CaseState.CONFIRMED]
    NoticeEntry.objects.bulk_create(
        (
            NoticeEntry(
                notice=notice,
                case=c,
                public_label=f"{c.title} · "
                f"{format_yuan(DEMO_TIERS[(a.stage, a.hardship_file_id is not None)])}",
            )
            for a, c in confirmed
        ),
        batch_size=500,
    )
    batch = PaymentBatch.objects.create(
        campaign=campaign,
        org=city,
        number=f"JQ{year}-0001",
        total=Decimal(0),
        count=0,
        created_by=admin,
        created_at=timezone.make_aware(dt.datetime(year, 9, 1, 9)),
        paid_at=timezone.make_aware(dt.datetime(year, 9, 3, 15)),
        paid_by=admin,
        bank_reference=f"NSYH{year}0903001",
    )
    awards = [
        Award(
            application=a,
            campaign=campaign,
            year=year,
            district=a.district,
            student_hash=a.student_hash,
            stage=a.stage,
            on_file=a.hardship_file_id is not None,
            amount=DEMO_TIERS[(a.stage, a.hardship_file_id is not None)],
            approved_at=timezone.make_aware(dt.datetime(year, 8, 15, 16)),
            batch=batch if n < PAID else None,
        )
        for n, (a, _c) in enumerate(confirmed)
    ]
    Award.objects.bulk_create(awards, batch_size=500)
    batch.count = PAID
    batch.total = sum((a.amount for a in awards[:PAID]), Decimal(0))
    batch.save(update_fields=["count", "total"])
    _trail(apps, cases, districts, city, admin)


def _trail(
    apps: list[Application],
    cases: list[ReviewCase],
    districts: dict[str, Org],
    city: Org,
    admin: User,
) -> None:
    year = cases[0].created_at.year
    steps = []
    flows = {
        CaseState.DRAFT: [Decision.OPEN],
        CaseState.UNDER_REVIEW: [Decision.OPEN, Decision.SUBMIT],
        CaseState.SENT_BACK: [Decision.OPEN, Decision.SUBMIT, Decision.SEND_BACK],
        CaseState.REJECTED: [Decision.OPEN, Decision.SUBMIT, Decision.REJECT],
        CaseState.CONFIRMED: [
            Decision.OPEN,
            Decision.SUBMIT,
            Decision.APPROVE,
            Decision.APPROVE,
            Decision.NOTICE,
            Decision.CONFIRM,
        ],
    }
    days = {
        Decision.OPEN: 0,
        Decision.SUBMIT: 2,
        Decision.SEND_BACK: 6,
        Decision.REJECT: 6,
        Decision.APPROVE: 6,
        Decision.NOTICE: 0,
        Decision.CONFIRM: 0,
    }
    for app, case in zip(apps, cases, strict=True):
        at = case.created_at
        approvals = 0
        for decision in flows[CaseState(case.state)]:
            at = at + dt.timedelta(days=days[decision])
            org = app.org
            if decision in (Decision.SEND_BACK, Decision.REJECT):
                org = app.district
            elif decision == Decision.APPROVE:
                org = app.district if approvals == 0 else city
                approvals += 1
            elif decision in (Decision.NOTICE, Decision.CONFIRM):
                org = city
                at = timezone.make_aware(
                    dt.datetime(year, 8, 20 if decision == Decision.NOTICE else 27, 9)
                )
            steps.append(
                ReviewStep(
                    case=case,
                    at=at,
                    actor=admin,
                    org=org,
                    level=org.level,
                    decision=decision,
                    reason=case.reason if decision in (Decision.SEND_BACK, Decision.REJECT) else "",
                )
            )
    ReviewStep.objects.bulk_create(steps, batch_size=1000)
    AuditEntry.objects.create(
        actor=None,
        actor_label="demo",
        org=city,
        action="aid.demo_load",
        after={"applications": len(apps), "steps": len(steps)},
    )


def _donors(rng: random.Random, city: Org, campaign: Campaign) -> None:
    donors = Donor.objects.bulk_create(
        Donor(org=city, name=name, kind=kind, pledged=pledged) for name, kind, pledged in DONORS
    )
    aided = list(
        Application.objects.filter(campaign=campaign, case__state=CaseState.CONFIRMED)
        .order_by("pk")
        .values_list("pk", flat=True)[:20]
    )
    Pairing.objects.bulk_create(
        Pairing(
            donor=donors[n % len(donors)],
            application_id=pk,
            yearly=Decimal(rng.choice((2000, 3000, 5000))),
            started_on=dt.date(campaign.year, 9, 10),
        )
        for n, pk in enumerate(aided)
    )
    Offer.objects.bulk_create(
        [
            Offer(
                donor=donors[0],
                kind="internship",
                title="寒假生产实习",
                places=10,
                location="淮河钢铁集团",
            ),
            Offer(
                donor=donors[1],
                kind="internship",
                title="柜面业务实习",
                places=6,
                location="淮河农商行营业部",
            ),
            Offer(
                donor=donors[2],
                kind="job",
                title="周末数控车间助理",
                places=4,
                location="东湖精密机械",
            ),
            Offer(
                donor=donors[0], kind="job", title="暑期资料整理", places=5, location="集团档案室"
            ),
        ]
    )
