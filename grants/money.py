"""Money is integer pence everywhere. These turn what people type into pence and back."""

from __future__ import annotations

import re

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which int() would accept.
_AMOUNT = re.compile(r"(?P<pounds>[0-9]{1,9})(?:\.(?P<pence>[0-9]{1,2}))?")


class MoneyError(ValueError):
    pass


def parse_pounds(text: str) -> int:
    """'£1,234.50' -> 123450. Refuses negatives, fractions of a penny and anything not money."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    cleaned = cleaned.removeprefix("£")
    match = _AMOUNT.fullmatch(cleaned)
    if not match:
        raise MoneyError("Enter an amount in pounds, like 1500 or 1,500.50")
    pence = (match["pence"] or "0").ljust(2, "0")
    return int(match["pounds"]) * 100 + int(pence)


def format_pence(pence: int | None) -> str:
    """The one way money is shown: 200000 -> '£2,000' and 200050 -> '£2,000.50'.

    Whole pounds drop the '.00' so round numbers (grant limits, budgets) read as people say them;
    an amount with pence always shows both digits.
    """
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(pence), 100)
    if remainder == 0:
        return f"{sign}£{pounds:,}"
    return f"{sign}£{pounds:,}.{remainder:02d}"
