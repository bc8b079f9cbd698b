"""The staff pages through the Django client (R13): a federation's reward-tier table, and a
proposal filed by union staff on a worker's behalf."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import AuditEntry, Org, User
from gonghui.orgs.models import Person
from gonghui.orgs.tests.factories import member
from gonghui.proposals.models import Proposal, RewardTier
from gonghui.proposals.services import lifecycle
from gonghui.review.models import ReviewCase

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]

FORM = {
    "title": "驿站门口加装电动车充电桩",
    "field": "safety",
    "problem": "骑手在宿舍违规充电。",
    "suggestion": "在驿站门口加装集中充电桩。",
    "expected_benefit": "消除火灾隐患。",
    "co_proposers": "",
}


def page_of(response: object) -> str:
    text: str = response.content.decode()  # type: ignore[attr-defined]  # a test response
    return html.unescape(text)


# --- Filing on a worker's behalf -----------------------------------------------------------


def test_r13_staff_file_a_proposal_for_a_worker_by_name(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    member(orgs["HH-DH-KD-001"], "钱同事")
    client = client_for("donghu_staff")
    assert reverse("proposals:submit_for") in page_of(client.get(reverse("proposals:list")))
    assert client.get(reverse("proposals:submit_for")).status_code == 200
    response = client.post(
        reverse("proposals:submit_for"), {**FORM, "lead": "周骑手", "co_proposers": "钱同事"}
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    assert proposal.org == orgs["HH-DH-KD-001"]
    assert proposal.submitted_by == personas["donghu_staff"]
    lead = proposal.proposers.get(lead=True)
    assert lead.person == courier
    assert [p.person.name for p in proposal.proposers.filter(lead=False)] == ["钱同事"]
    case = ReviewCase.objects.get(program=lifecycle.PROGRAM)
    assert case.beneficiary_id is None  # filed by staff: the staff may forward it
    assert AuditEntry.objects.filter(action="proposals.submit", actor=personas["donghu_staff"])
    # the worker sees it among his own
    mine = page_of(client_for("courier_worker").get(reverse("proposals:mine")))
    assert FORM["title"] in mine


def test_r13_namesakes_are_told_apart_by_resident_id(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    first = member(orgs["HH-DH-KD-001"], "张伟").person
    second = member(orgs["HH-DH-JD1-001"], "张伟").person
    client = client_for("donghu_staff")
    response = client.post(reverse("proposals:submit_for"), {**FORM, "lead": "张伟"})
    page = page_of(response)
    assert response.status_code == 200
    assert (
        _("Several members are named %(name)s; enter the resident ID number instead.")
        % {"name": "张伟"}
        in page
    )
    assert FORM["suggestion"] in page and FORM["title"] in page  # nothing typed is lost
    assert not Proposal.objects.exists()
    response = client.post(
        reverse("proposals:submit_for"), {**FORM, "lead": second.id_number.lower()}
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.proposers.get(lead=True).person == second != first
    assert proposal.org == orgs["HH-DH-JD1-001"]


def test_r13_joint_proposers_must_be_of_the_lead_proposers_union(
    client_for: ClientFor, orgs: dict[str, Org], courier: Person
) -> None:
    member(orgs["HH-DH-JD1-001"], "孙工")
    response = client_for("donghu_staff").post(
        reverse("proposals:submit_for"), {**FORM, "lead": "周骑手", "co_proposers": "孙工"}
    )
    page = page_of(response)
    assert response.status_code == 200
    union = orgs["HH-DH-KD-001"].name
    assert _("%(name)s is not a member of %(union)s.") % {"name": "孙工", "union": union} in page
    assert "周骑手" in page and FORM["problem"] in page
    assert not Proposal.objects.exists()


def test_r13_the_services_refusal_is_shown_on_the_staff_form(
    client_for: ClientFor, orgs: dict[str, Org], courier: Person
) -> None:
    names = [f"同事{n}" for n in range(lifecycle.MAX_PROPOSERS)]
    for name in names:
        member(orgs["HH-DH-KD-001"], name)
    response = client_for("courier_chair").post(
        reverse("proposals:submit_for"),
        {**FORM, "lead": "周骑手", "co_proposers": "，".join(names)},
    )
    page = page_of(response)
    assert response.status_code == 200
    assert _("At most %(n)d proposers.") % {"n": lifecycle.MAX_PROPOSERS} in page
    assert names[-1] in page and FORM["suggestion"] in page
    assert not Proposal.objects.exists()


def test_r13_staff_cannot_file_for_a_member_outside_their_unions(
    client_for: ClientFor, courier: Person
) -> None:
    response = client_for("xishan_staff").post(
        reverse("proposals:submit_for"), {**FORM, "lead": "周骑手"}
    )
    assert response.status_code == 200
    assert _("%(name)s is not a current member of a union you serve.") % {
        "name": "周骑手"
    } in page_of(response)
    assert not Proposal.objects.exists()
    worker = client_for("courier_worker")
    assert worker.get(reverse("proposals:submit_for")).status_code == 404
    assert reverse("proposals:submit_for") not in page_of(worker.get(reverse("proposals:mine")))
    assert (
        worker.post(reverse("proposals:submit_for"), {**FORM, "lead": "周骑手"}).status_code == 404
    )
    assert not Proposal.objects.exists()


# --- The reward-tier table -----------------------------------------------------------------


def rows(*pairs: tuple[str, str], **extra: object) -> dict[str, object]:
    return {
        "min_value": [m for m, _a in pairs],
        "amount": [a for _m, a in pairs],
        "op": "save",
        **extra,
    }


def test_r13_tiers_show_the_default_then_an_inherited_then_an_own_table(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    year = timezone.localdate().year
    district = client_for("donghu_staff")
    page = page_of(district.get(reverse("proposals:tiers")))
    assert _("Default") in page and "¥5,000.00" in page  # the placeholder table
    city = client_for("city_admin")
    url = reverse("proposals:tiers")
    response = city.post(
        url,
        rows(("0", "300"), ("50,000", "1000"), ("", ""), org=orgs["HH"].pk, year=year),
    )
    assert response.status_code == 302
    assert list(
        RewardTier.objects.filter(org=orgs["HH"], year=year)
        .order_by("tier")
        .values_list("min_value", "amount")
    ) == [(Decimal("50000.00"), Decimal("1000.00")), (Decimal("0.00"), Decimal("300.00"))]
    assert AuditEntry.objects.filter(action="proposals.reward_tiers_set").count() == 1
    page = page_of(district.get(url, {"org": orgs["HH-DH"].pk, "year": year}))
    assert _("Inherited") in page and orgs["HH"].name in page and "¥1,000.00" in page
    response = district.post(url, rows(("0", "250"), org=orgs["HH-DH"].pk, year=year), follow=True)
    page = page_of(response)
    assert _("Own table") in page and "¥250.00" in page
    assert lifecycle.tiers_for(orgs["HH-DH-KD-001"], year) == [
        (1, Decimal("0.00"), Decimal("250.00"))
    ]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (
            (("500", "200"), ("10000", "800")),
            "The lowest tier must start at 0 yuan, so that every assessed value has a tier.",
        ),
        (
            (("0", "200"), ("0", "800")),
            "Each tier needs its own threshold and a reward above zero.",
        ),
        ((("0", "0"),), "Each tier needs its own threshold and a reward above zero."),
        ((("0", "-5"),), "The amount cannot be negative."),
    ],
)
def test_r13_tier_refusals_rerender_with_the_rows_as_typed(
    client_for: ClientFor,
    orgs: dict[str, Org],
    pairs: tuple[tuple[str, str], ...],
    message: str,
) -> None:
    year = timezone.localdate().year
    response = client_for("donghu_staff").post(
        reverse("proposals:tiers"), rows(*pairs, org=orgs["HH-DH"].pk, year=year)
    )
    page = page_of(response)
    assert response.status_code == 200
    assert _(message) in page
    for minimum, amount in pairs:
        assert f'value="{minimum}"' in page and f'value="{amount}"' in page
    assert not RewardTier.objects.exists()


def test_r13_tier_rows_that_are_not_amounts_are_named(
    client_for: ClientFor, orgs: dict[str, Org]
) -> None:
    year = timezone.localdate().year
    response = client_for("donghu_staff").post(
        reverse("proposals:tiers"),
        rows(("0", "200"), ("一万", "500"), ("20000", ""), org=orgs["HH-DH"].pk, year=year),
    )
    page = page_of(response)
    assert response.status_code == 200
    assert _("Row %(n)d: enter amounts in yuan, such as 10000 or 200.50.") % {"n": 2} in page
    assert _("Row %(n)d: enter both the assessed value and the reward.") % {"n": 3} in page
    assert 'value="一万"' in page and 'value="20000"' in page
    assert not RewardTier.objects.exists()


def test_r13_tier_rows_are_added_and_removed_before_saving(
    client_for: ClientFor, orgs: dict[str, Org]
) -> None:
    year = timezone.localdate().year
    client = client_for("donghu_staff")
    url = reverse("proposals:tiers")
    common = {"org": orgs["HH-DH"].pk, "year": year}
    added = page_of(client.post(url, {**rows(("0", "200"), **common), "op": "add"}))
    assert added.count('name="min_value"') == 2
    assert not RewardTier.objects.exists()
    response = client.post(url, rows(("0", "200"), ("999", "1"), remove=["2"], **common))
    assert response.status_code == 302
    assert list(RewardTier.objects.values_list("min_value", "amount")) == [
        (Decimal("0.00"), Decimal("200.00"))
    ]


def test_r13_tiers_out_of_scope_are_404_and_a_chair_only_reads(
    client_for: ClientFor, orgs: dict[str, Org]
) -> None:
    year = timezone.localdate().year
    url = reverse("proposals:tiers")
    xishan = client_for("xishan_staff")
    assert xishan.get(url, {"org": orgs["HH-DH"].pk}).status_code == 404
    assert xishan.post(url, rows(("0", "1"), org=orgs["HH-DH"].pk, year=year)).status_code == 404
    assert client_for("courier_worker").get(url).status_code == 404
    chair = client_for("factory_chair")
    page = page_of(chair.get(url))
    assert 'data-testid="tier-not-federation"' in page and 'name="min_value"' not in page
    chair_org = orgs["HH-DH-JD1-001"].pk
    assert chair.post(url, rows(("0", "1"), org=chair_org, year=year)).status_code == 404
    district = client_for("donghu_staff")
    past = page_of(district.get(url, {"org": orgs["HH-DH"].pk, "year": year - 1}))
    assert 'data-testid="tier-past"' in past and 'name="min_value"' not in past
    old = rows(("0", "1"), org=orgs["HH-DH"].pk, year=year - 1)
    assert district.post(url, old).status_code == 404
    assert district.get(url, {"year": year - 9}).status_code == 404
    assert not RewardTier.objects.exists()
