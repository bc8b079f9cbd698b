"""Rate limits for the public forms (joining online, application look-ups, objections): one
counter per key and window in the cache (Redis when REDIS_URL is set, so every process shares
it). Every attempt counts, valid or not."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def address_hash(address: str) -> str:
    """A keyed hash of a client address: enough to count and compare, not to read back."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def client_key(request: HttpRequest, scope: str) -> str:
    """A key per form and client address; the address itself is not stored."""
    return f"ratelimit:{scope}:{address_hash(str(request.META.get('REMOTE_ADDR', '')))[:32]}"


def allow(key: str, limit: int, window: int = 3600) -> bool:
    """Counts one attempt; False once `limit` attempts fell within the window."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit
