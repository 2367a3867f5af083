"""Who may see and act on a monitoring report: the one answer every monitoring page asks.

- a report is seen by the group's members and by staff who see every group, exactly as
  ``awards.access`` decides for its award; anyone else learns nothing (NotFound);
- the group's members write and send it; a programme officer (REVIEW_REPORTS) may enter it for
  the group (phone, paper, in person);
- a programme officer reviews it, never for a group they belong to or have belonged to since the
  application was made (``grants.applications.conflicts``), and never one they entered
  themselves;
- a finance officer answers the changes a group asks for (``awards.access.check_finance``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from grants.accounts.models import User, UserRole
from grants.applications.conflicts import belongs_or_belonged, check_no_conflict
from grants.awards import access as award_access
from grants.awards.models import Award, ReportDue
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db
from grants.monitoring.models import MonitoringReport
from grants.permissions import Permission, Role

ENTERED_IT = "You entered this report for the group, so another programme officer must review it"


def can_view(user: User, award: Award) -> bool:
    return award_access.can_view(user, award)


def get_due_for_viewing(user: User, report_due_id: int) -> ReportDue:
    """The report due, if this person may see its award (NotFound otherwise)."""
    due = db.session.get(ReportDue, check_id(report_due_id))
    if due is None or not can_view(user, due.award):
        raise NotFound("Report not found")
    return due


def get_for_viewing(user: User, report_id: int) -> MonitoringReport:
    report = db.session.get(MonitoringReport, check_id(report_id))
    if report is None or not can_view(user, report.award):
        raise NotFound("Report not found")
    return report


def may_enter_for_group(user: User, award: Award) -> bool:
    """An officer taking the report by phone, on paper or in person."""
    if not user.can(Permission.REVIEW_REPORTS):
        return False
    return check_conflict_free(user, award, raise_error=False)


def check_may_write(user: User, award: Award) -> None:
    """The group's members write their report; an officer may enter it for them."""
    if award_access.is_group_member(user, award):
        return
    if user.can(Permission.REVIEW_REPORTS):
        check_no_conflict(user, award.application, "enter a report for", "programme officer")
        return
    raise NotAllowed("Only a member of the group can write this report")


LOCKED = "This report has been sent, so it can no longer be changed"


def check_may_edit(user: User, report: MonitoringReport) -> None:
    """Someone who may write the report, while it is still open to them (a draft, or sent back
    for changes): every section's saver asks this."""
    check_may_write(user, report.award)
    if not report.can_edit:
        raise DomainError(LOCKED)


def check_conflict_free(user: User, award: Award, *, raise_error: bool = True) -> bool:
    try:
        check_no_conflict(user, award.application, "review the reports of", "programme officer")
    except NotAllowed:
        if raise_error:
            raise
        return False
    return True


def check_may_review(user: User, report: MonitoringReport) -> None:
    """A programme officer free of the group, who did not enter the report themselves."""
    if not user.can(Permission.REVIEW_REPORTS):
        raise NotAllowed("Only programme officers can review reports")
    check_conflict_free(user, report.award)
    if report.entered_by_id == user.id:
        raise NotAllowed(ENTERED_IT)


def check_finance(user: User, report: MonitoringReport) -> None:
    """A finance officer free of the group: they answer what the group asked to change."""
    award_access.check_finance(user, report.award)


# The largest id an Integer id column holds. A larger id in a URL names no row; PostgreSQL would
# refuse to compare it with the column rather than find nothing, so it is answered here.
LARGEST_ID = 2**31 - 1


def check_id(record_id: int) -> int:
    """``record_id``, or NotFound when it is beyond any row's id."""
    if not 0 < record_id <= LARGEST_ID:
        raise NotFound("Not found")
    return record_id


def staff_free_of(
    role: Role, award: Award, *, leaving_out: Iterable[int | None] = ()
) -> list[User]:
    """Active people with ``role`` who may act on this award's reports: never anyone in the
    group now or since its application was made (the conflict rule), nor ``leaving_out`` (the
    sender, the officer who entered it). Whoever gets new work from a report is told through
    this, so nobody is emailed work they would be refused."""
    skip = set(leaving_out)
    people = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, User.is_active_account)
        .distinct()
        .order_by(User.id)
    )
    return [
        person
        for person in people
        if person.id not in skip and not belongs_or_belonged(person, award.application)
    ]
