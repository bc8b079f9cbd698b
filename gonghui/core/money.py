"""Money is Decimal yuan with two places, never float: parse, round and format it here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
WAN = Decimal(10000)
MAX_AMOUNT = Decimal(10) ** 15  # a quadrillion yuan: anything above is a typing slip


def yuan(value: Decimal | int | str) -> Decimal:
    """Exact yuan with two places; rounds half up (as finance offices do) and refuses floats."""
    if isinstance(value, float):
        raise TypeError("Money must not pass through float; give a Decimal, int or str.")
    try:
        amount = Decimal(str(value).replace(",", "").replace("¥", "").strip())
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount of money: {value!r}") from exc
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"Not an amount of money: {value!r}")
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def fen(value: Decimal | int | str) -> int:
    """The same amount in integer fen."""
    return int(yuan(value) * 100)


def format_yuan(value: Decimal | int | str) -> str:
    """¥1,234.50 (negative: -¥1,234.50)."""
    amount = yuan(value)
    sign = "-" if amount < 0 else ""  # Decimal("-0.00") is not < 0: no "-¥0.00"
    return f"{sign}¥{abs(amount):,.2f}"


def format_wan(value: Decimal | int | str, places: int = 2) -> str:
    """An amount in 万元 for reports: 1,234,500 → 123.45万元."""
    quantum = Decimal(1).scaleb(-places)
    amount = (yuan(value) / WAN).quantize(quantum, rounding=ROUND_HALF_UP)
    amount = amount if amount else abs(amount)  # no "-0.00万元"
    return f"{amount:,.{places}f}万元"
