"""The pages through the Django client: the worker's phone form and list, the staff list with
its filters, a proposal's actions and their refusals, rounds, batches, figures."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.orgs.models import Person
from gonghui.orgs.tests.factories import member
from gonghui.proposals.models import Proposal, RecommendationBatch, Reward, Stage
from gonghui.proposals.services import batches
from gonghui.proposals.tests import factories as f

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]

FORM = {
    "title": "快递柜旁加装遮雨棚",
    "field": "service",
    "problem": "雨天取件排队淋雨。",
    "suggestion": "在快递柜旁加装遮雨棚。",
    "expected_benefit": "",
}


def test_r13_worker_submits_with_a_joint_proposer_and_a_photo(
    client_for: ClientFor, orgs: dict[str, Org], courier: Person
) -> None:
    member(orgs["HH-DH-KD-001"], "钱同事")
    client: Client = client_for("courier_worker")
    assert client.get(reverse("proposals:submit")).status_code == 200
    photo = SimpleUploadedFile(
        "shed.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png"
    )
    response = client.post(
        reverse("proposals:submit"), {**FORM, "co_proposers": "钱同事", "attachments": [photo]}
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/proposals/{proposal.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "钱同事" in page and "shed.png" in page
    mine = client.get(reverse("proposals:mine")).content.decode()
    assert FORM["title"] in mine
    assert (
        client.get(
            reverse("proposals:attachment", args=[proposal.attachments.get().pk])
        ).status_code
        == 200
    )


def test_r13_bad_input_rerenders_the_form_and_keeps_what_was_typed(
    client_for: ClientFor, courier: Person
) -> None:
    client: Client = client_for("courier_worker")
    fake = SimpleUploadedFile("x.pdf", b"MZ evil", content_type="application/pdf")
    response = client.post(
        reverse("proposals:submit"), {**FORM, "co_proposers": "查无此人", "attachments": [fake]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "查无此人" in page and FORM["suggestion"] in page
    assert not Proposal.objects.exists()
    fake = SimpleUploadedFile("x.pdf", b"MZ evil", content_type="application/pdf")
    response = client.post(reverse("proposals:submit"), {**FORM, "attachments": [fake]})
    assert response.status_code == 200 and "x.pdf" in response.content.decode()
    assert not Proposal.objects.exists()


def test_worker_list_link_goes_to_own_proposals(client_for: ClientFor, courier: Person) -> None:
    response = client_for("courier_worker").get(reverse("proposals:list"))
    assert response.status_code == 302 and response["Location"] == reverse("proposals:mine")


def test_staff_list_filters_by_stage_and_year_in_constant_queries(
    client_for: ClientFor,
    personas: dict[str, User],
    orgs: dict[str, Org],
    courier: Person,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(3):
        f.submitted(personas["courier_worker"], courier, title=f"建议{n}")
    f.reviewed(personas, Proposal.objects.get(title="建议0"))
    client: Client = client_for("donghu_staff")
    client.get(reverse("proposals:list"))  # warm the session
    with django_assert_max_num_queries(12):
        page = client.get(reverse("proposals:list"), {"stage": "panel"}).content.decode()
    assert "建议0" in page and "建议1" not in page
    year = timezone.localdate().year
    fragment = client.get(
        reverse("proposals:list"), {"year": year - 1}, headers={"HX-Request": "true"}
    ).content.decode()
    assert not re.search(r"建议\d", fragment) and "<html" not in fragment
    assert "建议2" not in client_for("xishan_staff").get(reverse("proposals:list")).content.decode()


def test_other_district_gets_404_on_the_proposal(
    client_for: ClientFor, personas: dict[str, User], courier: Person
) -> None:
    proposal = f.submitted(personas["courier_worker"], courier)
    assert (
        client_for("xishan_staff").get(reverse("proposals:detail", args=[proposal.pk])).status_code
        == 404
    )
    assert (
        client_for("donghu_staff").get(reverse("proposals:detail", args=[proposal.pk])).status_code
        == 200
    )
    response = client_for("xishan_staff").post(
        reverse("proposals:act", args=[proposal.pk]), {"action": "archive"}
    )
    assert response.status_code == 404


def test_r13_actions_through_the_page(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.submitted(personas["courier_worker"], courier)
    act = reverse("proposals:act", args=[proposal.pk])
    chair: Client = client_for("courier_chair")
    assert (
        'value="forward"'
        in chair.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    )
    assert chair.post(act, {"action": "forward"}).status_code == 302
    f.judged(personas, orgs, _approve(personas, proposal))
    staff: Client = client_for("donghu_staff")
    # shelving without a reason re-renders with the R13 message
    response = staff.post(act, {"action": "decide", "outcome": "shelve", "reason": ""})
    assert response.status_code == 200 and "R13" in response.content.decode()
    assert staff.post(act, {"action": "decide", "outcome": "adopt"}).status_code == 302
    # a reward before any assessment: refused, naming R13
    response = staff.post(act, {"action": "reward"})
    assert response.status_code == 200 and "R13" in response.content.decode()
    due = (timezone.localdate()).isoformat()
    response = staff.post(
        act,
        {
            "action": "implement",
            "implementing_org": orgs["HH-DH-KD-001"].pk,
            "plan": "改造",
            "owner": "站长",
            "due": due,
        },
    )
    assert response.status_code == 302
    response = staff.post(
        act, {"action": "assess", "kind": "saving", "amount": "20000", "evidence": f.pdf()}
    )
    assert response.status_code == 302
    assert staff.get(reverse("proposals:evidence", args=[proposal.pk])).status_code == 200
    assert (
        client_for("courier_worker")
        .get(reverse("proposals:evidence", args=[proposal.pk]))
        .status_code
        == 404
    )
    assert staff.post(act, {"action": "reward"}).status_code == 302
    assert Reward.objects.get().amount == 500
    response = staff.post(act, {"action": "cancel_reward", "reason": ""})
    assert response.status_code == 200
    assert staff.post(act, {"action": "cancel_reward", "reason": "虚报"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.stage == Stage.REWARDED and Reward.objects.get().cancelled_at is not None
    # the worker sees their proposal but no action
    page = (
        client_for("courier_worker")
        .get(reverse("proposals:detail", args=[proposal.pk]))
        .content.decode()
    )
    assert 'value="archive"' not in page


def _approve(personas: dict[str, User], proposal: Proposal) -> Proposal:
    from gonghui.proposals.services import lifecycle
    from gonghui.review import services as review

    case = lifecycle.case_of(proposal)
    assert case is not None
    review.case_approve(actor=personas["donghu_staff"], case=case)
    proposal.refresh_from_db()
    return proposal


def test_round_and_batch_pages(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    staff: Client = client_for("donghu_staff")
    year = timezone.localdate().year
    response = staff.post(
        reverse("proposals:rounds"), {"org": orgs["HH-DH"].pk, "year": year, "title": "第一轮"}
    )
    assert response.status_code == 302
    again = staff.post(
        reverse("proposals:rounds"), {"org": orgs["HH-DH"].pk, "year": year, "title": "第一轮"}
    )
    assert again.status_code == 200 and "第一轮" in again.content.decode()
    proposal = f.reviewed(personas, f.submitted(personas["courier_worker"], courier))
    round_url = response["Location"]
    assert proposal.title in staff.get(round_url).content.decode()
    assert staff.post(round_url, {"proposal": [str(proposal.pk), "x"]}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.round is not None
    response = staff.post(
        reverse("proposals:batches"), {"org": orgs["HH-DH"].pk, "year": year, "title": "东湖第一批"}
    )
    assert response.status_code == 302
    batch = RecommendationBatch.objects.get()
    workbook = staff.get(reverse("proposals:batch_xlsx", args=[batch.pk]))
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert openpyxl.load_workbook(io.BytesIO(workbook.content)).active is not None
    assert (
        client_for("xishan_staff").get(reverse("proposals:batch", args=[batch.pk])).status_code
        == 404
    )


def test_r13_batch_page_refuses_a_proposal_twice(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    proposal = f.adopted(personas, orgs, f.submitted(personas["courier_worker"], courier))
    year = proposal.year
    one = batches.batch_create(
        actor=personas["donghu_staff"], org=orgs["HH-DH"], year=year, title="一"
    )
    two = batches.batch_create(
        actor=personas["donghu_staff"], org=orgs["HH-DH"], year=year, title="二"
    )
    staff: Client = client_for("donghu_staff")
    assert proposal.title in staff.get(reverse("proposals:batch", args=[one.pk])).content.decode()
    staff.post(
        reverse("proposals:batch", args=[one.pk]), {"proposal": [proposal.pk], "opinion": "好"}
    )
    assert one.items.count() == 1
    response = staff.post(
        reverse("proposals:act", args=[proposal.pk]), {"action": "batch_add", "batch": two.pk}
    )
    assert response.status_code == 200 and "R13" in response.content.decode()
    assert two.items.count() == 0


def test_figures_page_and_selector(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    from gonghui.proposals.selectors import proposal_figures

    member(orgs["HH-DH-KD-001"], "另一位")
    proposal = f.assessed(personas, orgs, f.submitted(personas["courier_worker"], courier))
    f.submitted(personas["courier_worker"], courier, title="第二条")
    data = proposal_figures(personas["donghu_staff"], orgs["HH-DH"], proposal.year)
    assert (data.submitted, data.members, data.proposers, data.adopted, data.decided) == (
        2,
        2,
        1,
        1,
        1,
    )
    assert data.participation_rate == 50 and data.per_hundred_members == 100
    assert data.adoption_rate == 100 and data.saving == proposal.assessment.amount
    assert data.by_stage["accepted"] == 1 and data.by_stage["submitted"] == 1
    page = client_for("donghu_staff").get(reverse("proposals:figures"), {"org": orgs["HH-DH"].pk})
    assert page.status_code == 200 and "50.00%" in page.content.decode()
    from django.http import Http404

    with pytest.raises(Http404):
        proposal_figures(personas["xishan_staff"], orgs["HH-DH"], proposal.year)
