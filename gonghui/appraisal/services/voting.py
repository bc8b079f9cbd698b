"""Voters, votes, likes and views (R20, R21).

- A voter is a verified phone (a 6-digit code by SMS through `core.sms`) or a WeChat OpenID;
  the identity is kept as a keyed hash.
- `vote_cast` holds R21 in the database: one vote per voter, candidate and local day (a
  unique constraint), and the day's allowance as numbered slots 1..n (unique per voter and
  day), so concurrent votes can never exceed it. The vote and its tally shard commit
  together; a popular candidate's votes spread over TALLY_SHARDS rows.
- Views and likes are counted apart from votes (R20); a view costs no write on the hot path
  (`counters`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appraisal.models import (
    MAX_VOTES_PER_DAY,
    TALLY_SHARDS,
    Campaign,
    Candidate,
    CandidateState,
    PhoneCode,
    TallyShard,
    Vote,
    Voter,
    VoterKind,
)
from gonghui.core.personal_data import lookup_hash
from gonghui.core.sms import sms_send

CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_PHONE_PER_HOUR = 5


def _code_hash(phone_key: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone_key}:{code}".encode(), "sha256"
    ).hexdigest()


def valid_phone(phone: str) -> str:
    phone = phone.strip().replace(" ", "").replace("-", "")
    if len(phone) != 11 or not phone.isdigit() or not phone.startswith("1"):
        raise ValidationError(_("Enter an 11-digit mobile number."), code="phone")
    return phone


@transaction.atomic
def phone_code_send(*, phone: str) -> PhoneCode:
    """A 6-digit code by SMS, valid CODE_MINUTES; at most CODES_PER_PHONE_PER_HOUR a phone."""
    phone = valid_phone(phone)
    key = lookup_hash(phone)
    now = timezone.now()
    recent = PhoneCode.objects.filter(
        phone_key=key, sent_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if recent >= CODES_PER_PHONE_PER_HOUR:
        raise ValidationError(
            _("Too many codes for this number; try again in an hour."), code="too_many"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    sent = PhoneCode.objects.create(
        phone_key=key,
        code_hash=_code_hash(key, code),
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )
    sms_send(
        phone=phone,
        text=_("Your voting code is %(code)s, valid for %(minutes)s minutes.")
        % {"code": code, "minutes": CODE_MINUTES},
    )
    return sent


@transaction.atomic
def phone_code_check(*, phone: str, code: str, ip: str = "") -> Voter:
    """The voter behind a phone, once its latest code is confirmed (CODE_TRIES attempts)."""
    phone = valid_phone(phone)
    key = lookup_hash(phone)
    now = timezone.now()
    sent = (
        PhoneCode.objects.select_for_update()
        .filter(phone_key=key, used_at__isnull=True, expires_at__gt=now)
        .order_by("-sent_at")
        .first()
    )
    if sent is None or sent.tries >= CODE_TRIES:
        raise ValidationError(_("The code has expired; ask for a new one."), code="expired")
    if not hmac.compare_digest(sent.code_hash, _code_hash(key, code.strip())):
        PhoneCode.objects.filter(pk=sent.pk).update(tries=F("tries") + 1)
        raise ValidationError(_("That code is not right."), code="wrong_code")
    PhoneCode.objects.filter(pk=sent.pk).update(used_at=now)
    voter, _created = Voter.objects.get_or_create(
        key=key, defaults={"kind": VoterKind.PHONE, "first_seen_ip": ip[:64]}
    )
    return voter


def wechat_voter(*, openid: str, ip: str = "") -> Voter:
    """The voter behind a WeChat OpenID that the configured OAuth backend vouched for."""
    key = hashlib.sha256(f"{settings.SECRET_KEY}:wechat:{openid}".encode()).hexdigest()
    voter, _created = Voter.objects.get_or_create(
        key=key, defaults={"kind": VoterKind.WECHAT, "first_seen_ip": ip[:64]}
    )
    return voter


@dataclass(frozen=True)
class Client:
    """What a vote records of where it came from (R22)."""

    ip: str = ""
    user_agent: str = ""
    device: str = ""


def voting_open(campaign: Campaign, at: object = None) -> bool:
    now = timezone.now() if at is None else at
    return campaign.voting_starts <= now < campaign.voting_ends  # type: ignore[operator]


@dataclass(frozen=True)
class CampaignRef:
    pk: int
    votes_per_day: int


@dataclass(frozen=True)
class CandidateRef:
    pk: int
    number: int | None
    state: str
    likes: int


@dataclass(frozen=True)
class Standing:
    """What the one read before a vote knows: the campaign's dates and allowance, the
    candidate, and the voter's votes of the day so far (`used`, and `again` when one of them
    is for this candidate). Enough to refuse with a reason and to draw the buttons after."""

    campaign: CampaignRef
    candidate: CandidateRef
    nominations_close: dt.datetime
    voting_starts: dt.datetime
    voting_ends: dt.datetime
    used: int
    again: bool
    voter_known: bool

    def open_at(self, now: dt.datetime) -> bool:
        return self.voting_starts <= now < self.voting_ends

    @property
    def votes_left(self) -> int:
        return max(0, self.campaign.votes_per_day - self.used)


@dataclass(frozen=True)
class Cast:
    """An acknowledged vote: its row, its slot (the voter's count of the day so far)."""

    vote_id: int
    slot: int
    standing: Standing

    @property
    def votes_left(self) -> int:
        return max(0, self.standing.campaign.votes_per_day - self.slot)


class VoteRefusedError(ValidationError):
    """A refusal with its reason (R21), carrying what was read, to draw the page after."""

    def __init__(self, message: str, code: str, standing: Standing) -> None:
        super().__init__(message, code=code)
        self.standing = standing


class NotACandidateError(Exception):
    """No such campaign shown to the public, or no such candidate in it."""


Param = int | str | dt.date | dt.datetime

_STANDING_SQL = """
SELECT c.nominations_close AS shown_from, c.voting_starts AS opens, c.voting_ends AS closes,
       c.votes_per_day AS per_day, k.state AS state, k.number AS number, k.likes AS likes,
       (SELECT count(*) FROM appraisal_vote v
         WHERE v.campaign_id = c.id AND v.voter_id = %(voter)s AND v.day = %(day)s) AS used,
       EXISTS (SELECT 1 FROM appraisal_vote v
         WHERE v.campaign_id = c.id AND v.voter_id = %(voter)s AND v.day = %(day)s
           AND v.candidate_id = k.id) AS again,
       EXISTS (SELECT 1 FROM appraisal_voter r WHERE r.id = %(voter)s) AS known
FROM appraisal_campaign c JOIN appraisal_candidate k ON k.campaign_id = c.id
WHERE c.id = %(campaign)s AND k.id = %(candidate)s
"""

_INSERT_SQL = """
INSERT INTO appraisal_vote (campaign_id, candidate_id, voter_id, day, slot, shard, cast_at,
    ip, user_agent, device, void_reason)
VALUES (%(campaign)s, %(candidate)s, %(voter)s, %(day)s, %(slot)s, %(shard)s, %(at)s,
    %(ip)s, %(user_agent)s, %(device)s, '')
ON CONFLICT DO NOTHING
RETURNING id"""

_TALLY_SQL = """
UPDATE appraisal_tallyshard SET votes = votes + 1
WHERE candidate_id = %(candidate)s AND shard = %(shard)s"""

# PostgreSQL: the vote and its tally shard in one statement, so one round trip (R21).
_CAST_PG = (
    "WITH cast_vote AS ("  # noqa: S608  # constants joined, no input
    + _INSERT_SQL
    + """),
counted AS (
  UPDATE appraisal_tallyshard t SET votes = t.votes + 1 FROM cast_vote
  WHERE t.candidate_id = %(candidate)s AND t.shard = %(shard)s RETURNING 1)
SELECT id FROM cast_vote"""
)


def _standing(campaign_id: int, candidate_id: int, voter_id: int, day: dt.date) -> Standing | None:
    """Read before writing, so concurrent votes may all pass it: the constraints decide."""
    if not (0 < campaign_id < 2**63 and 0 < candidate_id < 2**63):
        return None
    row = _one(
        _STANDING_SQL,
        {"campaign": campaign_id, "candidate": candidate_id, "voter": voter_id, "day": day},
    )
    if row is None:
        return None
    starts, opens, ends, per_day, state, number, likes, used, again, known = row
    return Standing(
        campaign=CampaignRef(pk=campaign_id, votes_per_day=per_day),
        candidate=CandidateRef(pk=candidate_id, number=number, state=state, likes=likes),
        nominations_close=_aware(starts),
        voting_starts=_aware(opens),
        voting_ends=_aware(ends),
        used=int(used),
        again=bool(again),
        voter_known=bool(known),
    )


def _aware(value: dt.datetime | str) -> dt.datetime:
    """SQLite hands back text through a raw cursor; PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _one(sql: str, params: dict[str, Param]) -> tuple[Any, ...] | None:
    """The first row of one statement. On PostgreSQL through a server-binding psycopg cursor
    on Django's own connection: the values travel apart from the text, unprepared (pgbench
    runs the same with -M extended), which spares the client quoting them, about half its
    work on this path (bench/bench_vote.py). Errors still come out as Django's."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found: tuple[Any, ...] | None = cursor.fetchone()
            return found
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=False)
        return cursor.fetchone()


def _insert(row: dict[str, Param]) -> int | None:
    """The vote and its shard, or None when a unique constraint stopped the vote."""
    if connection.vendor == "postgresql":
        found = _one(_CAST_PG, row)
        return int(found[0]) if found else None
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(_INSERT_SQL, row)
        inserted = cursor.fetchone()
        if inserted is None:
            return None
        cursor.execute(_TALLY_SQL, row)
        return int(inserted[0])


def cast(*, campaign_id: int, candidate_id: int, voter_id: int, client: Client) -> Cast:
    """One vote, or a refusal with its reason (`VoteRefusedError`): voting not open; not a
    candidate of the campaign; already voted for this candidate today; the day's allowance
    used (R21). `NotACandidateError` when the public cannot see such a candidate.

    The database holds both limits whatever the concurrency: a race for the last slot or
    for the same candidate ends in one vote and one refusal. Made for the hot path: a read
    and a write, one round trip each on PostgreSQL, and no ORM."""
    now = timezone.now()
    day = timezone.localtime(now).date()
    row: dict[str, Param] = {
        "campaign": campaign_id,
        "candidate": candidate_id,
        "voter": voter_id,
        "day": day,
        "at": now,
        "ip": client.ip[:64],
        "user_agent": client.user_agent[:300],
        "device": client.device[:64],
    }
    for _attempt in range(MAX_VOTES_PER_DAY + 1):
        standing = _standing(campaign_id, candidate_id, voter_id, day)
        if (
            standing is None
            or now < standing.nominations_close
            or standing.candidate.state
            not in (CandidateState.APPROVED, CandidateState.DISQUALIFIED)
        ):
            raise NotACandidateError
        _refuse_if_not_allowed(standing, now)
        slot = standing.used + 1
        row["slot"] = slot
        row["shard"] = random.randrange(TALLY_SHARDS)  # noqa: S311  # spreading load, not a secret
        vote_id = _insert(row)
        if vote_id is not None:
            return Cast(vote_id=vote_id, slot=slot, standing=standing)
        # A concurrent vote took this slot or this candidate: read again, then say or retry.
    # Each miss means another vote of this voter's day landed: the allowance is reached
    # before the attempts run out, so this is only a backstop.
    assert standing is not None
    raise VoteRefusedError(_daily_limit(standing), "daily_limit", standing)


def _daily_limit(standing: Standing) -> str:
    return _("You have used today's %(n)s votes; come back tomorrow.") % {
        "n": standing.campaign.votes_per_day
    }


def _refuse_if_not_allowed(standing: Standing, now: dt.datetime) -> None:
    if not standing.voter_known:  # a voter cookie from before the data was reset
        raise VoteRefusedError(_("Verify your phone to vote."), "voter", standing)
    if not standing.open_at(now):
        raise VoteRefusedError(_("Voting is not open."), "window", standing)
    if standing.candidate.state != CandidateState.APPROVED:
        raise VoteRefusedError(
            _("This is not a candidate of this appraisal."), "candidate", standing
        )
    if standing.again:
        raise VoteRefusedError(_("You have voted for this candidate today."), "again", standing)
    if standing.used >= standing.campaign.votes_per_day:
        raise VoteRefusedError(_daily_limit(standing), "daily_limit", standing)


def vote_cast(*, campaign: Campaign, candidate: Candidate, voter: Voter, client: Client) -> Cast:
    """`cast` for callers that hold the rows; a candidate of another campaign is refused."""
    try:
        return cast(
            campaign_id=campaign.pk, candidate_id=candidate.pk, voter_id=voter.pk, client=client
        )
    except NotACandidateError:
        raise ValidationError(
            _("This is not a candidate of this appraisal."), code="candidate"
        ) from None


def tally(candidate: Candidate) -> int:
    """The candidate's counted votes: the sum of its shards."""
    return int(TallyShard.objects.filter(candidate=candidate).aggregate(n=Sum("votes"))["n"] or 0)


def tallies(campaign: Campaign) -> dict[int, int]:
    rows = (
        TallyShard.objects.filter(candidate__campaign=campaign)
        .values("candidate")
        .annotate(n=Sum("votes"))
        .values_list("candidate", "n")
    )
    return {pk: int(n or 0) for pk, n in rows}


def votes_left(campaign: Campaign, voter: Voter) -> int:
    day = timezone.localdate()
    used = Vote.objects.filter(campaign=campaign, voter=voter, day=day).count()
    return max(0, campaign.votes_per_day - used)


def voted_today(campaign: Campaign, voter: Voter) -> set[int]:
    day = timezone.localdate()
    return set(
        Vote.objects.filter(campaign=campaign, voter=voter, day=day).values_list(
            "candidate_id", flat=True
        )
    )
