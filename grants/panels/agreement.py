"""How far a round's averaged scores can be relied on: ICC(1,k) and Krippendorff's alpha, and
why either is undefined when it is. Pure functions, no database.

Both match the reference implementations (pingouin's one-way ICC on equal rows, the
``krippendorff`` package's interval alpha) to 1e-10 on the published worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import fmean

# A difference smaller than this share of the figures' own size is rounding, not signal. It is
# relative, so the same scores on any scale (0 to 1, 0 to 100, 0 to a million) give the same
# answers; the arithmetic (math.fsum) is accurate to about 1e-16 of it.
_RELATIVE_TOLERANCE = 1e-12


def negligible(amount: float, scale: float) -> bool:
    """Whether ``amount`` is nothing but rounding next to ``scale`` (both non-negative)."""
    return amount <= _RELATIVE_TOLERANCE * scale


def icc_1k(ratings: Sequence[Sequence[float | None]]) -> float | None:
    """Reliability of an application's averaged score: ICC(1,k), Shrout & Fleiss (1979), one-way
    random effects, average of k raters, ``(MSB - MSW) / MSB``. Rows are applications.

    The one-way model fits a panel, where different members score different applications. It
    does not need the same number of ratings per row: missing ratings (None) are dropped and the
    one-way ANOVA is computed on the unequal rows, so the result is the reliability of an average
    of about k0 ratings (the ANOVA's adjusted mean row size); with equal rows it is exactly
    Shrout & Fleiss's ICC(1,k). Rows with fewer than two ratings say nothing about agreement and
    are left out. None when fewer than two rows remain or the applications' means do not differ
    at all. It can be negative: the scores then tell applications apart less than chance would.
    """
    rows = _rows_of_at_least_two(ratings)
    if len(rows) < 2:
        return None
    total = sum(len(row) for row in rows)
    grand_mean = math.fsum(math.fsum(row) for row in rows) / total
    row_means = [fmean(row) for row in rows]
    between = math.fsum(
        len(row) * (m - grand_mean) ** 2 for row, m in zip(rows, row_means, strict=True)
    )
    within = math.fsum(squared_deviations(row, m) for row, m in zip(rows, row_means, strict=True))
    if negligible(between, between + within):
        return None  # the applications' means do not differ (see ``icc_problem``)
    mean_square_between = between / (len(rows) - 1)
    mean_square_within = within / (total - len(rows))
    return (mean_square_between - mean_square_within) / mean_square_between


def icc_problem(ratings: Sequence[Sequence[float | None]]) -> str | None:
    """Why ``icc_1k`` is undefined for these ratings, in words; None when it is defined."""
    rows = _rows_of_at_least_two(ratings)
    if len(rows) < 2:
        return "it needs at least two applications each scored by two or more members"
    values = [value for row in rows for value in row]
    spread = squared_deviations(values, fmean(values))
    if spread == 0:
        return "every score is the same, so there is nothing to tell applications apart by"
    row_means = [fmean(row) for row in rows]
    between = math.fsum(
        len(row) * (m - fmean(values)) ** 2 for row, m in zip(rows, row_means, strict=True)
    )
    if negligible(between, spread):
        return (
            "the applications' average scores are all the same while the scores differ, so "
            "none of the differences tell applications apart"
        )
    return None


def krippendorff_alpha_interval(ratings: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha with the interval metric, ``1 - D_o / D_e``. Rows are applications
    (units); None is a missing rating (a conflict, or a member not assigned).

    Units with fewer than two ratings cannot be paired and are dropped, as Krippendorff (2011)
    specifies. Uses the identity Σ_{i≠j} (v_i - v_j)² = 2m·Σ(v - v̄)² over the m values of a
    unit (or of all pairable values), so it is linear in the number of ratings. None when no
    unit has two ratings or every rating is the same (no disagreement is expected to remove).
    """
    units = _rows_of_at_least_two(ratings)
    values = [value for unit in units for value in unit]
    if not units:
        return None
    n = len(values)
    expected = 2 * n * squared_deviations(values, fmean(values)) / (n * (n - 1))
    if negligible(expected, fmean(value * value for value in values)):
        return None
    observed = (
        math.fsum(
            2 * len(unit) * squared_deviations(unit, fmean(unit)) / (len(unit) - 1)
            for unit in units
        )
        / n
    )
    return 1 - observed / expected


def _rows_of_at_least_two(ratings: Sequence[Sequence[float | None]]) -> list[list[float]]:
    rows = ([value for value in row if value is not None] for row in ratings)
    return [row for row in rows if len(row) >= 2]


def squared_deviations(values: Sequence[float], centre: float) -> float:
    return math.fsum((value - centre) ** 2 for value in values)
