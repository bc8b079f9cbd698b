"""How long the official-calendar deadline costs against plain weekday arithmetic (the
baseline a naive implementation would use), for a year of 5-working-day notice periods."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from gonghui.core.workdays import add_working_days

STARTS = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]


def _weekday_baseline(start: dt.date, days: int) -> dt.date:
    current = start
    while days:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _time(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best


def run() -> None:
    official = _time(lambda: [add_working_days(s, 5) for s in STARTS])
    baseline = _time(lambda: [_weekday_baseline(s, 5) for s in STARTS])
    differ = sum(add_working_days(s, 5).value != _weekday_baseline(s, 5) for s in STARTS)
    print(
        f"add_working_days x{len(STARTS)}: {official * 1000:.1f} ms "
        f"(baseline weekday arithmetic: {baseline * 1000:.2f} ms, "
        f"{official / baseline:.0f}x); per call {official / len(STARTS) * 1e6:.0f} µs"
    )
    print(f"deadlines that weekday arithmetic gets wrong in 2026: {differ} of {len(STARTS)}")
