"""Sending a report: the declaration, the lock, the stored PDF and the email to the programme
officers who may review it. (``services`` offers :func:`send` with the section savers.)"""

from __future__ import annotations

from collections.abc import Callable

from grants import audit, transaction
from grants.accounts.models import User
from grants.clock import utcnow
from grants.email import queue_email
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.monitoring import access, changes
from grants.monitoring.models import MonitoringReport
from grants.monitoring.report import pdf, sections
from grants.monitoring.states import REPORTS, SENT, Actor, ReportStatus
from grants.permissions import Role

LinkBuilder = Callable[[MonitoringReport], str]


class AlreadySent(DomainError):
    """Someone (or the same person, clicking twice) sent this report a moment ago."""


def declaration_problems(*, name: str | None, role: str | None, confirmed: bool) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["full_name"] = "Enter your full name"
    elif len(name.strip()) > 200:
        errors["full_name"] = "Name must be 200 characters or fewer"
    if not (role or "").strip():
        errors["role"] = "Enter your role in the group"
    elif len(role.strip()) > 200:
        errors["role"] = "Role must be 200 characters or fewer"
    if not confirmed:
        errors["confirm"] = "Confirm that the report is true and that you may send it"
    return errors


def send(
    actor: User,
    report: MonitoringReport,
    declaration_name: str | None,
    declaration_role: str | None,
    confirmed: bool,
    *,
    review_link: LinkBuilder | None = None,
) -> MonitoringReport:
    """Send the report for review (first time, or again after changes were asked for). It is
    locked, its PDF is stored, and the programme officers are told it waits for them."""
    access.check_may_write(actor, report.award)
    if report.status in SENT:
        raise AlreadySent("This report has already been sent")
    REPORTS.check(report.status, ReportStatus.SUBMITTED, Actor.GROUP)
    errors = declaration_problems(name=declaration_name, role=declaration_role, confirmed=confirmed)
    if errors:
        raise InvalidInput(errors)
    missing = sections.incomplete(report)
    if missing:
        raise DomainError("Complete these sections first: " + ", ".join(s.title for s in missing))
    if not transaction.claim(report, status=report.status):
        raise AlreadySent("This report has already been sent")
    before = report.audit_view()
    now = utcnow()
    report.status = ReportStatus.SUBMITTED
    report.declaration_name = declaration_name.strip()
    report.declaration_role = declaration_role.strip()
    report.submitted_at, report.submitted_by_id = now, actor.id
    report.first_submitted_at = report.first_submitted_at or now
    report.sent_count = (report.sent_count or 0) + 1
    db.session.flush()
    changes.mark_sent(actor, report)  # dates what the group asks to change, and tells finance
    document = pdf.store(actor, report)
    audit.record(
        actor,
        "monitoring_report.submitted",
        report,
        before=before,
        after={
            **report.audit_view(),
            "declaration_name": report.declaration_name,
            "declaration_role": report.declaration_role,
            "sha256": document.sha256,
        },
    )
    _tell_officers(actor, report, review_link(report) if review_link else "")
    return report


def reviewers_for(report: MonitoringReport, actor: User) -> list[User]:
    """Programme officers who could review it: free of the group, neither sender nor enterer."""
    return access.staff_free_of(
        Role.PROGRAMME_OFFICER, report.award, leaving_out=(actor.id, report.entered_by_id)
    )


def _tell_officers(actor: User, report: MonitoringReport, link: str) -> None:
    for officer in reviewers_for(report, actor):
        queue_email(
            officer.email,
            "A monitoring report is waiting for review",
            "report_sent_for_review",
            officer=officer,
            report=report,
            award=report.award,
            resent=report.sent_count > 1,
            link=link,
        )
