"""Money is Decimal yuan with two places, never float (ARCHITECTURE rule 5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.core import money


def test_yuan_rounds_half_up_to_fen() -> None:
    assert money.yuan("1234.505") == Decimal("1234.51")
    assert money.yuan("1234.504") == Decimal("1234.50")
    assert money.yuan(6280) == Decimal("6280.00")
    assert money.yuan("¥1,234.5") == Decimal("1234.50")


def test_yuan_refuses_float_and_garbage() -> None:
    with pytest.raises(TypeError):
        money.yuan(0.1)  # type: ignore[arg-type]  # the point of the test
    for bad in ("abc", "NaN", "Infinity", ""):
        with pytest.raises(ValueError, match="Not an amount of money"):
            money.yuan(bad)


def test_fen_is_integer() -> None:
    assert money.fen("12.34") == 1234


def test_format_yuan() -> None:
    assert money.format_yuan(Decimal("1234.5")) == "¥1,234.50"
    assert money.format_yuan("-12") == "-¥12.00"
    assert money.format_yuan(0) == "¥0.00"


def test_format_wan_for_reports() -> None:
    assert money.format_wan(1234500) == "123.45万元"
    assert money.format_wan("2794000") == "279.40万元"
    assert money.format_wan(12345, places=1) == "1.2万元"


def test_absurd_amounts_are_refused_and_no_negative_zero() -> None:
    with pytest.raises(ValueError, match="Not an amount of money"):
        money.yuan("1e30")
    assert money.format_wan("-0.005") == "0.00万元"
    assert money.format_yuan("-0.001") == "¥0.00"
