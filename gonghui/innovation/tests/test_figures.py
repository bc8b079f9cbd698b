"""The innovation figures page (issue "Innovate with model workers"): one page for a
federation's subtree, each part counted by its own selector (R13, R14, R15)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.innovation.tests import factories_results, factories_studios
from gonghui.orgs.models import Person
from gonghui.proposals.tests import factories as proposal_factories

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


def _figure(page: str, key: str) -> str:
    found = re.search(rf'data-testid="figure-{key}">([^<]*)<', page)
    assert found is not None, key
    return found.group(1)


@pytest.fixture
def courier(personas: dict[str, User], orgs: dict[str, Org]) -> Person:
    return factories_results.worker(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])


def test_r13_r14_r15_the_figures_page_counts_each_part_of_the_subtree(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], courier: Person
) -> None:
    year = timezone.localdate().year
    url = reverse("innovation:figures")
    before = client_for("city_admin").get(url).content.decode()
    assert _figure(before, "studios") == "0" and _figure(before, "proposals") == "0"

    factories_studios.named(personas, orgs)
    proposal = proposal_factories.submitted(personas["courier_worker"], courier)
    # reviewed, judged, adopted, implemented, then assessed: a saving of 500,000 yuan
    proposal_factories.assessed(personas, orgs, proposal, amount=Decimal("500000.00"))
    round_ = factories_results.five_small_round(personas["city_admin"], orgs["HH"], year)
    factories_results.result(personas["courier_worker"], round_, [courier])

    page = client_for("city_admin").get(url, {"year": year}).content.decode()
    assert _figure(page, "studios") == "1"
    assert _figure(page, "proposals") == "1"
    assert _figure(page, "results") == "1"
    assert "50.00万元" in _figure(page, "value")  # the assessed saving, in 万元
    district = client_for("donghu_staff").get(url).content.decode()
    assert _figure(district, "studios") == "1"  # the factory is 东湖's
    west = client_for("xishan_staff").get(url).content.decode()
    assert _figure(west, "studios") == "0" and _figure(west, "proposals") == "0"


def test_the_figures_page_is_for_those_who_run_innovation(client_for: ClientFor) -> None:
    url = reverse("innovation:figures")
    assert client_for("courier_worker").get(url).status_code == 404
    assert client_for("factory_chair").get(url).status_code == 404
