"""Template helpers: money, masking, and dates that may rest on a guessed calendar."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from gonghui.core import money, personal_data
from gonghui.core.models import TaskProgress
from gonghui.core.workdays import WorkdayResult

register = template.Library()


@register.filter
def yuan(value: Decimal | int | str | None) -> str:
    return "" if value in (None, "") else money.format_yuan(value)  # type: ignore[arg-type]  # None handled


@register.filter
def wan(value: Decimal | int | str | None) -> str:
    return "" if value in (None, "") else money.format_wan(value)  # type: ignore[arg-type]  # None handled


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as minutes and seconds (52′07″); a dash when not recorded."""
    if seconds is None:
        return "—"
    return f"{seconds // 60}′{seconds % 60:02d}″"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "") if mapping else ""


@register.filter
def mask_name(value: str) -> str:
    return personal_data.mask_name(value or "")


@register.filter
def mask_id(value: str) -> str:
    return personal_data.mask_id_number(value or "")


@register.filter
def mask_phone(value: str) -> str:
    return personal_data.mask_phone(value or "")


@register.inclusion_tag("core/_partials/progress.html")
def progress_bar(progress: TaskProgress) -> dict[str, Any]:
    """The live bar of a piece of long work; it polls until the work ends."""
    return {"progress": progress}


@register.inclusion_tag("core/_partials/workday_result.html")
def workday(result: WorkdayResult, fmt: str = "Y-m-d") -> dict[str, Any]:
    """A computed date or count, with a warning when a year's arrangement was not yet known."""
    return {"result": result, "fmt": fmt, "is_date": not isinstance(result.value, int)}
