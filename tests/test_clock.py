"""UK times in, UTC out: ordinary days in winter and summer, and both clock changes."""

from datetime import UTC, date, datetime, time

import pytest

from grants.clock import LocalTimeError, parse_time, uk_to_utc, utc_to_uk


def test_a_winter_time_is_the_same_in_utc():
    assert uk_to_utc(date(2026, 1, 15), time(9, 0)) == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_a_summer_time_is_an_hour_ahead_of_utc():
    assert uk_to_utc(date(2026, 6, 1), time(17, 30)) == datetime(2026, 6, 1, 16, 30, tzinfo=UTC)


def test_the_result_is_aware_utc():
    moment = uk_to_utc(date(2026, 6, 1), time(12, 0))
    assert moment.tzinfo is UTC


def test_a_time_that_does_not_exist_when_the_clocks_go_forward_is_refused():
    with pytest.raises(LocalTimeError) as error:
        uk_to_utc(date(2026, 3, 29), time(1, 30))
    assert error.value.message == (
        "There is no 1:30am on 29 March 2026 in the UK because the clocks go forward an hour "
        "at 1am. Enter a time before 1am or from 2am"
    )


def test_a_time_that_happens_twice_when_the_clocks_go_back_is_refused():
    with pytest.raises(LocalTimeError) as error:
        uk_to_utc(date(2026, 10, 25), time(1, 30))
    assert error.value.message == (
        "1:30am on 25 October 2026 happens twice in the UK because the clocks go back an hour "
        "at 2am. Enter a time before 1am or from 2am"
    )


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2026, 3, 29), time(0, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        (date(2026, 3, 29), time(2, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (date(2026, 10, 25), time(0, 59), datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),
        (date(2026, 10, 25), time(2, 0), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
    ],
)
def test_times_either_side_of_a_clock_change_are_exact(day, at, expected):
    assert uk_to_utc(day, at) == expected


def test_a_stored_moment_reads_back_in_uk_time():
    local = utc_to_uk(datetime(2026, 6, 1, 16, 30))  # SQLite gives naive UTC
    assert (local.date(), local.time()) == (date(2026, 6, 1), time(17, 30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:00", time(9)), ("9:00", time(9)), ("17.30", time(17, 30)), (" 23:59 ", time(23, 59))],
)
def test_times_are_read_from_the_24_hour_clock(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "9", "9am", "24:00", "12:60", "1:5", "x" * 1000, "１２:００"])
def test_anything_else_is_not_a_time(text):
    with pytest.raises(LocalTimeError):
        parse_time(text)
