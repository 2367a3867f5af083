"""Money is shown one way everywhere: whole pounds without pence, other amounts with both digits."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.money import MoneyError, format_pence, parse_pounds, split_equally, split_pence


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (200_000, "£2,000"),
        (200_050, "£2,000.50"),
        (200_005, "£2,000.05"),
        (0, "£0"),
        (99, "£0.99"),
        (-150_000, "-£1,500"),
        (None, ""),
    ],
)
def test_money_is_shown_without_pence_only_when_there_are_none(pence, shown):
    assert format_pence(pence) == shown


def test_templates_show_money_with_the_one_filter(app):
    rendered = app.jinja_env.from_string("{{ 150000 | money }} {{ 150050 | money }}").render()
    assert rendered == "£1,500 £1,500.50"


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("1,250.50", 125_050),
        ("£1,250", 125_000),
        ("£ 1,000,000", 100_000_000),
        ("123,456,789.01", 12_345_678_901),
        ("1250.5", 125_050),
        (" 0.05 ", 5),
        ("999", 99_900),
    ],
)
def test_a_comma_is_read_only_between_groups_of_three(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    "typed",
    ["1,50", "1,5", "1,2,3,4", "5,,", ",500", "1,2345", "1,000,", "12,34.50", "1,000.5,0", "1 500"],
)
def test_any_other_comma_is_refused_with_an_example(typed):
    with pytest.raises(MoneyError, match="^Enter an amount like 1,250.50$"):
        parse_pounds(typed)


@pytest.mark.parametrize(
    ("amount", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (1_000_001, [50, 40, 10], [500_001, 400_000, 100_000]),
    ],
)
def test_split_pence_gives_the_odd_pennies_by_largest_remainder(amount, weights, parts):
    assert split_pence(amount, weights) == parts


def test_left_over_pennies_go_to_the_parts_that_lost_most_in_rounding():
    # exact shares 16.67, 33.33, 50.0 (of 100 by 1:2:3): the penny goes to the first, whose
    # rounding lost 0.67, not to the second (0.33)
    assert split_pence(100, [1, 2, 3]) == [17, 33, 50]
    assert split_pence(7, [1, 1, 1, 1, 1, 1, 1]) == [1] * 7
    assert split_equally(5, 3) == [2, 2, 1]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_split_pence_needs_a_positive_share(weights):
    with pytest.raises(ValueError):
        split_pence(100, weights)


@given(
    amount=st.integers(-(10**13), 10**13),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=30).filter(any),
)
def test_split_pence_adds_up_and_stays_within_a_penny_of_each_exact_share(amount, weights):
    parts = split_pence(amount, weights)
    assert sum(parts) == amount
    assert all(type(part) is int for part in parts)
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(Fraction(part) - Fraction(amount * weight, total)) < 1
