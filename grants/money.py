"""Money is integer pence everywhere. These turn what people type into pence and back, and share
an amount between instalments or wards to the penny, the same way on every page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which int() would accept. A comma
# is only ever a thousands separator: "1,50" is a mistyped £1.50 or £150, so it is refused
# rather than guessed at.
_AMOUNT = re.compile(
    r"(?P<pounds>[0-9]{1,9}|[0-9]{1,3}(?:,[0-9]{3}){1,2})(?:\.(?P<pence>[0-9]{1,2}))?"
)
AMOUNT_MESSAGE = "Enter an amount like 1,250.50"


class MoneyError(ValueError):
    pass


def parse_pounds(text: str) -> int:
    """'£1,234.50' -> 123450. Refuses negatives, fractions of a penny, commas anywhere but
    between groups of three digits, and anything else that is not money."""
    cleaned = text.strip().removeprefix("£").lstrip()
    match = _AMOUNT.fullmatch(cleaned)
    if not match:
        raise MoneyError(AMOUNT_MESSAGE)
    pence = (match["pence"] or "0").ljust(2, "0")
    return int(match["pounds"].replace(",", "")) * 100 + int(pence)


def split_pence(amount: int, weights: Sequence[int | Fraction]) -> list[int]:
    """``amount`` shared in proportion to ``weights``, in whole pence that add up exactly.

    Largest remainder (Hamilton's method): each part is first rounded down, then the pennies left
    over go one each to the parts that lost most in the rounding, ties to the earlier part. So no
    part is ever more than a penny from its exact share, and the same amount and weights always
    split the same way, whichever page shows them. A negative amount splits as the mirror image
    of the positive one. Weights must be non-negative and not all zero.
    """
    if not weights:
        raise ValueError("split_pence needs at least one part")
    if any(weight < 0 for weight in weights):
        raise ValueError("split_pence needs weights of 0 or more")
    total = sum(Fraction(weight) for weight in weights)
    if total == 0:
        raise ValueError("split_pence needs a weight above 0")
    if amount < 0:
        return [-part for part in split_pence(-amount, weights)]
    exact = [amount * Fraction(weight) / total for weight in weights]
    parts = [int(value) for value in exact]  # exact is non-negative, so int() rounds down
    short = amount - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in by_remainder[:short]:
        parts[index] += 1
    return parts


def split_equally(amount: int, parts: int) -> list[int]:
    """``amount`` shared equally between ``parts`` (wards of a project that gives no shares)."""
    return split_pence(amount, [1] * parts)


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
