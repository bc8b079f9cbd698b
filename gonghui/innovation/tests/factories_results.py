"""Test data for pairings, five-small results and the exhibition, made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from gonghui.core.models import Org, User
from gonghui.innovation.models import FiveSmallKind, FiveSmallResult, FiveSmallRound
from gonghui.innovation.services import results as services
from gonghui.orgs.models import Enterprise, Person
from gonghui.orgs.tests.factories import member

_codes = itertools.count(1)


def enterprise(union: Org, name: str, ownership: str) -> Enterprise:
    return Enterprise.objects.create(
        name=name, credit_code=f"91340100MA2R{next(_codes):06d}", ownership=ownership, union=union
    )


def worker(union: Org, name: str, user: User | None = None) -> Person:
    return member(union, name, user=user).person


def five_small_round(actor: User, org: Org, year: int = 2026) -> FiveSmallRound:
    return services.round_create(actor=actor, org=org, year=year, title=f"{year}年五小成果评选")


def result(
    actor: User,
    round_: FiveSmallRound,
    authors: list[Person],
    title: str = "数控车床快速换刀夹具",
    **fields: object,
) -> FiveSmallResult:
    values: dict[str, object] = {
        "kind": FiveSmallKind.IMPROVEMENT,
        "problem": "换刀耗时长",
        "solution": "自制快换夹具",
        "in_use_at": "一号车间",
        "in_use_since": dt.date(2025, 3, 1),
        "benefit_yuan": Decimal("12000.00"),
        "benefit_text": "每年节约工时",
    }
    values.update(fields)
    return services.result_submit(
        actor=actor,
        round_=round_,
        title=title,
        authors=authors,
        **values,  # type: ignore[arg-type]  # test defaults, typed by the service
    )
