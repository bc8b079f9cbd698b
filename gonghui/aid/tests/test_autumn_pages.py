"""The golden-autumn pages through the test client: the worker's phone application with real
uploads (R11 refusals named at once, nothing kept, nothing typed lost), the live check, the
union's check and submission up the chain (R5), scope (R1), the campaign's figures, payment
batches with the bank file and reversals (R12), the campaign form's tier table (R10), donors."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gonghui.aid.defaults import DEMO_TIERS
from gonghui.aid.forms.autumn import CampaignForm
from gonghui.aid.models import (
    Application,
    ApplicationDocument,
    Award,
    AwardReversal,
    Campaign,
    Donor,
    Offer,
    Pairing,
    PaymentBatch,
    Tier,
)
from gonghui.aid.services import autumn, payments
from gonghui.aid.tests.factories import PDF, PNG, application, documents
from gonghui.core.models import AuditEntry, Org, User
from gonghui.orgs.tests.factories import member, resident_id
from gonghui.review import notices
from gonghui.review import services as review
from gonghui.review.models import CaseState

pytestmark = pytest.mark.django_db


def _apply_form(c: Campaign, **changes: Any) -> dict[str, Any]:
    """The POST of /aid/apply/: the student, the account, and three real uploads."""
    data: dict[str, Any] = {
        "campaign": str(c.pk),
        "student_name": "周小明",
        "student_id_number": resident_id(dt.date(2007, 9, 1)),
        "stage": "undergrad",
        "school": "淮河大学",
        "school_type": "ordinary",
        "other_scheme": "",
        "phone": "13900001111",
        "account_holder": "周骑手",
        "bank": "中国工商银行淮河分行",
        "account_number": "6222 0212 3456 7890 123",
        **documents(),
    }
    return data | changes


def _figure(body: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]*)<', body)
    assert found is not None, testid
    return found.group(1)


def _through_city(personas: dict[str, User], app: Application) -> None:
    assert app.case is not None
    autumn.application_forward(actor=personas["courier_chair"], application=app)
    review.case_approve(actor=personas["donghu_staff"], case=app.case)
    review.case_approve(actor=personas["city_admin"], case=app.case)


def _confirm(personas: dict[str, User], orgs: dict[str, Org], apps: list[Application]) -> None:
    """R6: the public notice runs out with no objection and the awards are confirmed."""
    notice = notices.notice_publish(
        actor=personas["city_admin"],
        program=autumn.PROGRAM,
        org=orgs["HH"],
        title="公示",
        cases=[(a.case, autumn.public_label(a)) for a in apps],  # type: ignore[misc]
        starts_on=dt.date(2026, 1, 5),
    )
    notices.notice_close(notice_id=notice.pk)


def _messages(client: Client, url: str) -> str:
    return client.get(url).content.decode()


# --- Applying --------------------------------------------------------------------------------


def test_worker_applies_with_uploads_and_the_case_waits_at_their_union(  # type: ignore[no-untyped-def]
    client_for, orgs, world
) -> None:
    client = client_for("courier_worker")
    page = client.get("/aid/apply/").content.decode()
    assert world.title in page and 'enctype="multipart/form-data"' in page
    response = client.post("/aid/apply/", _apply_form(world))
    app = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/aid/applications/{app.pk}/"
    assert app.case is not None
    assert (app.case.state, app.case.org, app.org) == (
        CaseState.DRAFT,
        orgs["HH-DH-KD-001"],
        orgs["HH-DH-KD-001"],
    )
    stored = {d.kind: (d.content_kind, d.file.read()) for d in app.documents.all()}
    assert stored == {"admission": ("pdf", PDF), "fees": ("png", PNG), "income": ("pdf", PDF)}
    body = client.get(response["Location"]).content.decode()
    assert "申请已收到" in body and "等待工会审核" in body and "周小明" in body


def test_r11_refused_application_names_each_reason_saves_nothing_keeps_the_typing(  # type: ignore[no-untyped-def]
    client_for, world
) -> None:
    disguised = SimpleUploadedFile("缴费单.pdf", b"MZ\x90\x00 a program", "application/pdf")
    data = _apply_form(world, school_type="military", fees=disguised)
    response = client_for("courier_worker").post("/aid/apply/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "R11：军事院校不在金秋助学资助范围内" in body
    assert "缴费单.pdf 不是 PDF" in body  # the upload check reads the content, not the name
    assert not Application.objects.exists() and not ApplicationDocument.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    # What was typed comes back, and the worker is told to choose the files again.
    assert 'value="周小明"' in body and 'value="淮河大学"' in body
    assert '<option value="military" selected>' in body
    assert "请重新选择" in body


def test_a_bad_field_is_shown_beside_it_and_nothing_is_kept(client_for, world) -> None:  # type: ignore[no-untyped-def]
    data = _apply_form(world, phone="12345", stage="")
    body = client_for("courier_worker").post("/aid/apply/", data).content.decode()
    assert "is-invalid" in body and "11 位手机号码" in body
    # No stage is chosen for the applicant, so none is sent unread.
    assert re.search(r'<select name="stage"[^>]*is-invalid', body)
    assert not Application.objects.exists()


def test_r11_r08_the_live_check_lists_refusals_or_all_clear(  # type: ignore[no-untyped-def]
    client_for, personas, world
) -> None:
    client = client_for("courier_worker")
    first = application(personas["courier_worker"], world)
    student = {"campaign": world.pk, "school_type": "ordinary"}

    # R11: the same child a second time this year.
    body = client.post(
        "/aid/apply/check/",
        student | {"student_id_number": first.student_id_number, "stage": "undergrad"},
    ).content.decode()
    assert "每生每年限一次" in body and "R8" not in body

    # R8: at junior secondary the demo table aids families on file only.
    other = resident_id(dt.date(2012, 9, 1))
    body = client.post(
        "/aid/apply/check/", student | {"student_id_number": other, "stage": "junior"}
    ).content.decode()
    assert "R8：未建困难档案" in body and "每生每年限一次" not in body

    body = client.post(
        "/aid/apply/check/", student | {"student_id_number": other, "stage": "undergrad"}
    ).content.decode()
    assert "目前未发现不符合条件之处" in body and "R8" not in body and "R11" not in body
    assert Application.objects.count() == 1  # the check keeps nothing


# --- The union's check (R5) ------------------------------------------------------------------


def test_r05_union_opens_reads_documents_and_submits_to_the_district(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, world
) -> None:
    app = application(personas["courier_worker"], world)
    chair = client_for("courier_chair")
    assert app.student_name in chair.get("/aid/applications/").content.decode()
    page = chair.get(f"/aid/applications/{app.pk}/").content.decode()
    docs = {d.kind: d for d in app.documents.all()}
    for doc in docs.values():
        assert f'href="/aid/documents/{doc.pk}/"' in page
    assert "未发现不符合条件之处" in page and app.student_id_number not in page

    pdf = chair.get(f"/aid/documents/{docs['admission'].pk}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == PDF
    png = chair.get(f"/aid/documents/{docs['fees'].pk}/")
    assert png["Content-Type"] == "image/png" and png["X-Content-Type-Options"] == "nosniff"
    reads = AuditEntry.objects.filter(action="aid.document_read", actor=personas["courier_chair"])
    assert reads.count() == 2
    # The worker reading their own documents is not an access to audit.
    client_for("courier_worker").get(f"/aid/documents/{docs['income'].pk}/")
    assert AuditEntry.objects.filter(action="aid.document_read").count() == 2

    response = chair.post(f"/aid/applications/{app.pk}/", {"decision": "forward"})
    assert response.status_code == 302
    app.case.refresh_from_db()  # type: ignore[union-attr]
    assert app.case.state == CaseState.UNDER_REVIEW  # type: ignore[union-attr]
    assert app.case.reviewing_org == orgs["HH-DH"]  # type: ignore[union-attr]
    page = chair.get(f"/aid/applications/{app.pk}/").content.decode()
    assert "东湖区总工会 审核中" in page and 'name="decision"' not in page


@pytest.mark.parametrize("decision", ["send_back", "reject"])
def test_r05_send_back_and_reject_need_a_reason(client_for, personas, world, decision) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    chair = client_for("courier_chair")
    response = chair.post(f"/aid/applications/{app.pk}/", {"decision": decision, "reason": " "})
    body = response.content.decode()
    assert response.status_code == 200 and "请填写理由" in body
    # The message sits beside the reason box, which is marked, not only above the form.
    assert re.search(r'<textarea name="reason"[^>]*is-invalid', body)
    app.case.refresh_from_db()  # type: ignore[union-attr]
    assert app.case.state == CaseState.DRAFT  # type: ignore[union-attr]

    chair.post(f"/aid/applications/{app.pk}/", {"decision": decision, "reason": "缴费单不清晰"})
    app.case.refresh_from_db()  # type: ignore[union-attr]
    expected = CaseState.SENT_BACK if decision == "send_back" else CaseState.REJECTED
    assert app.case.state == expected  # type: ignore[union-attr]
    # R5: the applicant sees the reason.
    mine = client_for("courier_worker").get("/aid/mine/").content.decode()
    assert "缴费单不清晰" in mine


def test_r01_other_district_gets_404_and_the_worker_sees_their_own(  # type: ignore[no-untyped-def]
    client_for, personas, world
) -> None:
    app = application(personas["courier_worker"], world)
    doc = app.documents.first()
    assert doc is not None
    xishan = client_for("xishan_staff")
    assert xishan.get(f"/aid/applications/{app.pk}/").status_code == 404
    assert xishan.get(f"/aid/documents/{doc.pk}/").status_code == 404
    assert xishan.post(f"/aid/applications/{app.pk}/", {"decision": "forward"}).status_code == 404
    assert app.student_name not in xishan.get("/aid/applications/").content.decode()
    assert not AuditEntry.objects.filter(action="aid.document_read").exists()

    worker = client_for("courier_worker")
    mine = worker.get("/aid/mine/").content.decode()
    assert app.student_name in mine and "等待工会审核" in mine
    page = worker.get(f"/aid/applications/{app.pk}/").content.decode()
    # The worker sees where it stands, not the union's decision form.
    assert "等待工会审核" in page and 'name="decision"' not in page
    assert 'href="/aid/mine/"' in page  # the way back to their applications
    assert worker.post(f"/aid/applications/{app.pk}/", {"decision": "forward"}).status_code == 404


def test_application_lists_take_the_same_queries_for_one_row_or_many(  # type: ignore[no-untyped-def]
    client_for, personas, world
) -> None:
    """Where each application stands (paid or not) is read for the whole page at once."""
    _through_city(personas, application(personas["courier_worker"], world))
    pages = {"courier_chair": "/aid/applications/", "courier_worker": "/aid/mine/"}
    clients = {who: client_for(who) for who in pages}
    few = {}
    for who, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            clients[who].get(url)
        few[who] = len(queries)
    for _ in range(4):
        _through_city(personas, application(personas["courier_worker"], world))
    application(personas["courier_worker"], world)
    for who, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            body = clients[who].get(url).content.decode()
        rows = body.split("<tbody>")[-1] if who == "courier_chair" else body
        assert rows.count("等待工会审核") == 1 and len(queries) == few[who], who


# --- Campaign figures -----------------------------------------------------------------------


def test_r12_campaign_figures_follow_approval_and_payment_and_districts_see_their_own(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, world
) -> None:
    city = client_for("city_admin")
    url = f"/aid/campaigns/{world.pk}/"
    dh_app = application(personas["courier_worker"], world)
    xs_worker = member(orgs["HH-XS-JD1-001"], "吴西山")
    application(personas["xishan_staff"], world, worker_id_number=xs_worker.person.id_number)

    body = city.get(url).content.decode()
    assert _figure(body, "applications") == "2"
    assert (_figure(body, "committed"), _figure(body, "paid")) == ("¥0.00", "¥0.00")

    _through_city(personas, dh_app)  # undergraduate, off file: 5,000
    body = city.get(url).content.decode()
    assert _figure(body, "committed") == "¥5,000.00" and _figure(body, "paid") == "¥0.00"
    assert _figure(body, "left") == "¥2,067,100.00"
    # R6: the approved award is paid after its public notice; the page says so and links it.
    assert "1 笔已批准的资助等待公示" in body and 'href="/review/publish/"' in body

    _confirm(personas, orgs, [dh_app])
    assert 'data-testid="before-payment"' not in city.get(url).content.decode()
    batch_url = city.post(f"/aid/campaigns/{world.pk}/batches/")["Location"]
    city.post(batch_url, {"bank_reference": "ICBC-2026-001"})
    body = city.get(url).content.decode()
    assert _figure(body, "paid") == "¥5,000.00" and _figure(body, "aided") == "1"

    # 东湖's staff see their district's part only: one application, no budget left figure.
    body = client_for("donghu_staff").get(url).content.decode()
    assert _figure(body, "applications") == "1" and 'data-testid="left"' not in body
    assert "仅含本单位数据" in body and "西山区总工会" not in body
    body = client_for("xishan_staff").get(url).content.decode()
    assert _figure(body, "applications") == "1" and _figure(body, "committed") == "¥0.00"


# --- Payment batches (R12) -------------------------------------------------------------------


def test_r12_batch_bank_file_mark_paid_and_reverse(client_for, personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    apps = [application(personas["courier_worker"], world) for _ in range(2)]
    for app in apps:
        _through_city(personas, app)
    _confirm(personas, orgs, apps)
    city = client_for("city_admin")
    batches_url = f"/aid/campaigns/{world.pk}/batches/"
    assert "2 笔已确认的资助待发放" in city.get(batches_url).content.decode()

    response = city.post(batches_url)
    batch = PaymentBatch.objects.get()
    assert response["Location"] == f"/aid/batches/{batch.pk}/"
    page = city.get(response["Location"]).content.decode()
    assert batch.number in page and "¥10,000.00" in page
    assert apps[0].student_name not in page and "6222021234567890123" not in page  # masked

    xlsx = city.get(f"/aid/batches/{batch.pk}/bank.xlsx")
    assert xlsx["Content-Disposition"] == f'attachment; filename="{batch.number}.xlsx"'
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][:5] == ("序号", "户名", "账号", "开户行", "金额（元）")
    assert [r[2] for r in rows[2:4]] == ["6222021234567890123"] * 2
    assert rows[4][3:5] == ("合计", 10000)

    # Marking paid needs the bank's reference.
    assert (
        "is-invalid"
        in city.post(f"/aid/batches/{batch.pk}/", {"bank_reference": ""}).content.decode()
    )
    city.post(f"/aid/batches/{batch.pk}/", {"bank_reference": "ICBC-2026-001"})
    batch.refresh_from_db()
    assert batch.paid_at is not None and batch.bank_reference == "ICBC-2026-001"

    # A paid award is corrected by a reversal with a reason, never edited.
    award = Award.objects.get(application=apps[0])
    response = city.post(f"/aid/awards/{award.pk}/reverse/", {"reason": ""})
    assert response["Location"] == f"/aid/batches/{batch.pk}/"
    assert "请填写冲正原因" in _messages(city, response["Location"])
    assert not AwardReversal.objects.exists()
    city.post(f"/aid/awards/{award.pk}/reverse/", {"reason": "账号错误，退回"})
    reversal = AwardReversal.objects.get()
    award.refresh_from_db()
    assert (reversal.amount, award.amount, award.cancelled_at) == (
        Decimal(5000),
        Decimal(5000),
        None,
    )
    page = city.get(f"/aid/batches/{batch.pk}/").content.decode()
    assert "账号错误，退回" in page

    # Nothing left to pay: the page says so instead of offering a button, and a second
    # batch posted all the same is refused with the message.
    page = city.get(batches_url).content.decode()
    assert "没有待发放的已确认资助" in page and "生成发放批次" not in page
    response = city.post(batches_url)
    assert response["Location"] == batches_url
    assert "没有待发放的已确认资助" in _messages(city, batches_url)
    assert PaymentBatch.objects.count() == 1
    # Only the federation that runs the campaign handles its money.
    assert client_for("donghu_staff").get(f"/aid/batches/{batch.pk}/").status_code == 404
    assert client_for("donghu_staff").post(f"/aid/awards/{award.pk}/reverse/").status_code == 404


# --- The campaign form (R10, R12) ------------------------------------------------------------


def _campaign_form(budget: str, **changes: str) -> dict[str, str]:
    today = dt.date.today()
    data = {
        "title": "金秋助学（测试）",
        "year": str(today.year),
        "budget": budget,
        "opens_on": (today - dt.timedelta(days=1)).isoformat(),
        "closes_on": (today + dt.timedelta(days=60)).isoformat(),
        "other_schemes": "国家助学金",
    }
    data |= {CampaignForm.tier_name(s, f): str(a) for (s, f), a in DEMO_TIERS.items()}
    return data | changes


def test_r10_new_campaign_starts_from_the_demo_tier_table(client_for, orgs) -> None:  # type: ignore[no-untyped-def]
    city = client_for("city_admin")
    page = city.get("/aid/campaigns/new/").content.decode()
    assert 'name="tier_undergrad_on" id="id_tier_undergrad_on" value="6280"' in page
    assert 'name="tier_junior_off" id="id_tier_junior_off" value=""' in page
    assert 'name="district_' in page  # the city may cap each district's budget

    response = city.post("/aid/campaigns/new/", _campaign_form("500000"))
    saved = Campaign.objects.get()
    assert response["Location"] == f"/aid/campaigns/{saved.pk}/"
    assert (saved.org, saved.budget) == (orgs["HH"], Decimal(500000))
    tiers = {(t.stage, t.on_file): t.amount for t in Tier.objects.filter(campaign=saved)}
    assert tiers == DEMO_TIERS


def test_r12_an_edit_cannot_drop_the_budget_below_what_is_committed(  # type: ignore[no-untyped-def]
    client_for, personas, world
) -> None:
    _through_city(personas, application(personas["courier_worker"], world))
    # The edit form shows the window as a date input reads it (ISO), not 2026/11/01, which
    # the browser would show as empty and the save would then refuse.
    page = client_for("city_admin").get(f"/aid/campaigns/{world.pk}/edit/").content.decode()
    assert f'name="opens_on" value="{world.opens_on.isoformat()}"' in page
    assert f'name="closes_on" value="{world.closes_on.isoformat()}"' in page
    response = client_for("city_admin").post(
        f"/aid/campaigns/{world.pk}/edit/", _campaign_form("1000", title=world.title)
    )
    body = response.content.decode()
    assert response.status_code == 200 and "预算不能低于已批准的 ¥5,000.00" in body
    world.refresh_from_db()
    assert world.budget == Decimal(2_072_100) and world.title != "金秋助学（测试）"
    assert 'value="1000"' in body  # kept as typed


def test_closing_before_opening_is_shown_beside_the_date(client_for) -> None:  # type: ignore[no-untyped-def]
    data = _campaign_form("1000", closes_on="2000-01-01")
    body = client_for("city_admin").post("/aid/campaigns/new/", data).content.decode()
    assert "is-invalid" in body and not Campaign.objects.exists()


# --- Donors ----------------------------------------------------------------------------------


def test_donor_registers_pairs_and_offers_reach_the_aided_worker(  # type: ignore[no-untyped-def]
    client_for, personas, orgs, world
) -> None:
    city = client_for("city_admin")
    response = city.post(
        "/aid/donors/", {"name": "淮河钢铁集团", "kind": "firm", "contact": "王经理"}
    )
    donor = Donor.objects.get()
    assert response["Location"] == f"/aid/donors/{donor.pk}/" and donor.org == orgs["HH"]

    app = application(personas["courier_worker"], world)
    # Only an aided student can be paired: before approval there is none to choose.
    page = city.get(f"/aid/donors/{donor.pk}/").content.decode()
    assert f'<option value="{app.pk}"' not in page and 'data-testid="no-students"' in page
    _through_city(personas, app)
    page = city.get(f"/aid/donors/{donor.pk}/").content.decode()
    assert f'<option value="{app.pk}"' in page and app.student_name not in page  # masked
    # Nobody is paired by a slip: the list starts with no student chosen.
    body = city.post(f"/aid/donors/{donor.pk}/", {"pair": "1", "application": ""}).content
    assert "is-invalid" in body.decode() and not Pairing.objects.exists()
    city.post(
        f"/aid/donors/{donor.pk}/",
        {"pair": "1", "application": str(app.pk), "yearly": "3000", "note": "一对一"},
    )
    pairing = Pairing.objects.get()
    assert (pairing.donor, pairing.application, pairing.yearly) == (donor, app, Decimal(3000))

    city.post(
        f"/aid/donors/{donor.pk}/",
        {
            "offer": "1",
            "kind": "internship",
            "title": "暑期实习",
            "places": "5",
            "location": "东湖",
        },
    )
    assert Offer.objects.get().title == "暑期实习"
    mine = client_for("courier_worker").get("/aid/mine/").content.decode()
    assert "暑期实习" in mine and "淮河钢铁集团" in mine


def test_offers_are_not_shown_to_a_worker_without_an_award(client_for, personas, world) -> None:  # type: ignore[no-untyped-def]
    admin = personas["city_admin"]
    donor = payments.donor_create(actor=admin, org=world.org, name="淮河钢铁集团", kind="firm")
    payments.offer_create(actor=admin, donor=donor, kind="job", title="周末兼职", places=2)
    application(personas["courier_worker"], world)
    assert "周末兼职" not in client_for("courier_worker").get("/aid/mine/").content.decode()
