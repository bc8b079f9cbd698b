"""Paging long lists without counting a million rows on every page view: a known total is
passed in (for example from kept counters); otherwise at most CAP + 1 rows are counted and
the page says "more than 1,000"."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

CAP = 1_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # generic only in the stubs
    def __init__(self, object_list: Any, per_page: int, *, total: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.total = total

    @cached_property
    def count(self) -> int:
        if self.total is not None:
            return self.total
        # Without ordering and joins for display, the database can stop at CAP + 1 rows.
        rows = self.object_list.order_by().values("pk")  # type: ignore[attr-defined]  # a QuerySet
        counted: int = rows[: CAP + 1].count()
        return counted

    @property
    def capped(self) -> bool:
        return self.total is None and self.count > CAP
