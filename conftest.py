"""Shared test fixtures: the named personas of the demo city (city admin, district staff of
东湖 and 西山, a grassroots chair, a courier worker, …), built through the real services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from gonghui.core.demo import city
from gonghui.core.models import Org, User


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgres (concurrency) need PostgreSQL: on SQLite they are deselected and
    counted as such, and `make test` runs them in its PostgreSQL pass."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    """The cache and the thread's active language outlive a test (a request in English leaves
    English active); each test starts with an empty cache, in Chinese."""
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """Uploads and exports of a test land in a temporary folder, never in var/."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    city.load()
    return {p.username: User.objects.get(username=p.username) for p in city.PERSONAS}


@pytest.fixture
def orgs(personas: dict[str, User]) -> dict[str, Org]:
    return {o.code: o for o in Org.objects.all()}


@pytest.fixture
def client_for(personas: dict[str, User]):  # type: ignore[no-untyped-def]  # returns a factory
    def make(username: str) -> Client:
        client = Client()
        client.force_login(personas[username])
        return client

    return make
