"""Page views and likes (R20): counted in the cache, never a database write per request, and
flushed to the candidate's row in batches (every FLUSH_EVERY counts or FLUSH_SECONDS, by
the request that crosses the mark). A viewer counts once per period: reloading adds
nothing. With REDIS_URL the counts are shared by every process; without it each process
keeps its own and flushes them, so the database alone still holds the totals."""

from __future__ import annotations

import contextlib
import time
from typing import Protocol

from django.core.cache import cache
from django.db.models import F

from gonghui.appraisal.models import Candidate

VIEW_PERIOD = 6 * 3600  # a viewer's views of a candidate count once in six hours
LIKE_PERIOD = 24 * 3600  # and their likes once a day
FLUSH_EVERY = 50
FLUSH_SECONDS = 30
FIELDS = ("views", "likes")


def _count_key(field: str, candidate_id: int) -> str:
    return f"appraisal:{field}:{candidate_id}"


def _flushed_key(field: str, candidate_id: int) -> str:
    return f"appraisal:{field}:{candidate_id}:flushed"


def _incr(key: str) -> int:
    cache.add(key, 0, None)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, None)
        return 1


def count(*, candidate_id: int, field: str, viewer: str) -> bool:
    """Counts a view or a like of the candidate by `viewer` (a device or address key), once
    per period; True when it counted."""
    assert field in FIELDS
    period = VIEW_PERIOD if field == "views" else LIKE_PERIOD
    if not cache.add(f"appraisal:seen:{field}:{candidate_id}:{viewer}", 1, period):
        return False
    pending = _incr(_count_key(field, candidate_id))
    last = cache.get(_flushed_key(field, candidate_id)) or 0.0
    if pending >= FLUSH_EVERY or time.time() - float(last) >= FLUSH_SECONDS:
        flush(candidate_id=candidate_id, field=field)
    return True


def flush(*, candidate_id: int, field: str) -> int:
    """Moves the pending count into the database; increments made meanwhile stay pending."""
    key = _count_key(field, candidate_id)
    pending = int(cache.get(key) or 0)
    cache.set(_flushed_key(field, candidate_id), time.time(), None)
    if pending <= 0:
        return 0
    Candidate.objects.filter(pk=candidate_id).update(**{field: F(field) + pending})
    with contextlib.suppress(ValueError):  # evicted meanwhile: nothing left to take off
        cache.decr(key, pending)
    return pending


def flush_all(candidate_ids: list[int]) -> int:
    """Every pending count of the candidates (the scheduler's job and the end of voting)."""
    return sum(flush(candidate_id=pk, field=f) for pk in candidate_ids for f in FIELDS)


class Counted(Protocol):
    @property
    def pk(self) -> int: ...


def shown(candidate: Counted, field: str) -> int:
    """The database's total plus what this process (or Redis) still holds."""
    stored: int = getattr(candidate, field)
    return stored + int(cache.get(_count_key(field, candidate.pk)) or 0)
