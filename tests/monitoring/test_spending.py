"""The spending rule: a line more than 10% or more than £100 from plan needs an explanation; a
missing answer is an error and an explained difference a warning; the total is checked against
what has been paid."""

from __future__ import annotations

import pytest

from grants.awards.models import Payment
from grants.awards.states import PaymentStatus
from grants.extensions import db
from grants.monitoring import spending
from grants.monitoring.report import services
from tests.monitoring.report_world import started, world

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.parametrize(
    "planned, spent, needed",
    [
        (50_000, 55_000, False),  # exactly 10% (£50) over a £500 line: fine
        (50_000, 55_001, True),  # a penny more than 10%
        (50_000, 45_000, False),  # exactly 10% under
        (50_000, 44_999, True),
        (200_000, 210_000, False),  # exactly £100 over a £2,000 line (5%)
        (200_000, 210_001, True),  # a penny more than £100, though under 10%
        (200_000, 189_999, True),
        (200_000, 190_000, False),
        (100, 111, True),  # small lines: 10% decides
        (100, 110, False),
        (0, 1, True),  # nothing planned, something spent
        (0, 0, False),
        (50_000, None, False),  # not given: missing, not explained
    ],
)
def test_the_ten_percent_and_hundred_pound_boundaries(planned, spent, needed):
    assert spending.needs_explanation(planned, spent) is needed


def _spend(w, report, food, venue):
    services.save_spending(w.member, report, {w.food.id: food, w.venue.id: venue})
    return spending.check(report)


def test_a_spend_not_given_and_an_unexplained_difference_are_errors():
    w = world()
    report = started(w)
    check = _spend(w, report, (150_000, None), (None, None))
    assert [p.field for p in check.errors] == [f"spent_{w.venue.id}"]
    assert "Venue hire" in check.errors[0].message
    check = _spend(w, report, (170_000, None), (40_000, None))  # £200 over on £1,500
    assert [p.field for p in check.errors] == [f"explanation_{w.food.id}"]
    assert "£200 more than planned" in check.errors[0].message
    assert not check.complete


def test_an_explained_difference_is_a_warning_that_never_blocks():
    w = world()
    report = started(w)
    check = _spend(w, report, (170_000, "Food prices rose"), (40_000, None))
    assert check.errors == [] and check.complete
    assert any("Food: £200 more than planned" in warning for warning in check.warnings)
    line = check.line_for(w.food.id)
    assert (line.planned_pence, line.spent_pence, line.difference_pence) == (
        150_000,
        170_000,
        20_000,
    )
    assert line.needs_explanation and line.explanation == "Food prices rose"


def test_totals_and_what_has_been_paid():
    w = world()
    report = started(w)
    check = _spend(w, report, (100_000, "Fewer sessions yet"), (40_000, None))
    assert check.total_planned_pence == 190_000 and check.total_spent_pence == 140_000
    assert check.paid_pence == 0
    assert any("£1,400 more than we have paid" in warning for warning in check.warnings)
    first: Payment = w.ready.award.payments[0]
    first.status = PaymentStatus.PAID  # £2,500 paid
    db.session.flush()
    check = spending.check(report)
    assert check.paid_pence == 250_000
    underspend = [warning for warning in check.warnings if "less than we have paid" in warning]
    assert underspend and "£1,100 less" in underspend[0] and "(£2,500)" in underspend[0]
    assert check.complete  # warnings never block


def test_spent_exactly_what_was_paid_gives_no_total_warning():
    w = world()
    report = started(w)
    w.ready.award.payments[0].status = PaymentStatus.PAID  # £2,500
    db.session.flush()
    check = _spend(w, report, (210_000, "More food"), (40_000, None))
    assert check.total_spent_pence == check.paid_pence == 250_000
    assert not any("paid you" in warning or "we have paid" in warning for warning in check.warnings)


def test_no_total_warning_while_a_line_is_missing():
    w = world()
    report = started(w)
    check = _spend(w, report, (150_000, None), (None, None))
    assert check.warnings == [] and not check.all_given


def test_amounts_are_whole_pence():
    w = world()
    report = started(w)
    check = _spend(w, report, (150_001, None), (39_999, None))
    assert all(isinstance(line.spent_pence, int) for line in check.lines)
    assert isinstance(check.total_spent_pence, int) and check.total_spent_pence == 190_000
