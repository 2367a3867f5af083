"""When a report is due, in words. Overdue is worked out from the due date and today, never
stored, and every page says it the same way."""

from __future__ import annotations

from datetime import date

from grants.formatting import pluralise


def due_wording(due_on: date, today: date) -> str:
    """ "Overdue by 3 days", "Due today", "Due tomorrow", "Due in 12 days"."""
    days = (due_on - today).days
    if days < 0:
        return f"Overdue by {pluralise(-days, 'day')}"
    if days == 0:
        return "Due today"
    return "Due tomorrow" if days == 1 else f"Due in {days} days"
