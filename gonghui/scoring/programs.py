"""What a program that judges through `scoring` tells the panel pages: where the judged thing
is shown, and how its employers are named (R18's recusal compares opaque employer keys, which
only the program can turn into names). Registered in the program's AppConfig.ready."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class ScoringProgram:
    code: str
    label: Promise | str
    # The page of the judged subject (a contest), shown as "back to" on the panel pages.
    subject_url: Callable[[Any], str]
    # (employer key, name) pairs a judge may be recorded as working for: the employers of
    # the panel's entrants, since only those can recuse anyone.
    employer_choices: Callable[[Any], list[tuple[str, str]]]
    # The link back to the subject ("About the contest") and how an entry's position reads
    # on the judges' cards ("Station 3"; none: the position is not shown).
    subject_label: Promise | str = ""
    position_label: Promise | str = ""


PROGRAMS: dict[str, ScoringProgram] = {}


def register(program: ScoringProgram) -> ScoringProgram:
    PROGRAMS[program.code] = program
    return program


def program_for(code: str) -> ScoringProgram | None:
    return PROGRAMS.get(code)
