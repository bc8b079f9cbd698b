"""The hardship-file pages through the test client: opening a file on the form (R8, R9, its
refusals shown with nothing saved), the list scoped to the viewer (R1), the re-check, closing,
the spot-check draw and the minimum-living lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.aid.models import HardshipCheck, HardshipFile, LivingLine, SpotCheck
from gonghui.aid.tests.factories import household_file, joins, living_lines
from gonghui.core.models import AuditEntry, Org, User
from gonghui.orgs.tests.factories import member, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    living_lines(personas["city_admin"], [orgs["HH-DH"], orgs["HH-XS"]])


def _open_form(
    union: Org, people: list[tuple[str, str, str, int]], **finances: str
) -> dict[str, str]:
    """The POST of the open-a-file form: the union, household rows, finances."""
    data = {
        "union": str(union.pk),
        "members-TOTAL_FORMS": "10",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "10",
        "spending_illness": "2400",
        "homes_owned": "0",
        "housing": "租房",
        "causes": "职工患病",
    }
    for i in range(10):
        data[f"members-{i}-relation"] = "self" if i == 0 else ""
    for i, (name, relation, id_number, income) in enumerate(people):
        data |= {
            f"members-{i}-name": name,
            f"members-{i}-relation": relation,
            f"members-{i}-id_number": id_number,
            f"members-{i}-income": str(income),
        }
    return data | finances


def _household(income: int = 28_800) -> list[tuple[str, str, str, int]]:
    return [
        (
            "钱困难",
            "self",
            member(Org.objects.get(code="HH-DH-JD1-001"), "钱困难").person.id_number,
            income,
        ),
        ("钱配偶", "spouse", resident_id(dt.date(1991, 2, 2), "F"), 0),
        ("钱孩子", "child", resident_id(dt.date(2012, 3, 3)), 0),
    ]


def test_r09_opening_a_file_through_the_form_computes_its_category(  # type: ignore[no-untyped-def]
    client_for, orgs, lines
) -> None:
    client = client_for("factory_chair")
    page = client.get("/aid/files/new/").content.decode()
    assert orgs["HH-DH-JD1-001"].name in page and 'name="members-9-name"' in page
    people = _household()
    response = client.post("/aid/files/new/", _open_form(orgs["HH-DH-JD1-001"], people))
    file = HardshipFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/aid/files/{file.pk}/"
    # (28,800 − 2,400) ÷ 3 ÷ 12 = 733.33 a month, below the 800 line
    assert (file.category, file.per_head, file.members.count()) == ("deep", Decimal("733.33"), 3)
    body = client.get(response["Location"]).content.decode()
    assert "已建档" in body and "深度困难" in body and "钱配偶" in body
    worker_id = people[0][2]
    assert worker_id not in body and worker_id[:4] + "**********" + worker_id[-4:] in body


def test_r09_a_refused_household_shows_the_named_rule_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    client_for, orgs, lines
) -> None:
    data = _open_form(orgs["HH-DH-JD1-001"], _household(), homes_owned="2", employs_others="on")
    response = client_for("factory_chair").post("/aid/files/new/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "R9" in body and "两套" in body and "雇工" in body
    assert not HardshipFile.objects.exists()
    # Nothing typed is lost: the rows and the flags come back as entered.
    assert 'value="钱孩子"' in body and 'value="2"' in body and "checked" in body


def test_r09_a_bad_id_number_is_shown_beside_its_row(client_for, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    people = _household()
    people[1] = (
        "钱配偶",
        "spouse",
        people[1][2][:-1] + ("0" if people[1][2][-1] != "0" else "1"),
        0,
    )
    response = client_for("factory_chair").post(
        "/aid/files/new/", _open_form(orgs["HH-DH-JD1-001"], people)
    )
    body = response.content.decode()
    assert response.status_code == 200 and "校验位" in body and "is-invalid" in body
    assert not HardshipFile.objects.exists()


def test_r08_a_member_already_on_file_is_refused_on_the_form(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, lines
) -> None:
    worker = member(orgs["HH-DH-JD1-001"], "赵困难").person
    first = household_file(personas["factory_chair"], orgs["HH-DH-JD1-001"], worker)
    child = first.members.get(relation="child")
    # The child, now working in 西山, is put on a file there.
    joins(orgs["HH-XS-JD1-001"], "赵孩子", child.id_number)
    data = _open_form(orgs["HH-XS-JD1-001"], [("赵孩子", "self", child.id_number, 10_000)])
    body = client_for("xishan_staff").post("/aid/files/new/", data).content.decode()
    assert "R8" in body and first.number in body and "一户一档" in body
    assert HardshipFile.objects.count() == 1


def test_r01_the_list_is_scoped_to_the_viewers_district(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, lines
) -> None:
    dh = household_file(
        personas["factory_chair"],
        orgs["HH-DH-JD1-001"],
        member(orgs["HH-DH-JD1-001"], "东湖困难").person,
    )
    xs = household_file(
        personas["xishan_staff"],
        orgs["HH-XS-JD1-001"],
        member(orgs["HH-XS-JD1-001"], "西山困难").person,
    )
    body = client_for("xishan_staff").get("/aid/files/").content.decode()
    assert "西山困难" in body and xs.number in body
    assert "东湖困难" not in body and dh.number not in body
    assert client_for("xishan_staff").get(f"/aid/files/{dh.pk}/").status_code == 404
    body = client_for("city_admin").get("/aid/files/").content.decode()
    assert "东湖困难" in body and "西山困难" in body


def test_file_list_filters_by_state_category_and_search(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, lines
) -> None:
    chair, union = personas["factory_chair"], orgs["HH-DH-JD1-001"]
    kept = household_file(chair, union, member(union, "孙在档").person)
    gone = household_file(chair, union, member(union, "李退档").person)
    client = client_for("donghu_staff")
    client.post(f"/aid/files/{gone.pk}/close/", {"reason": "moved"})
    body = client.get("/aid/files/").content.decode()  # open files by default
    assert "孙在档" in body and "李退档" not in body
    body = client.get("/aid/files/", {"state": "closed"}).content.decode()
    assert "李退档" in body and "孙在档" not in body
    body = client.get("/aid/files/", {"state": "", "q": "退档"}).content.decode()
    assert "李退档" in body and "孙在档" not in body
    body = client.get("/aid/files/", {"q": kept.number}).content.decode()
    assert "孙在档" in body
    assert "孙在档" not in client.get("/aid/files/", {"category": "relative"}).content.decode()


def test_file_list_query_count_does_not_grow_with_the_page(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, lines
) -> None:
    chair, union = personas["factory_chair"], orgs["HH-DH-JD1-001"]
    client = client_for("city_admin")
    household_file(chair, union, member(union, "少甲").person)
    client.get("/aid/files/")
    with CaptureQueriesContext(connection) as few:
        client.get("/aid/files/")
    for i in range(12):
        household_file(chair, union, member(union, f"多{i}").person)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/aid/files/").content.decode()
    assert "多11" in body
    assert len(many) == len(few)


def test_r09_recheck_through_the_form_recomputes_or_closes(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, lines
) -> None:
    union = orgs["HH-DH-JD1-001"]
    file = household_file(personas["factory_chair"], union, member(union, "周复核").person)
    client = client_for("factory_chair")
    # 40,000 − 2,000 illness = 38,000 ÷ 3 ÷ 12 = 1,055.56: relative hardship
    response = client.post(
        f"/aid/files/{file.pk}/recheck/",
        {"annual_income": "40000", "spending_illness": "2000", "homes_owned": "0", "note": "走访"},
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert (file.category, file.per_head, file.is_open) == ("relative", Decimal("1055.56"), True)
    body = client.get(f"/aid/files/{file.pk}/").content.decode()
    assert "复核完成" in body and "走访" in body
    client.post(f"/aid/files/{file.pk}/recheck/", {"annual_income": "90000", "homes_owned": "0"})
    file.refresh_from_db()
    assert (file.is_open, file.close_reason) == (False, "recheck")
    assert HardshipCheck.objects.filter(file=file).count() == 2
    body = client.get(f"/aid/files/{file.pk}/").content.decode()
    assert "已不符合条件" in body and "复核不再符合条件" in body


def test_recheck_with_bad_figures_keeps_what_was_typed(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, lines
) -> None:
    union = orgs["HH-DH-JD1-001"]
    file = household_file(personas["factory_chair"], union, member(union, "吴输错").person)
    response = client_for("factory_chair").post(
        f"/aid/files/{file.pk}/recheck/",
        {"annual_income": "-5", "spending_illness": "1234", "note": "入户核实"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "复核未保存" in body
    assert 'value="1234"' in body and "入户核实" in body
    assert not HardshipCheck.objects.exists()


def test_close_through_the_form_needs_a_reason(client_for, personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    union = orgs["HH-DH-JD1-001"]
    file = household_file(personas["factory_chair"], union, member(union, "郑退档").person)
    client = client_for("donghu_staff")
    body = client.post(f"/aid/files/{file.pk}/close/", {"reason": "other", "note": " "}).content
    assert "请说明退档原因" in body.decode()
    file.refresh_from_db()
    assert file.is_open
    response = client.post(f"/aid/files/{file.pk}/close/", {"reason": "left", "note": "再就业"})
    assert response.status_code == 302
    file.refresh_from_db()
    assert (file.is_open, file.close_reason, file.close_note) == (False, "left", "再就业")
    body = client.get(f"/aid/files/{file.pk}/").content.decode()
    assert "已脱困" in body and "再就业" in body and "年度复核" not in body
    # Once closed, neither form acts on it any more.
    client.post(f"/aid/files/{file.pk}/recheck/", {"annual_income": "1000", "homes_owned": "0"})
    assert not HardshipCheck.objects.exists()
    assert client_for("xishan_staff").post(f"/aid/files/{file.pk}/close/").status_code == 404


def test_spot_check_draw_from_the_list(client_for, personas, orgs, lines) -> None:  # type: ignore[no-untyped-def]
    union = orgs["HH-DH-JD1-001"]
    for i in range(10):
        household_file(personas["factory_chair"], union, member(union, f"抽{i}").person)
    client = client_for("donghu_staff")
    response = client.post("/aid/files/spot-check/", {"org": orgs["HH-DH"].pk})
    assert response.status_code == 302 and response["Location"] == "/aid/files/"
    year = timezone.localdate().year
    assert SpotCheck.objects.filter(year=year, drawn_in=orgs["HH-DH"]).count() == 3
    body = client.get("/aid/files/").content.decode()
    assert "新抽取 3 份" in body and body.count("badge text-bg-warning") == 3
    drawn_only = client.get("/aid/files/", {"state": "open", "spot": "on"}).content.decode()
    assert drawn_only.count("badge text-bg-warning") == 3
    assert drawn_only.split("<tbody>")[1].split("</tbody>")[0].count("<tr") == 3
    assert 'data-confirm="现在抽取今年的抽查档案吗' in body
    # Drawn again: nothing more is needed this year. Without an org, the top org is used.
    client.post("/aid/files/spot-check/")
    assert SpotCheck.objects.filter(year=year).count() == 3
    assert "无需再抽取" in client.get("/aid/files/").content.decode()
    # An org out of scope is not found.
    other = client.post("/aid/files/spot-check/", {"org": orgs["HH-XS"].pk})
    assert other.status_code == 404


def test_r09_living_line_set_by_the_city(client_for, personas, orgs) -> None:  # type: ignore[no-untyped-def]
    client = client_for("city_admin")
    year = timezone.localdate().year
    page = client.get("/aid/living-lines/").content.decode()
    assert "南岭区总工会" in page and "尚未录入" in page
    response = client.post(
        "/aid/living-lines/", {"district": orgs["HH-NL"].pk, "year": year, "monthly": "780"}
    )
    assert response.status_code == 302
    line = LivingLine.objects.get(org=orgs["HH-NL"], year=year)
    assert line.monthly == Decimal("780.00")
    assert AuditEntry.objects.filter(action="hardship.living_line").exists()
    # A correction replaces the year's line.
    client.post(
        "/aid/living-lines/", {"district": orgs["HH-NL"].pk, "year": year, "monthly": "800"}
    )
    line.refresh_from_db()
    assert line.monthly == Decimal("800.00")
    assert (
        "800.00"
        in client.get("/aid/living-lines/", {"district": orgs["HH-NL"].pk}).content.decode()
    )


def test_r01_living_lines_only_in_the_actors_districts(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    response = client_for("donghu_staff").post(
        "/aid/living-lines/", {"district": orgs["HH-XS"].pk, "year": 2026, "monthly": "700"}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not LivingLine.objects.exists()
    assert client_for("factory_chair").get("/aid/living-lines/").status_code == 404


def test_r09_the_chair_sees_the_line_files_are_computed_against(client_for, lines) -> None:  # type: ignore[no-untyped-def]
    chair = client_for("factory_chair").get("/aid/files/").content.decode()
    line = chair.split('data-testid="living-lines"')[1].split("</p>")[0]
    assert "东湖区总工会 ¥800.00" in line and "西山区总工会" not in line
