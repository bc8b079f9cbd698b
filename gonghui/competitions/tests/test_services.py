"""Contests, registration and its refusals, the lot draw and the scoring panel, through the
services and the database: a 东湖区 plumbers' and electricians' contest in pairs (PROGRAMS §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.competitions import services
from gonghui.competitions.models import (
    Contest,
    Contestant,
    ContestState,
    EntryKind,
    JobType,
    RegisteredBy,
)
from gonghui.core.models import Org, User
from gonghui.orgs.models import Enterprise, Membership, Person
from gonghui.orgs.services import membership_retain
from gonghui.orgs.tests.factories import member, person
from gonghui.scoring.models import Entry

pytestmark = pytest.mark.django_db

FACTORY = "HH-DH-JD1-001"


def _codes(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e.code or "" for e in excinfo.value.error_list}


@pytest.fixture
def job_types(personas: dict[str, User]) -> list[JobType]:
    admin = personas["city_admin"]
    return [
        services.job_type_create(actor=admin, code="plumber", name="管道工"),
        services.job_type_create(actor=admin, code="electrician", name="电工"),
    ]


def _contest(
    personas: dict[str, User],
    orgs: dict[str, Org],
    job_types: list[JobType],
    *,
    team_size: int = 2,
) -> Contest:
    now = timezone.now()
    contest = services.contest_create(
        actor=personas["donghu_staff"],
        org=orgs["HH-DH"],
        title="东湖区管道工电工技能竞赛",
        job_types=job_types,
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=2),
        closes_at=now + dt.timedelta(days=3),
        venue="东湖区职业技能实训基地",
        time_limit_minutes=60,
        entry_kind=EntryKind.TEAM if team_size > 1 else EntryKind.INDIVIDUAL,
        team_size=team_size,
        prize_money={"first": Decimal("5000"), "second": Decimal("3000.50")},
    )
    return services.contest_open(actor=personas["donghu_staff"], contest=contest)


@pytest.fixture
def contest(personas: dict[str, User], orgs: dict[str, Org], job_types: list[JobType]) -> Contest:
    return _contest(personas, orgs, job_types)


@pytest.fixture
def firm(orgs: dict[str, Org]) -> Enterprise:
    return Enterprise.objects.create(
        name="淮河东湖精密机械有限公司",
        credit_code="91340100MA2T000001",
        ownership="private",
        union=orgs[FACTORY],
    )


def _worker(
    orgs: dict[str, Org],
    name: str,
    job: str = "管道工",
    *,
    sex: str = "M",
    birth: dt.date = dt.date(1990, 1, 15),
    employer: Enterprise | None = None,
) -> Person:
    return member(orgs[FACTORY], name, sex=sex, birth=birth, job_type=job, employer=employer).person


def _close_registration(contest: Contest) -> None:
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    contest.refresh_from_db()


def _pairs(personas: dict[str, User], orgs: dict[str, Org], contest: Contest, n: int) -> list[int]:
    return [
        services.registration_submit(
            actor=personas["factory_chair"],
            contest=contest,
            people=[_worker(orgs, f"管道{i}"), _worker(orgs, f"电工{i}", "电工")],
            team_name=f"第{i}队",
        ).pk
        for i in range(n)
    ]


# --- Contests ------------------------------------------------------------------------------------


def test_r18_r19_contest_stores_its_weights_and_prizes_as_data(contest: Contest) -> None:
    assert (contest.theory_weight, contest.practical_weight) == (Decimal("0.30"), Decimal("0.70"))
    assert [(t["name"], t["count"]) for t in contest.prize_table] == [
        ("first", 1),
        ("second", 2),
        ("third", 3),
    ]
    assert contest.prize_money_for("second") == Decimal("3000.50")
    assert contest.prize_money_for("third") == 0
    assert (contest.level, contest.state) == ("district", ContestState.OPEN)


def test_r18_contest_refuses_weights_that_do_not_sum_to_one(
    personas: dict[str, User], orgs: dict[str, Org], job_types: list[JobType]
) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        services.contest_create(
            actor=personas["city_admin"],
            org=orgs["HH"],
            title="市级竞赛",
            job_types=job_types,
            starts_at=now + dt.timedelta(days=2),
            ends_at=now + dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=3),
            venue="市体育馆",
            time_limit_minutes=60,
            entry_kind=EntryKind.TEAM,
            team_size=1,
            theory_weight=Decimal("0.40"),
        )
    assert len(excinfo.value.messages) == 3  # times, team size, weights


def test_grassroots_chair_cannot_run_a_contest(
    personas: dict[str, User], orgs: dict[str, Org], job_types: list[JobType]
) -> None:
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.contest_create(
            actor=personas["factory_chair"],
            org=orgs[FACTORY],
            title="厂内比武",
            job_types=job_types,
            starts_at=now + dt.timedelta(days=2),
            ends_at=now + dt.timedelta(days=3),
            closes_at=now + dt.timedelta(days=1),
            venue="车间",
            time_limit_minutes=60,
        )


# --- Registration --------------------------------------------------------------------------------


def test_union_registers_a_team_of_two(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest, firm: Enterprise
) -> None:
    pair = [_worker(orgs, "钱管道", employer=firm), _worker(orgs, "孙电工", "电工")]
    registration = services.registration_submit(
        actor=personas["factory_chair"], contest=contest, people=pair, team_name="精密一队"
    )
    assert registration.registered_by == RegisteredBy.UNION
    assert registration.union == orgs[FACTORY]
    assert sorted(
        Contestant.objects.filter(registration=registration).values_list("employer_key", flat=True)
    ) == ["", str(firm.pk)]


def test_worker_registers_themself(
    personas: dict[str, User], orgs: dict[str, Org], job_types: list[JobType]
) -> None:
    individual = _contest(personas, orgs, job_types, team_size=1)
    courier = member(
        orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"], job_type="电工"
    ).person
    registration = services.registration_submit(
        actor=personas["courier_worker"], contest=individual, people=[courier]
    )
    assert registration.registered_by == RegisteredBy.WORKER


def test_worker_cannot_register_someone_else_nor_other_district(
    personas: dict[str, User], orgs: dict[str, Org], job_types: list[JobType]
) -> None:
    individual = _contest(personas, orgs, job_types, team_size=1)
    member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"], job_type="电工")
    other = _worker(orgs, "吴管道")
    for username in ("courier_worker", "xishan_staff"):
        with pytest.raises(PermissionDenied):
            services.registration_submit(
                actor=personas[username], contest=individual, people=[other]
            )


def test_r2_registration_refuses_non_members_and_retained_members(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    retired = member(orgs[FACTORY], "老管道", job_type="管道工")
    membership_retain(actor=personas["factory_chair"], membership=retired, reason="退休")
    applicant = person(orgs[FACTORY], "新电工", job_type="电工")
    Membership.objects.create(org=orgs[FACTORY], person=applicant, state="applied")
    with pytest.raises(ValidationError) as excinfo:
        services.registration_submit(
            actor=personas["factory_chair"],
            contest=contest,
            people=[retired.person, applicant],
            team_name="退休队",
        )
    assert [e.code for e in excinfo.value.error_list] == ["not_member", "not_member"]
    retained_msg, applicant_msg = excinfo.value.messages
    assert "老管道" in retained_msg and "保留会籍" in retained_msg  # says why, in Chinese
    assert "新电工" in applicant_msg


def test_registration_refuses_entrants_under_16_or_past_retirement_age(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    today = timezone.localdate()
    # The union admits nobody under 16 (orgs refuses it), so this member predates that check.
    young = Person.objects.create(
        id_hash="young",
        id_number="-",
        name="小管道",
        sex="M",
        job_type="管道工",
        birth_date=dt.date(today.year - 15, 1, 1),
    )
    Membership.objects.create(org=orgs[FACTORY], person=young, state="active", start_date=today)
    older_woman = _worker(orgs, "李电工", "电工", sex="F", birth=dt.date(today.year - 56, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.registration_submit(
            actor=personas["factory_chair"],
            contest=contest,
            people=[young, older_woman],
            team_name="年龄队",
        )
    assert [e.code for e in excinfo.value.error_list] == ["age", "age"]
    # A man of 56 is within the age range (retirement at 60 for men).
    older_man = _worker(orgs, "王电工", "电工", birth=dt.date(today.year - 56, 1, 1))
    adult = _worker(orgs, "张管道")
    services.registration_submit(
        actor=personas["factory_chair"],
        contest=contest,
        people=[adult, older_man],
        team_name="老将",
    )


def test_registration_refuses_a_job_outside_the_contest(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    cook = _worker(orgs, "厨师甲", "厨师")
    with pytest.raises(ValidationError) as excinfo:
        services.registration_submit(
            actor=personas["factory_chair"],
            contest=contest,
            people=[cook, _worker(orgs, "周管道")],
            team_name="混合队",
        )
    assert _codes(excinfo) == {"job_type"}


def test_registration_refuses_entries_after_registration_closes(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    _close_registration(contest)
    with pytest.raises(ValidationError) as excinfo:
        _pairs(personas, orgs, contest, 1)
    assert _codes(excinfo) == {"closed"}


def test_registration_refuses_a_team_of_the_wrong_size(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.registration_submit(
            actor=personas["factory_chair"],
            contest=contest,
            people=[_worker(orgs, "独行侠")],
            team_name="一人队",
        )
    assert _codes(excinfo) == {"team_size"}


def test_registration_refuses_a_person_already_registered(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    plumber = _worker(orgs, "重复管道")
    services.registration_submit(
        actor=personas["factory_chair"],
        contest=contest,
        people=[plumber, _worker(orgs, "电工甲", "电工")],
        team_name="甲队",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.registration_submit(
            actor=personas["factory_chair"],
            contest=contest,
            people=[plumber, _worker(orgs, "电工乙", "电工")],
            team_name="乙队",
        )
    assert _codes(excinfo) == {"already_registered"}
    assert Contestant.objects.filter(contest=contest, person=plumber).count() == 1


# --- Lot draw and panel --------------------------------------------------------------------------


def test_lot_draw_is_reproducible_from_its_seed_and_drawn_once(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    ids = _pairs(personas, orgs, contest, 4)
    staff = personas["donghu_staff"]
    with pytest.raises(ValidationError) as before:
        services.lot_draw(actor=staff, contest=contest)
    assert _codes(before) == {"state"}
    _close_registration(contest)
    draw = services.lot_draw(actor=staff, contest=contest)
    stations = {int(pk): n for pk, n in draw.stations.items()}
    assert sorted(stations) == sorted(ids)
    assert sorted(stations.values()) == [1, 2, 3, 4]
    assert services.stations_from_seed(draw.seed, reversed(ids)) == stations
    with pytest.raises(ValidationError) as again:
        services.lot_draw(actor=staff, contest=contest)
    assert _codes(again) == {"drawn"}
    with pytest.raises(PermissionDenied):
        services.lot_draw(actor=personas["xishan_staff"], contest=contest)


def test_r18_panel_has_the_contest_weights_and_one_entry_per_registration(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest, firm: Enterprise
) -> None:
    ids = _pairs(personas, orgs, contest, 2)
    services.registration_submit(
        actor=personas["factory_chair"],
        contest=contest,
        people=[_worker(orgs, "钱管道", employer=firm), _worker(orgs, "孙电工", "电工")],
        team_name="精密一队",
    )
    _close_registration(contest)
    panel = services.contest_panel_open(actor=personas["donghu_staff"], contest=contest)
    rubric = panel.rubric.to_engine()
    assert [(p.code, p.weight) for p in rubric.parts] == [
        ("theory", Decimal("0.30")),
        ("practical", Decimal("0.70")),
    ]
    entries = list(Entry.objects.filter(panel=panel).order_by("pk"))
    assert [int(e.object_id) for e in entries][:2] == ids
    assert len(entries) == contest.registrations.count() == 3
    assert entries[-1].label == "精密一队" and entries[-1].employer_keys == [str(firm.pk)]
    assert panel.prize_table == contest.prize_table
    contest.refresh_from_db()
    assert contest.state == ContestState.JUDGING
    with pytest.raises(ValidationError):
        services.contest_panel_open(actor=personas["donghu_staff"], contest=contest)
