"""R21 under concurrency (PostgreSQL). Every attempt reads the voter's standing before
writing, so concurrent attempts all pass the check; the unique constraints decide. Each
guard is first taken away to show the race it stops.

- 200 attempts (50 at once) by one voter for one candidate: exactly one vote.
- 50 votes at once by one voter for 50 candidates: exactly the day's 5.
- A connection killed in the middle of a burst: every acknowledged vote is in the table,
  and the tally equals the rows."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, connections

from gonghui.appraisal.models import Campaign, Candidate, TallyShard, Vote, Voter
from gonghui.appraisal.services import voting
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.core.models import Org, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50
ROUNDS = 4  # 50 × 4 = 200 attempts
CLIENT = voting.Client(ip="10.0.0.9", user_agent="test", device="d")


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    return open_campaign(personas["donghu_staff"], orgs["HH-DH"])


@pytest.fixture
def all_pass_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Holds each thread's first attempt after its check until all have checked."""
    barrier = threading.Barrier(THREADS, timeout=30)
    real = voting._standing
    local = threading.local()

    def checked_then_wait(*args: object) -> voting.Standing | None:
        found = real(*args)  # type: ignore[arg-type]
        if not getattr(local, "waited", False):
            local.waited = True
            barrier.wait()
        return found

    monkeypatch.setattr(voting, "_standing", checked_then_wait)


def _run(attempts: Sequence[Callable[[], object]]) -> list[str]:
    """Each thread runs its share of the attempts in turn; the outcome of each is kept."""
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(mine: Sequence[Callable[[], object]]) -> None:
        try:
            for attempt in mine:
                try:
                    attempt()
                    result = "voted"
                except ValidationError as exc:
                    result = exc.error_list[0].code or "refused"
                with lock:
                    outcomes.append(result)
        finally:
            connections.close_all()

    shares = [attempts[i::THREADS] for i in range(THREADS)]
    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return sorted(outcomes)


@pytest.fixture
def without_constraints() -> Iterator[None]:
    with connection.cursor() as cursor:
        for name in ("vote_once_per_candidate_voter_day", "vote_slot_once_per_day"):
            cursor.execute(f"ALTER TABLE appraisal_vote DROP CONSTRAINT {name}")
    yield
    Vote.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE appraisal_vote ADD CONSTRAINT vote_once_per_candidate_voter_day "
            "UNIQUE (campaign_id, candidate_id, voter_id, day)"
        )
        cursor.execute(
            "ALTER TABLE appraisal_vote ADD CONSTRAINT vote_slot_once_per_day "
            "UNIQUE (campaign_id, voter_id, day, slot)"
        )


def _vote(campaign: Campaign, candidate: Candidate, voter: Voter) -> voting.Cast:
    return voting.vote_cast(campaign=campaign, candidate=candidate, voter=voter, client=CLIENT)


def _same_candidate(
    campaign: Campaign, candidate: Candidate, voter: Voter
) -> list[Callable[[], object]]:
    return [partial(_vote, campaign, candidate, voter) for _n in range(THREADS * ROUNDS)]


def test_r21_race_exists_without_the_constraints(
    personas: dict[str, User],
    orgs: dict[str, Org],
    campaign: Campaign,
    all_pass_the_check: None,
    without_constraints: None,
) -> None:
    [candidate] = candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], 1)
    voter = Voter.objects.create(kind="phone", key="race-voter")
    outcomes = _run(_same_candidate(campaign, candidate, voter))
    assert outcomes.count("voted") > 1
    assert Vote.objects.filter(candidate=candidate, voter=voter).count() > 1


def test_r21_two_hundred_attempts_for_one_candidate_make_one_vote(
    personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign, all_pass_the_check: None
) -> None:
    [candidate] = candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], 1)
    voter = Voter.objects.create(kind="phone", key="eager-voter")
    outcomes = _run(_same_candidate(campaign, candidate, voter))
    assert outcomes.count("voted") == 1
    assert len(outcomes) == THREADS * ROUNDS
    assert set(outcomes) == {"voted", "again"}
    assert Vote.objects.filter(candidate=candidate).count() == 1 == voting.tally(candidate)


def test_r21_fifty_candidates_at_once_make_the_days_five(
    personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign, all_pass_the_check: None
) -> None:
    field = candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], THREADS)
    voter = Voter.objects.create(kind="phone", key="greedy-voter")
    attempts = [partial(_vote, campaign, c, voter) for c in field]
    outcomes = _run(attempts)
    assert outcomes.count("voted") == campaign.votes_per_day == 5
    assert outcomes.count("daily_limit") == THREADS - 5
    assert Vote.objects.filter(voter=voter).count() == 5
    assert sum(TallyShard.objects.values_list("votes", flat=True)) == 5


def test_r21_acknowledged_votes_survive_a_killed_connection(
    personas: dict[str, User], orgs: dict[str, Org], campaign: Campaign
) -> None:
    """Connections are terminated in the middle of a burst: votes acknowledged before are
    all present; the burst's failed attempts wrote nothing half-way."""
    field = candidates(personas["donghu_staff"], campaign, orgs["HH-DH-KD-001"], 5)
    voters = [Voter.objects.create(kind="phone", key=f"burst-{n}") for n in range(200)]
    acknowledged: list[int] = []
    lock = threading.Lock()
    started = threading.Event()

    def burst(share: list[Voter]) -> None:
        try:
            for n, voter in enumerate(share):
                if n == 2:
                    started.set()
                try:
                    vote = voting.vote_cast(
                        campaign=campaign, candidate=field[n % 5], voter=voter, client=CLIENT
                    )
                except (OperationalError, InterfaceError):
                    connections.close_all()  # the next attempt reconnects
                    continue
                with lock:
                    acknowledged.append(vote.vote_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=burst, args=(voters[i::20],)) for i in range(20)]
    for t in threads:
        t.start()
    started.wait(timeout=30)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND application_name <> 'keep'"
        )
    for t in threads:
        t.join(timeout=120)
    present = set(Vote.objects.filter(pk__in=acknowledged).values_list("pk", flat=True))
    assert present == set(acknowledged) and len(acknowledged) > 0
    rows = Vote.objects.filter(campaign=campaign).count()
    assert sum(TallyShard.objects.values_list("votes", flat=True)) == rows
