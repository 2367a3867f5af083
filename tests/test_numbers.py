"""Whole numbers from request text: ASCII digits only, never a crash."""

import pytest

from grants.numbers import record_id, whole_number


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("9223372036854775807", 2**63 - 1),  # the largest id the database holds
        ("9223372036854775808", None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("²", None),
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_a_record_id_is_plain_digits_within_the_64_bit_range(text, expected):
    assert record_id(text) == expected


def test_no_whole_number_leaves_the_64_bit_range():
    assert whole_number("9" * 19, max_digits=30) is None
    assert whole_number("-" + "9" * 19, max_digits=30, allow_negative=True) is None
