"""Defaults a federation can replace with its own data.

DEFAULT_TIERS is a PLACEHOLDER, to be confirmed with the federation: the reward tiers used for
a year when neither the proposal's federation nor one above it has entered its own table
(proposals.models.RewardTier)."""

from __future__ import annotations

from decimal import Decimal

from gonghui.scoring import engine

# (tier, assessed value from, reward), best tier first: value ≥ 1,000,000 yuan → tier 1,
# 5,000 yuan; ≥ 100,000 → 2,000; ≥ 10,000 → 500; otherwise 200.
DEFAULT_TIERS: tuple[tuple[int, Decimal, Decimal], ...] = (
    (1, Decimal("1000000.00"), Decimal("5000.00")),
    (2, Decimal("100000.00"), Decimal("2000.00")),
    (3, Decimal("10000.00"), Decimal("500.00")),
    (4, Decimal("0.00"), Decimal("200.00")),
)

# The panel's rubric: four parts scored 0–100, weighted.
RUBRIC_NAME = "合理化建议评审"
RUBRIC = (
    engine.Part(
        "feasibility",
        "可行性",
        Decimal("0.30"),
        (engine.Criterion("feasibility", "可行性", Decimal(100)),),
    ),
    engine.Part(
        "innovation",
        "创新性",
        Decimal("0.20"),
        (engine.Criterion("innovation", "创新性", Decimal(100)),),
    ),
    engine.Part(
        "economic",
        "经济效益",
        Decimal("0.30"),
        (engine.Criterion("economic", "经济效益", Decimal(100)),),
    ),
    engine.Part(
        "social",
        "社会效益",
        Decimal("0.20"),
        (engine.Criterion("social", "社会效益", Decimal(100)),),
    ),
)
