"""The aid tests' common world: the courier persona as a member of his station's union, the
minimum-living lines of 东湖 and 西山, and the city's campaign with the demo tier table."""

from __future__ import annotations

import pytest

from gonghui.aid.models import Campaign
from gonghui.aid.tests.factories import campaign, living_lines
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import member


@pytest.fixture
def world(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])
    living_lines(personas["city_admin"], [orgs["HH-DH"], orgs["HH-XS"]])
    return campaign(personas["city_admin"], orgs["HH"])
