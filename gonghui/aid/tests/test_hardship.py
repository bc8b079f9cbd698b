"""R8 one household, one file; R9 the category is computed and named refusals apply; the
yearly re-check and the 30% spot check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gonghui.aid.models import HardshipCheck, HouseholdMember, SpotCheck
from gonghui.aid.services import hardship
from gonghui.aid.services.hardship import Finances, MemberData
from gonghui.aid.tests.factories import household_file, joins, living_lines
from gonghui.core.models import AuditEntry, Org, User
from gonghui.orgs.tests.factories import member, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    living_lines(personas["city_admin"], [orgs["HH-DH"], orgs["HH-XS"]])


def _household(worker_income: int, size: int = 3) -> list[MemberData]:
    """A household whose worker is a member of the 东湖 factory union."""
    worker = member(Org.objects.get(code="HH-DH-JD1-001"), "户主").person
    people = [MemberData("户主", "self", worker.id_number, Decimal(worker_income))]
    people += [
        MemberData(f"家人{i}", "child", resident_id(dt.date(2010, 1, 1))) for i in range(size - 1)
    ]
    return people


def test_r09_category_is_computed_against_the_districts_line(personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    chair, union = personas["factory_chair"], orgs["HH-DH-JD1-001"]
    # (28,800 − 2,400) ÷ 3 ÷ 12 = 733.33 a month, below the 800 line: deep hardship
    deep = hardship.hardship_file_open(
        actor=chair,
        org=union,
        members=_household(28_800),
        finances=Finances(spending_illness=Decimal(2400)),
    )
    assert (deep.category, deep.per_head) == ("deep", Decimal("733.33"))
    # 36,000 ÷ 3 ÷ 12 = 1,000: below 2 × 800, relative hardship
    relative = hardship.hardship_file_open(
        actor=chair, org=union, members=_household(36_000), finances=Finances()
    )
    assert relative.category == "relative"
    # 72,000 ÷ 3 ÷ 12 = 2,000: above 2×, but an accident gives accident hardship
    accident = hardship.hardship_file_open(
        actor=chair, org=union, members=_household(72_000), finances=Finances(accident=True)
    )
    assert accident.category == "accident"
    assert accident.district == orgs["HH-DH"]
    assert AuditEntry.objects.filter(action="hardship.open").count() == 3


def test_r09_refusals_are_named_and_nothing_is_kept(personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    chair, union = personas["factory_chair"], orgs["HH-DH-JD1-001"]
    with pytest.raises(ValidationError) as refused:
        hardship.hardship_file_open(
            actor=chair,
            org=union,
            members=_household(72_000),
            finances=Finances(homes_owned=2, employs_others=True, high_fee_schooling=True),
        )
    text = " ".join(refused.value.messages)
    assert "两套" in text and "雇工" in text and "高收费" in text and "两倍" in text
    assert not HouseholdMember.objects.exists()


def test_r09_no_line_entered_is_a_clear_refusal(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="低保"):
        hardship.hardship_file_open(
            actor=personas["factory_chair"],
            org=orgs["HH-DH-JD1-001"],
            members=_household(10_000),
            finances=Finances(),
        )


def test_r08_a_household_member_cannot_be_on_a_second_file(personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    worker = member(orgs["HH-DH-JD1-001"], "赵困难").person
    first = household_file(personas["factory_chair"], orgs["HH-DH-JD1-001"], worker)
    child = first.members.get(relation="child")
    # The child, now working in 西山, is put on a file there: refused by name and number.
    joins(orgs["HH-XS-JD1-001"], "孩子", child.id_number)
    with pytest.raises(ValidationError, match=first.number):
        hardship.hardship_file_open(
            actor=personas["xishan_staff"],
            org=orgs["HH-XS-JD1-001"],
            members=[MemberData("孩子", "self", child.id_number, Decimal(10_000))],
            finances=Finances(),
        )
    # The database refuses it too, whatever a service forgets.
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.create(
            file=first, name="再来", relation="other", id_number="x", id_hash=child.id_hash
        )
    # Once the file is closed, the household may be filed again.
    hardship.hardship_file_close(actor=personas["factory_chair"], file=first, reason="moved")
    again = household_file(personas["factory_chair"], orgs["HH-DH-JD1-001"], worker)
    assert again.is_open and again.pk != first.pk


def test_r01_files_are_opened_only_in_scope(personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        hardship.hardship_file_open(
            actor=personas["xishan_staff"],
            org=orgs["HH-DH-JD1-001"],
            members=_household(10_000),
            finances=Finances(),
        )


def test_r09_recheck_recomputes_and_closes_a_file_that_no_longer_qualifies(  # type: ignore[no-untyped-def]
    personas, orgs, lines
) -> None:
    chair = personas["factory_chair"]
    file = hardship.hardship_file_open(
        actor=chair, org=orgs["HH-DH-JD1-001"], members=_household(28_800), finances=Finances()
    )
    check = hardship.hardship_file_recheck(
        actor=chair, file=file, annual_income=Decimal(40_000), finances=Finances()
    )
    file.refresh_from_db()
    assert (check.still_qualifies, file.category, file.is_open) == (True, "relative", True)
    check = hardship.hardship_file_recheck(
        actor=chair, file=file, annual_income=Decimal(90_000), finances=Finances(), note="新工作"
    )
    file.refresh_from_db()
    assert not check.still_qualifies and "两倍" in check.note
    assert (file.is_open, file.close_reason) == (False, "recheck")
    assert not file.members.filter(file_open=True).exists()
    assert HardshipCheck.objects.filter(file=file).count() == 2


def test_close_needs_a_reason(personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    chair = personas["factory_chair"]
    file = hardship.hardship_file_open(
        actor=chair, org=orgs["HH-DH-JD1-001"], members=_household(20_000), finances=Finances()
    )
    with pytest.raises(ValidationError):
        hardship.hardship_file_close(actor=chair, file=file, reason="other", note=" ")
    hardship.hardship_file_close(actor=chair, file=file, reason="left", note="再就业")
    with pytest.raises(ValidationError):
        hardship.hardship_file_close(actor=chair, file=file, reason="left")


def test_spot_check_draws_at_least_30_percent_once_a_year(personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    chair = personas["factory_chair"]
    for _ in range(10):
        hardship.hardship_file_open(
            actor=chair, org=orgs["HH-DH-JD1-001"], members=_household(20_000), finances=Finances()
        )
    drawn = hardship.spot_check_draw(actor=personas["donghu_staff"], org=orgs["HH-DH"], year=2026)
    assert len(drawn) == 3
    again = hardship.spot_check_draw(actor=personas["donghu_staff"], org=orgs["HH-DH"], year=2026)
    assert again == [] and SpotCheck.objects.filter(year=2026).count() == 3
    assert len(hardship.spot_check_draw(actor=chair, org=orgs["HH-DH-JD1-001"], year=2027)) == 3


def test_r08_files_are_for_members_of_the_union(personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    stranger = MemberData("路人甲", "self", resident_id(), Decimal(10_000))
    with pytest.raises(ValidationError, match="没有有效会籍"):
        hardship.hardship_file_open(
            actor=personas["factory_chair"],
            org=orgs["HH-DH-JD1-001"],
            members=[stranger],
            finances=Finances(),
        )
    assert not HouseholdMember.objects.exists()
