"""The proposals tests' world: the courier persona as a member of his station's union."""

from __future__ import annotations

import pytest

from gonghui.core.models import Org, User
from gonghui.orgs.models import Person
from gonghui.orgs.tests.factories import member


@pytest.fixture
def courier(personas: dict[str, User], orgs: dict[str, Org]) -> Person:
    return member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"]).person
