"""Groups with no email address, reminded by phone or post: the list, and a printable letter."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from grants.clock import uk_today
from grants.monitoring import access, reminders
from grants.monitoring.review.blueprint import bp
from grants.pagination import paginate
from grants.permissions import Permission, requires


@bp.route("/letters")
@requires(Permission.REVIEW_REPORTS)
def letters():
    return render_template(
        "monitoring/letters/index.html",
        page=paginate(reminders.letters_due()),
        today=uk_today(),
    )


@bp.route("/due/<int:report_due_id>/letter")
@requires(Permission.REVIEW_REPORTS)
def letter(report_due_id: int):
    due = access.get_due_for_viewing(current_user, report_due_id)
    # Like every staff step on a report, never for a group the officer belongs or belonged to.
    access.check_conflict_free(current_user, due.award)
    return render_template(
        "monitoring/letters/letter.html",
        letter=reminders.letter_for(due, uk_today()),
        owed=reminders.is_owed(due),
        today=uk_today(),
    )
