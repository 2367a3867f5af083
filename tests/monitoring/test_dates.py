"""Every page says when a report is due the same way, worked out from the dates."""

from __future__ import annotations

from datetime import timedelta

from grants.clock import uk_today
from grants.monitoring.dates import due_wording


def test_due_wording_counts_days_from_today():
    today = uk_today()
    assert due_wording(today - timedelta(days=3), today) == "Overdue by 3 days"
    assert due_wording(today - timedelta(days=1), today) == "Overdue by 1 day"
    assert due_wording(today, today) == "Due today"
    assert due_wording(today + timedelta(days=1), today) == "Due tomorrow"
    assert due_wording(today + timedelta(days=12), today) == "Due in 12 days"
