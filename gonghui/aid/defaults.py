"""The demo city's figures (RULES R10): data a federation edits per campaign, never constants
that code decides by. The campaign form starts from them."""

from __future__ import annotations

from decimal import Decimal

from gonghui.aid.models import SchoolStage

# (stage, family on file) → award in yuan. Families off file get a lower tier from senior
# secondary up, and none below it: they open a hardship file first.
DEMO_TIERS: dict[tuple[str, bool], Decimal] = {
    (SchoolStage.SPECIAL, True): Decimal(2000),
    (SchoolStage.PRIMARY, True): Decimal(2000),
    (SchoolStage.JUNIOR, True): Decimal(2500),
    (SchoolStage.SENIOR, True): Decimal(3500),
    (SchoolStage.HIGHER_VOCATIONAL, True): Decimal(5000),
    (SchoolStage.UNDERGRADUATE, True): Decimal(6280),
    (SchoolStage.SENIOR, False): Decimal(2500),
    (SchoolStage.HIGHER_VOCATIONAL, False): Decimal(4000),
    (SchoolStage.UNDERGRADUATE, False): Decimal(5000),
}

DEMO_OTHER_SCHEMES = "国家助学金\n民政临时救助助学\n慈善总会助学"
