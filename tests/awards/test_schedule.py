"""The payment schedule: whole pence that add up, due dates on working days."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.awards import schedule
from grants.awards.models import AwardTerms, ReleaseCondition, ReportKind


def default_terms() -> AwardTerms:
    return AwardTerms(
        single_payment_limit_pence=schedule.DEFAULT_SINGLE_PAYMENT_LIMIT_PENCE,
        instalments=[dict(i) for i in schedule.DEFAULT_INSTALMENTS],
        offer_valid_days=30,
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 4), date(2027, 1, 4)),  # a Monday
        (date(2027, 1, 2), date(2027, 1, 4)),  # Saturday -> Monday
        (date(2026, 12, 25), date(2026, 12, 29)),  # Christmas, then the Boxing Day substitute
        (date(2027, 3, 26), date(2027, 3, 30)),  # Good Friday -> past Easter Monday
        (date(2023, 5, 8), date(2023, 5, 9)),  # the King's coronation, a one-off bank holiday
    ],
)
def test_due_dates_roll_to_the_next_working_day_in_england_and_wales(day, expected):
    assert schedule.working_day(day) == expected


def test_a_small_award_is_one_payment_on_acceptance_with_a_final_report():
    plan = schedule.plan(200_000, date(2027, 1, 4), date(2027, 6, 30), default_terms())
    assert [(p.amount_pence, p.condition) for p in plan.payments] == [
        (200_000, ReleaseCondition.ON_ACCEPTANCE)
    ]
    assert set(plan.reports) == {ReportKind.FINAL}


def test_a_larger_award_is_paid_fifty_forty_ten_against_its_reports():
    plan = schedule.plan(1_000_001, date(2027, 1, 4), date(2027, 12, 31), default_terms())
    assert [(p.amount_pence, p.condition) for p in plan.payments] == [
        (500_001, ReleaseCondition.ON_ACCEPTANCE),
        (400_000, ReleaseCondition.INTERIM_REPORT),
        (100_000, ReleaseCondition.FINAL_REPORT),
    ]
    assert plan.reports[ReportKind.INTERIM] < plan.reports[ReportKind.FINAL]
    assert plan.payments[1].due_on > plan.reports[ReportKind.INTERIM]
    assert all(schedule.is_working_day(p.due_on) for p in plan.payments)


@given(
    amount=st.integers(min_value=1, max_value=10**11),
    percents=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=6).filter(
        lambda p: sum(p) <= 100
    ),
)
def test_instalments_always_add_up_to_the_award_in_whole_pence(amount, percents):
    percents = [*percents[:-1], percents[-1] + 100 - sum(percents)]
    shares = schedule.instalment_amounts(amount, percents)
    assert sum(shares) == amount
    assert all(isinstance(share, int) and share >= 0 for share in shares)


def test_odd_pennies_go_to_the_instalments_that_lost_most_in_rounding():
    """Exact shares of £10,000.09 at 50/40/10 are 500,004.5p, 400,003.6p and 100,000.9p: the two
    odd pennies go to the last two (largest remainders), not both to the first instalment."""
    assert schedule.instalment_amounts(1_000_009, [50, 40, 10]) == [500_004, 400_004, 100_001]


def test_instalment_percentages_must_add_up_to_a_hundred():
    with pytest.raises(ValueError):
        schedule.instalment_amounts(100, [50, 40])
