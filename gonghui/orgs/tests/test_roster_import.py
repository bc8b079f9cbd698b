"""Roster import (R2, R4): the union's own layout is read, every row checked and reported by
row, column and reason; all or nothing, or the valid rows only; nothing half-written."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.core.models import Org
from gonghui.orgs.models import ImportState, Membership, Person, RosterImport, RosterMapping
from gonghui.orgs.roster.reading import to_date
from gonghui.orgs.tests.factories import (
    fullwidth,
    good_rows,
    member,
    resident_id,
    roster_xlsx,
)

# Real commits: the check and the import are tasks enqueued after commit.
pytestmark = pytest.mark.django_db(transaction=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client: Client, org: Org, content: bytes, name: str = "花名册.xlsx") -> object:
    return client.post("/roster/", {"org": org.pk, "file": SimpleUploadedFile(name, content, XLSX)})


def _run(
    client: Client,
    org: Org,
    content: bytes,
    mode: str,
    mapping: dict[str, str] | None = None,
    name: str = "花名册.xlsx",
) -> RosterImport:
    response = _upload(client, org, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]  # type: ignore[attr-defined]
    item = RosterImport.objects.latest("created_at")
    data = {f"col_{i}": field for i, field in (mapping or item.mapping).items()}
    client.post(f"/roster/{item.pk}/map/", data)
    item.refresh_from_db()
    assert item.state == ImportState.CHECKED, item.state
    client.post(f"/roster/{item.pk}/", {"mode": mode})
    item.refresh_from_db()
    return item


@pytest.fixture
def chair(client_for):  # type: ignore[no-untyped-def]
    return client_for("factory_chair")


def test_r04_layout_is_understood_and_all_rows_import(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    rows = good_rows(3)
    rows[0][1] = fullwidth(str(rows[0][1]))  # full-width digits, as some IMEs type them
    rows[1][1] = f" {rows[1][1]} "  # stray spaces
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "all")
    assert item.state == ImportState.DONE and item.imported_count == 3
    assert item.header_row == 2
    union = orgs["HH-DH-JD1-001"]
    assert Membership.objects.filter(org=union, state="active").count() == 3
    joined = Membership.objects.filter(org=union).values_list("start_date", flat=True)
    assert set(joined) == {dt.date(2020, 3, 1)}


def test_r04_bad_rows_are_reported_by_row_column_and_reason(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    existing = member(orgs["HH-XS-JD1-001"], "已在西山")
    rows = good_rows(2)
    dup = rows[0][1]
    rows += [
        ["坏校验", "110105194912310021", "1949.12", "2020-01-01", ""],
        ["", resident_id(), "1990.01", "", ""],
        ["重复", dup, "1990.01", "", ""],
        ["生日不符", resident_id(dt.date(1990, 1, 15)), "1991.02", "", ""],
        ["已在西山", existing.person.id_number, "", "", ""],
    ]
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "all")
    assert item.state == ImportState.NOTHING
    assert not Membership.objects.filter(org=orgs["HH-DH-JD1-001"]).exists()
    reasons = {(row, column): reason for row, column, reason in item.errors}
    assert "校验位" in reasons[(6, "公民身份号码")]
    assert (7, "姓名") in reasons  # header "姓 名" read as 姓名
    assert "第 4 行" in reasons[(8, "公民身份号码")] or "row 4" in reasons[(8, "公民身份号码")]
    assert (9, "出生年月") in reasons
    assert "西山纺织有限公司工会" in reasons[(10, "公民身份号码")]
    page = chair.get(f"/roster/{item.pk}/").content.decode()
    assert "校验位" in page


def test_valid_rows_only_imports_the_good_ones_in_one_go(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[object]] = [*good_rows(4), ["坏校验", "110105194912310021", "", "", ""]]
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "valid")
    assert item.state == ImportState.DONE and item.imported_count == 4
    assert Person.objects.filter(name__startswith="职工").count() == 4


def test_error_report_has_a_reason_column(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[object]] = [*good_rows(1), ["坏校验", "110105194912310021", "", "", ""]]
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "all")
    response = chair.get(f"/roster/{item.pk}/errors.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "错误原因" and values[0][0] == "行号"
    assert len(values) == 2 and values[1][0] == 5 and "校验位" in str(values[1][-1])


def test_unrecognised_column_is_mapped_and_remembered_for_the_union(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    union = orgs["HH-DH-JD1-001"]
    rows = [["甲", resident_id(), "1990.01", "", "电工"]]
    first = _run(
        chair,
        union,
        roster_xlsx(rows, extra_header="岗位工种名称"),
        "all",
        mapping={
            "0": "",
            "1": "name",
            "2": "id_number",
            "3": "birth_date",
            "4": "start_date",
            "5": "job_type",
        },
    )
    assert first.state == ImportState.DONE
    assert Person.objects.get(name="甲").job_type == "电工"
    assert RosterMapping.objects.get(org=union).headers["岗位工种名称"] == "job_type"
    _upload(
        chair,
        union,
        roster_xlsx([["乙", resident_id(), "", "", "焊工"]], extra_header="岗位工种名称"),
    )
    assert RosterImport.objects.latest("created_at").mapping["5"] == "job_type"


def test_csv_in_gb18030_with_excel_serial_dates(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号码", "出生日期", "技能等级", "新就业形态", "平台"])
    writer.writerow(["丙", resident_id(dt.date(1990, 1, 15)), "32888", "四级", "快递员", "中通"])
    content = out.getvalue().encode("gb18030")
    response = chair.post(
        "/roster/",
        {"org": orgs["HH-DH-JD1-001"].pk, "file": SimpleUploadedFile("r.csv", content, "text/csv")},
    )
    assert response.status_code == 302
    item = RosterImport.objects.latest("created_at")
    chair.post(f"/roster/{item.pk}/map/", {f"col_{i}": f for i, f in item.mapping.items()})
    chair.post(f"/roster/{item.pk}/", {"mode": "all"})
    person = Person.objects.get(name="丙")
    assert (person.skill_grade, person.new_employment_form, person.platform) == (
        4,
        "courier",
        "中通",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.xlsx", b"this is not a spreadsheet", "不是"),
        ("roster.xlsx", b"", "空"),
        ("roster.pdf", b"%PDF-1.4", ".xlsx"),
        ("roster.csv", "备注\n随便写写\n".encode(), "表头"),
    ],
)
def test_bad_files_get_a_clear_message_and_write_nothing(  # type: ignore[no-untyped-def]
    chair, orgs, name: str, content: bytes, message: str
) -> None:
    response = chair.post(
        "/roster/", {"org": orgs["HH-DH-JD1-001"].pk, "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()


def test_oversized_upload_is_refused(chair, orgs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs.roster import importing

    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 1000)
    response = _upload(chair, orgs["HH-DH-JD1-001"], roster_xlsx(good_rows(30)))
    assert "50 MB" in response.content.decode()  # type: ignore[attr-defined]
    assert not RosterImport.objects.exists()


def test_header_only_file_imports_nothing_and_says_why(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    response = _upload(chair, orgs["HH-DH-JD1-001"], roster_xlsx([]))
    assert response.status_code == 302  # type: ignore[attr-defined]
    item = RosterImport.objects.get()
    chair.post(f"/roster/{item.pk}/map/", {f"col_{i}": f for i, f in item.mapping.items()})
    item.refresh_from_db()
    assert item.state == ImportState.FAILED
    assert item.progress is not None
    assert "只有表头" in item.progress.message


def test_mapping_must_name_the_required_columns(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    _upload(chair, orgs["HH-DH-JD1-001"], roster_xlsx(good_rows(1)))
    item = RosterImport.objects.get()
    response = chair.post(f"/roster/{item.pk}/map/", {"col_1": "name", "col_2": ""})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == ImportState.UPLOADED


def test_r01_an_import_is_its_uploaders_own(chair, client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    _upload(chair, orgs["HH-DH-JD1-001"], roster_xlsx(good_rows(1)))
    item = RosterImport.objects.get()
    other = client_for("city_admin")
    assert other.get(f"/roster/{item.pk}/map/").status_code == 404
    assert other.get(f"/roster/{item.pk}/").status_code == 404


def test_r01_cannot_import_into_another_districts_union(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    response = _upload(client_for("donghu_staff"), orgs["HH-XS-JD1-001"], roster_xlsx(good_rows(1)))
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert not RosterImport.objects.exists()


def test_template_has_chinese_headers(chair) -> None:  # type: ignore[no-untyped-def]
    response = chair.get("/roster/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet is not None
    header = next(sheet.iter_rows(values_only=True))
    assert "身份证号码" in header and "姓名" in header


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1990.01", (dt.date(1990, 1, 1), False)),
        ("1990年1月", (dt.date(1990, 1, 1), False)),
        ("1990-01-15", (dt.date(1990, 1, 15), True)),
        ("1990/1/5", (dt.date(1990, 1, 5), True)),
        ("19900115", (dt.date(1990, 1, 15), True)),
        (32888, (dt.date(1990, 1, 15), True)),
        ("１９９０．０１", (dt.date(1990, 1, 1), False)),
        ("not a date", None),
        (None, None),
    ],
)
def test_dates_as_rosters_write_them(value: object, expected: object) -> None:
    assert to_date(value) == expected


def test_export_masks_ids_and_writes_every_current_member(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    m = member(orgs["HH-DH-JD1-001"], "导出甲")
    client = client_for("donghu_staff")
    client.post("/members/export/")
    from gonghui.core.models import TaskProgress

    progress = TaskProgress.objects.get()
    assert progress.state == "succeeded"
    response = client.get(f"/members/export/{progress.pk}/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "身份证号码")
    assert any(
        r[0] == "导出甲" and r[1] == m.person.id_number[:4] + "*" * 10 + m.person.id_number[-4:]
        for r in rows[1:]
    )
    assert client_for("city_admin").get(f"/members/export/{progress.pk}/").status_code == 404


def test_an_unexpected_error_stops_the_import_visibly(chair, orgs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs.roster import importing

    def broken(**kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "roster_check", broken)
    _upload(chair, orgs["HH-DH-JD1-001"], roster_xlsx(good_rows(1)))
    item = RosterImport.objects.get()
    chair.post(f"/roster/{item.pk}/map/", {f"col_{i}": f for i, f in item.mapping.items()})
    item.refresh_from_db()
    assert item.state == ImportState.FAILED
    assert item.progress is not None and item.progress.state == "failed"
    assert "意外错误" in item.progress.message or "unexpected" in item.progress.message


def test_old_excel_xls_files_import(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("花名册")
    for c, header in enumerate(["姓名", "身份证号码", "性别"]):
        sheet.write(0, c, header)
    sheet.write(1, 0, "旧表甲")
    sheet.write(1, 1, resident_id(dt.date(1990, 1, 15), "F"))
    sheet.write(1, 2, "女")
    out = io.BytesIO()
    book.save(out)
    item = _run(chair, orgs["HH-DH-JD1-001"], out.getvalue(), "all", name="花名册.xls")
    assert item.state == ImportState.DONE
    assert Person.objects.get(name="旧表甲").sex == "F"


def test_formula_without_a_value_is_reported_not_crashed(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[object]] = [["=A1&B1", resident_id(), "1990.01", "", ""], *good_rows(1)]
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "valid")
    assert item.state == ImportState.DONE and item.imported_count == 1
    assert (4, "姓名") in {(r, c) for r, c, _reason in item.errors}


def test_too_many_rows_is_refused_with_a_message(chair, orgs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs.roster import importing

    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    _upload(chair, orgs["HH-DH-JD1-001"], roster_xlsx(good_rows(5)))
    item = RosterImport.objects.get()
    chair.post(f"/roster/{item.pk}/map/", {f"col_{i}": f for i, f in item.mapping.items()})
    item.refresh_from_db()
    assert item.state == ImportState.FAILED
    assert item.progress is not None and "拆分" in item.progress.message
    assert not Membership.objects.filter(org=orgs["HH-DH-JD1-001"]).exists()


def test_full_export_is_for_allowed_roles_and_audited(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.core.models import AuditEntry, TaskProgress

    m = member(orgs["HH-DH-JD1-001"], "全号甲")
    union = orgs["HH-DH-JD1-001"]
    page = client_for("factory_chair").get("/members/", {"org": union.pk}).content.decode()
    assert 'name="reveal"' in page
    assert (
        'name="reveal"'
        not in client_for("donghu_staff").get("/members/", {"org": union.pk}).content.decode()
    )
    chair = client_for("factory_chair")
    chair.post("/members/export/", {"org": union.pk, "reveal": "1"})
    progress = TaskProgress.objects.get()
    data = b"".join(chair.get(f"/members/export/{progress.pk}/").streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert any(r[1] == m.person.id_number for r in rows)
    assert AuditEntry.objects.filter(action="members.export_full").exists()


def test_r04_an_import_cannot_take_over_someone_registered_elsewhere(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs import services

    applicant = services.person_create(
        actor=None, org=None, id_number=resident_id(), name="西山申请人"
    )
    services.membership_apply(person=applicant, org=orgs["HH-XS-JD1-001"])
    rows: list[list[object]] = [
        ["冒名", applicant.id_number, "", "", ""],
        ["西山申请人", applicant.id_number, "", "", ""],
    ]
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "valid")
    reasons = " ".join(reason for _r, _c, reason in item.errors)
    assert "其他姓名" in reasons and "入会申请" in reasons
    assert item.state == ImportState.NOTHING
    assert not Membership.objects.filter(person=applicant, state="active").exists()


def test_importing_the_same_file_again_skips_the_members_already_in(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    content = roster_xlsx(good_rows(3))
    first = _run(chair, orgs["HH-DH-JD1-001"], content, "all")
    assert first.imported_count == 3
    again = _run(chair, orgs["HH-DH-JD1-001"], content, "all")
    assert again.errors == []
    assert again.state == ImportState.NOTHING  # nothing new, and nothing wrong
    assert Membership.objects.filter(org=orgs["HH-DH-JD1-001"]).count() == 3


def test_r02_rejoining_cannot_overlap_the_last_membership(  # type: ignore[no-untyped-def]
    chair, client_for, orgs, personas
) -> None:
    from gonghui.orgs import services

    m = member(orgs["HH-DH-JD1-001"], "重入")
    services.membership_end(
        actor=personas["city_admin"],
        membership=m,
        state="withdrawn",
        reason="本人申请",
        on=dt.date(2024, 6, 30),
    )
    rows: list[list[object]] = [["重入", m.person.id_number, "1990.01", "2021-01-01", ""]]
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "all")
    assert any("2024-06-30" in reason for _r, _c, reason in item.errors)
    rows = [["重入", m.person.id_number, "1990.01", "2024-07-01", ""]]
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "all")
    assert item.state == ImportState.DONE


def test_year_alone_and_age_checks(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    young = resident_id(dt.date.today().replace(year=dt.date.today().year - 10, day=1))
    rows: list[list[object]] = [
        ["年份", resident_id(dt.date(1990, 1, 15)), "1990", "2015", ""],
        ["太小", young, "", "", ""],
        ["太早", resident_id(dt.date(1990, 1, 15)), "", "2001", ""],
    ]
    item = _run(chair, orgs["HH-DH-JD1-001"], roster_xlsx(rows), "valid")
    assert Membership.objects.get(person__name="年份").start_date == dt.date(2015, 1, 1)
    reasons = {(r, c): reason for r, c, reason in item.errors}
    assert "16" in reasons[(5, "公民身份号码")]
    assert "16" in reasons[(6, "入会时间")]


def test_too_many_columns_is_refused(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号码", *[f"列{i}" for i in range(300)]])
    writer.writerow(["宽表", resident_id()])
    response = chair.post(
        "/roster/",
        {
            "org": orgs["HH-DH-JD1-001"].pk,
            "file": SimpleUploadedFile("w.csv", out.getvalue().encode()),
        },
    )
    assert "至多 200" in response.content.decode() or "at most 200" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_utf8_csv_longer_than_the_sample_is_read_as_utf8(chair, orgs) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号码", "工种"])
    for i in range(150):
        writer.writerow([f"长文件{i}", resident_id(), "装配工装配工装配工"])
    content = out.getvalue().encode("utf-8")
    assert len(content) > 4096
    response = chair.post(
        "/roster/", {"org": orgs["HH-DH-JD1-001"].pk, "file": SimpleUploadedFile("u.csv", content)}
    )
    assert response.status_code == 302
    item = RosterImport.objects.get()
    chair.post(f"/roster/{item.pk}/map/", {f"col_{i}": f for i, f in item.mapping.items()})
    item.refresh_from_db()
    assert (item.state, item.valid_count) == (ImportState.CHECKED, 150)
