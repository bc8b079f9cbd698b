"""The demo city's unions, enterprises and members (../shared/domain/DEMO.md): about 300
grassroots unions, 2,000 enterprises and 20,000 members at the default size, 8% of them in new
employment forms. Deterministic (fixed seeds) and idempotent; `size` scales the members."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric, uscc

from gonghui.core.models import Org, OrgKind, User
from gonghui.core.personal_data import lookup_hash
from gonghui.core.services import org_create
from gonghui.core.workdays import add_working_days
from gonghui.orgs.models import (
    Education,
    Enterprise,
    EnterpriseSize,
    Membership,
    MembershipState,
    NewEmploymentForm,
    Ownership,
    Person,
    PoliticalStatus,
)

DEFAULT_SIZE = 20_000
MARKER = "HH-DEMO-DONE"  # the code of no org: its absence means the part is not loaded yet
REGIONS = ("340102", "340103", "340104", "340111", "340121", "340122", "340123", "340124")
STREETS = {
    "HH-DH": ("湖滨街道总工会", "东湖新村街道总工会"),
    "HH-XS": ("西山镇总工会", "翠屏街道总工会", "石桥镇总工会"),
    "HH-NL": ("南岭街道总工会", "古城街道总工会", "梅林镇总工会"),
    "HH-BG": ("北港街道总工会", "港口镇总工会", "临江街道总工会"),
    "HH-QH": ("青禾镇总工会", "双河乡总工会", "柳湾镇总工会"),
}
INDUSTRIES = (
    ("制造", "精密机械"),
    ("制造", "电子"),
    ("制造", "纺织"),
    ("零售", "商贸"),
    ("医疗", "医院"),
    ("物流", "物流"),
    ("建筑", "建设"),
    ("餐饮", "餐饮"),
    ("能源", "供电"),
    ("信息", "软件"),
)
JOINT_STATIONS = ("城东站", "城西站", "高铁站", "开发区站", "大学城站", "老城站")
PLATFORMS: dict[str, tuple[str, ...]] = {
    NewEmploymentForm.COURIER: ("顺丰速运", "中通快递", "圆通速递", "京东物流", "邮政EMS"),
    NewEmploymentForm.RIDER: ("美团", "饿了么"),
    NewEmploymentForm.RIDE_HAILING: ("滴滴出行", "曹操出行"),
    NewEmploymentForm.TRUCK: ("满帮", "货拉拉"),
}


def resident_id(rng: random.Random, birth: dt.date, sex: str) -> str:
    seq = rng.randrange(0, 50) * 2 + (1 if sex == "M" else 0)
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(0, 10)}{seq:02d}"[:17]
    return body + ric.calc_check_digit(body + "0")


def credit_code(n: int) -> str:
    body = f"91340100MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body + "0")


def load(*, size: int = DEFAULT_SIZE) -> None:
    if Org.objects.filter(code__startswith="HH-G").exists():
        return
    with transaction.atomic():
        unions = _unions()
        enterprises = _enterprises(unions, count=max(2000, size // 10))
        _people(unions, enterprises, size=size)
        _personas()


def _unions() -> list[Org]:
    rng = random.Random(7)
    orgs = {o.code: o for o in Org.objects.all()}
    unions: list[Org] = [orgs["HH-DH-JD1-001"], orgs["HH-XS-JD1-001"], orgs["HH-DH-KD-001"]]
    streets = [orgs["HH-DH-JD1"], orgs["HH-XS-JD1"]]
    for district, names in STREETS.items():
        for i, name in enumerate(names, start=2):
            streets.append(
                org_create(
                    actor=None,
                    name=name,
                    code=f"{district}-JD{i}",
                    kind=OrgKind.STREET_FEDERATION,
                    parent=orgs[district],
                )
            )
    for federation, label in (("HH-DH-KD", "快递"), ("HH-DH-WY", "网约送餐")):
        for i, station in enumerate(JOINT_STATIONS, start=2):
            unions.append(
                org_create(
                    actor=None,
                    name=f"东湖{station}{label}联合工会",
                    code=f"{federation}-{i:03d}",
                    kind=OrgKind.JOINT_UNION,
                    parent=orgs[federation],
                )
            )
    fake = Faker("zh_CN")
    fake.seed_instance(7)
    n = 0
    while len(unions) < 300:
        street = streets[n % len(streets)]
        n += 1
        _, trade = rng.choice(INDUSTRIES)
        unions.append(
            org_create(
                actor=None,
                name=f"淮河{fake.last_name()}{fake.first_name()}{trade}有限公司工会",
                code=f"HH-G{n:04d}",
                kind=OrgKind.GRASSROOTS_UNION,
                parent=street,
            )
        )
    return unions


def _enterprises(unions: list[Org], *, count: int) -> list[Enterprise]:
    rng = random.Random(11)
    rows = []
    for n in range(count):
        industry, trade = rng.choice(INDUSTRIES)
        union = unions[n % len(unions)]
        owner = rng.choices(list(Ownership), weights=(15, 65, 8, 8, 4))[0]
        rows.append(
            Enterprise(
                name=f"淮河市{union.name.removeprefix('淮河').removesuffix('工会')[:8]}{trade}"
                f"{n + 1:04d}号{'有限公司' if owner != Ownership.INSTITUTION else '院'}",
                credit_code=credit_code(n + 1),
                ownership=owner,
                industry=industry,
                size=rng.choices(list(EnterpriseSize), weights=(30, 45, 20, 5))[0],
                union=union,
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=1000)
    return list(Enterprise.objects.select_related("union").order_by("pk"))


def _people(unions: list[Org], enterprises: list[Enterprise], *, size: int) -> None:
    rng = random.Random(13)
    fake = Faker("zh_CN")
    fake.seed_instance(13)
    joint = [u for u in unions if u.kind == OrgKind.JOINT_UNION]
    by_union: dict[int, list[Enterprise]] = {}
    for e in enterprises:
        by_union.setdefault(e.union_id, []).append(e)
    today = timezone.localdate()
    seen: set[str] = set()
    for batch in _chunks(range(size), 5000):
        people, places = [], []
        for _n in batch:
            sex = rng.choice("MF")
            birth = dt.date(rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28))
            number = resident_id(rng, birth, sex)
            while number in seen:
                number = resident_id(rng, birth, sex)
            seen.add(number)
            new_form: str = ""
            if rng.random() < 0.08:
                new_form = rng.choices(list(PLATFORMS), weights=(45, 40, 10, 5))[0]
                union = rng.choice(joint)
            else:
                union = rng.choice(unions)
            employer = rng.choice(by_union.get(union.pk) or enterprises)
            people.append(
                Person(
                    id_hash=lookup_hash(number),
                    id_number=number,
                    name=fake.name_male() if sex == "M" else fake.name_female(),
                    sex=sex,
                    birth_date=birth,
                    phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                    education=rng.choice(list(Education)),
                    skill_grade=rng.choice([None, 1, 2, 3, 4, 5]),
                    political_status=rng.choices(list(PoliticalStatus), weights=(70, 10, 18, 2))[0],
                    employer=None if new_form else employer,
                    employer_name=rng.choice(PLATFORMS[new_form]) if new_form else "",
                    new_employment_form=new_form,
                    platform=rng.choice(PLATFORMS[new_form]) if new_form else "",
                    job_type=rng.choice(
                        (
                            "装配工",
                            "电工",
                            "焊工",
                            "护士",
                            "营业员",
                            "司机",
                            "工程师",
                            "会计",
                            "快递员" if new_form else "仓管员",
                        )
                    ),
                )
            )
            places.append(union)
        Person.objects.bulk_create(people, batch_size=2000)
        ids = dict(
            Person.objects.filter(id_hash__in=[p.id_hash for p in people]).values_list(
                "id_hash", "pk"
            )
        )
        memberships = []
        for person, union in zip(people, places, strict=True):
            roll = rng.random()
            start = today - dt.timedelta(days=rng.randint(30, 365 * 15))
            if roll < 0.01:
                applied = today - dt.timedelta(days=rng.randint(0, 8))
                memberships.append(
                    Membership(
                        org=union,
                        person_id=ids[person.id_hash],
                        state=MembershipState.APPLIED,
                        applied_at=timezone.make_aware(
                            dt.datetime.combine(applied, dt.time(10, rng.randint(0, 59)))
                        ),
                        decide_by=add_working_days(applied, 3).date,
                    )
                )
            else:
                state = MembershipState.RETAINED if roll > 0.96 else MembershipState.ACTIVE
                memberships.append(
                    Membership(
                        org=union, person_id=ids[person.id_hash], state=state, start_date=start
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=2000)


def _personas() -> None:
    """The courier persona is a member of the courier joint union, with a Person record."""
    worker = User.objects.filter(username="courier_worker").first()
    station = Org.objects.get(code="HH-DH-KD-001")
    if worker is None or hasattr(worker, "person"):
        return
    birth = dt.date(1995, 6, 18)
    number = resident_id(random.Random(99), birth, "M")
    person = Person.objects.create(
        id_hash=lookup_hash(number),
        id_number=number,
        name="周骑手",
        sex="M",
        birth_date=birth,
        phone="13912345678",
        new_employment_form=NewEmploymentForm.COURIER,
        platform="中通快递",
        employer_name="中通快递",
        job_type="快递员",
        user=worker,
    )
    Membership.objects.create(
        org=station, person=person, state=MembershipState.ACTIVE, start_date=dt.date(2023, 3, 1)
    )


def _chunks(items: range, size: int) -> Iterator[range]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
