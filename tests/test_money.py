"""Money parsing accepts what people type in pounds, in ASCII digits only."""

import pytest

from grants.money import MoneyError, parse_pounds

MESSAGE = "Enter an amount in pounds, like 1500 or 1,500.50"


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("1500", 150_000), ("£1,234.50", 123_450), ("1234.5", 123_450), (" 0.5 ", 50)],
)
def test_pounds_become_pence(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    "typed",
    [
        "١٢٣",  # Arabic-Indic digits: int() would read them, people reading a statement would not
        "۱۲۳",  # Extended Arabic-Indic
        "１２３",  # full-width
        "१२३",  # Devanagari
        "12.٥",
        "1\n2",
        "-1",
        "1.234",
    ],
)
def test_only_ascii_digits_are_money(typed):
    with pytest.raises(MoneyError) as refusal:
        parse_pounds(typed)
    assert str(refusal.value) == MESSAGE
