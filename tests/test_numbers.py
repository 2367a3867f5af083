"""Whole numbers from request text: ASCII digits only, never a crash."""

import pytest

from grants.numbers import whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", 0),
        ("²", None),
        ("١٢", None),
        ("1e3", None),
        ("", None),
        ("-5", None),
        (None, None),
        ("1234567890", None),
        (["1"], None),
    ],
)
def test_only_plain_digits_make_a_number(text, expected):
    assert whole_number(text) == expected


def test_negative_numbers_only_when_asked_for():
    assert whole_number("-5", allow_negative=True) == -5
    assert whole_number("--5", allow_negative=True) is None
