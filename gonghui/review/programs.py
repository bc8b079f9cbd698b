"""Programs declare their chain here and get the whole flow: a program never writes its own
approval states. A chain is the org levels a case climbs, the opener's level first
(4 grassroots → 2 district → 1 city by default). A program whose decisions are not cases
(an appraisal's ranking) uses only the public notice: its subjects go on a notice and it is
told, through on_notice_entry, when each is confirmed or withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

DEFAULT_CHAIN = (4, 2, 1)


@dataclass(frozen=True)
class ReviewProgram:
    code: str
    label: Promise | str
    chain: tuple[int, ...] = DEFAULT_CHAIN
    level_days: int = 5  # working days each level has to decide
    notice_days: int = 5  # working days of public notice once the top approves (R6)
    # How a case shows on the public notice: masked, never an ID number. The default is the
    # case's title, which programs write masked already (金秋助学 张*丰).
    public_label: Callable[[Any], str] | None = None
    # Called inside the decision's transaction after the case changed state, with the decision
    # (review.models.Decision). A program keeps its own consequences here (an aid award is
    # committed against the budget when the top level approves); raising ValidationError
    # undoes the decision and shows the message.
    on_decision: Callable[[Any, str], None] | None = None
    # Whether the beneficiary may open their own case (a worker applying on their phone); the
    # opener's org still checks and submits it.
    self_open: bool = False
    # Where the case's subject is shown in full (the application behind an aid case).
    detail_url: Callable[[Any], str] | None = None
    # For a notice entry that stands for a subject rather than a case (review.models.
    # NoticeEntry.subject): called inside the transaction with the entry and the decision,
    # Decision.SEND_BACK when a sustained objection takes it off the notice and
    # Decision.CONFIRM when the notice closes with it still on. The program confirms its
    # subject here, as on_decision does for a case.
    on_notice_entry: Callable[[Any, str], None] | None = None
    # False for a program whose top approval is final without a public notice (a proposal's
    # preliminary review): the case goes straight to CONFIRMED.
    public_notice: bool = True

    def label_for(self, case: Any) -> str:
        return self.public_label(case) if self.public_label else str(case.title)

    def __post_init__(self) -> None:
        if len(self.chain) < 2 or list(self.chain) != sorted(self.chain, reverse=True):
            raise ValueError(f"{self.code}: a chain climbs, from the opener's level up")


PROGRAMS: dict[str, ReviewProgram] = {}


def register(program: ReviewProgram) -> ReviewProgram:
    """Called by a domain app (in its AppConfig.ready) for each thing it approves."""
    PROGRAMS[program.code] = program
    return program


def program_for(code: str) -> ReviewProgram:
    return PROGRAMS[code]
