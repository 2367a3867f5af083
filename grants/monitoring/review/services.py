"""Officers' decisions on a group's monitoring report: accept it, ask for changes, give a late
report a new due date, and start a report for a group that reports by phone, on paper or in
person.

Accepting a report releases, in the same transaction, the instalment that waits on it
(``awards.services.record_report_accepted``; ``awards.payments.condition_met`` then lets finance
raise it). Each decision claims the report's row at the status it was read with
(``grants.transaction.claim``), so a double click or a replayed POST has no second effect: the
second request is told what the first one did. Accepting a final report never closes the award:
it asks finance to, on their home page and by email.

Who may act is ``monitoring.access``'s answer: a programme officer free of the group, who did
not enter the report themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from grants import audit
from grants.accounts.models import User
from grants.applications.models import Channel
from grants.applications.services import email_group
from grants.awards import services as awards
from grants.awards.models import REPORT_FOR_CONDITION, Payment, ReportDue, ReportKind
from grants.awards.states import IN_FORCE, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.email import queue_email
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.formatting import long_date
from grants.monitoring import access
from grants.monitoring.models import MonitoringReport, ReportReview
from grants.monitoring.setup.templates import version_for
from grants.monitoring.states import REPORTS, Actor, ReportStatus
from grants.permissions import Permission, Role
from grants.transaction import claim

R = ReportStatus
MESSAGE_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = 1_000
# A new due date further off than this is a typing mistake, not a plan.
LATEST_DUE = timedelta(days=2 * 366)
ASSISTED_CHANNELS = tuple(channel for channel in Channel if channel != Channel.ONLINE)

# What a repeated click, or a second officer a moment later, is told.
ALREADY = {
    R.ACCEPTED: "This report has already been accepted",
    R.CHANGES_REQUESTED: "Changes have already been requested: the group is working on the report",
    R.DRAFT: "The group has not sent this report yet",
}
NOT_IN_FORCE = (
    "This report cannot be accepted until the grant agreement is in force: a report accepted "
    "before its award is in force is refused"
)


@dataclass(frozen=True)
class Links:
    """Addresses for the emails (services never build URLs): the group's report, the award's
    page for finance."""

    report: str | None = None
    award: str | None = None


def waiting_instalments(due: ReportDue) -> list[Payment]:
    """The scheduled instalments this report releases when accepted."""
    return [
        payment
        for payment in due.award.payments
        if REPORT_FOR_CONDITION.get(payment.release_condition) == due.kind
        and payment.status == PaymentStatus.SCHEDULED
    ]


def _refusal(report: MonitoringReport) -> DomainError:
    return DomainError(ALREADY.get(report.status, "This report has changed: check it again"))


def _claim_sent(report: MonitoringReport) -> None:
    """Hold the report while it is still sent and waiting for review, or say what happened."""
    if report.status != R.SUBMITTED:
        raise _refusal(report)
    if not claim(report, status=R.SUBMITTED):
        db.session.refresh(report)
        raise _refusal(report)


def _review(actor: User, report: MonitoringReport, outcome: ReportStatus, message=None):
    REPORTS.check(report.status, outcome, Actor.OFFICER)
    review = ReportReview(
        report_id=report.id, outcome=outcome, message=message, reviewed_by_id=actor.id
    )
    db.session.add(review)
    return review


def accept(actor: User, report: MonitoringReport, *, links: Links = Links()) -> MonitoringReport:
    """Accept a sent report: the instalment waiting on it becomes raisable in this transaction;
    the group hears what happens next and finance that a payment is ready (or, for a final
    report, that the award is ready to close)."""
    access.check_may_review(actor, report)
    if report.award.status not in IN_FORCE:
        raise DomainError(NOT_IN_FORCE)
    _claim_sent(report)
    before = report.audit_view()
    _review(actor, report, R.ACCEPTED)
    report.status = R.ACCEPTED
    report.accepted_at = utcnow()
    report.accepted_by_id = actor.id
    db.session.flush()
    due = report.report_due
    released = waiting_instalments(due)
    awards.record_report_accepted(actor, due)
    audit.record(
        actor,
        "monitoring.report_accepted",
        report,
        before=before,
        after={**report.audit_view(), "released_payment_ids": [p.id for p in released]},
    )
    _tell_accepted(report, released, links)
    return report


def _tell_accepted(report: MonitoringReport, released: list[Payment], links: Links) -> None:
    award, final = report.award, report.kind == ReportKind.FINAL
    email_group(
        award.application,
        "Your report has been accepted",
        "report_accepted",
        award=award,
        report=report,
        released=released,
        final=final,
        link=links.report,
    )
    if not released and not final:
        return
    subject = (
        "A final report was accepted: the award is ready to close"
        if final
        else ("A report was accepted: a payment is ready to raise")
    )
    for officer in access.staff_free_of(Role.FINANCE_OFFICER, award):
        queue_email(
            officer.email,
            subject,
            "report_accepted_finance",
            officer=officer,
            award=award,
            report=report,
            released=released,
            final=final,
            link=links.award,
        )


def _message(message: str | None) -> str:
    text = (message or "").strip()
    if not text:
        raise InvalidInput({"message": "Enter what the group needs to change"})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(
            {"message": f"The message must be {MESSAGE_MAX_LENGTH:,} characters or fewer"}
        )
    return text


def request_changes(
    actor: User, report: MonitoringReport, message: str | None, *, links: Links = Links()
) -> MonitoringReport:
    """Send the report back to the group with a message. It reopens with everything they typed
    kept; they change what was asked and send it again."""
    access.check_may_review(actor, report)
    text = _message(message)
    _claim_sent(report)
    before = report.audit_view()
    _review(actor, report, R.CHANGES_REQUESTED, text)
    report.status = R.CHANGES_REQUESTED
    db.session.flush()
    audit.record(
        actor,
        "monitoring.report_changes_requested",
        report,
        before=before,
        after={**report.audit_view(), "message": text},
    )
    email_group(
        report.award.application,
        "Please make some changes to your report",
        "report_changes_requested",
        award=report.award,
        report=report,
        message=text,
        link=links.report,
    )
    return report


def check_may_reschedule(actor: User, due: ReportDue) -> None:
    if not actor.can(Permission.REVIEW_REPORTS):
        raise NotAllowed("Only programme officers can give a report a new due date")
    access.check_conflict_free(actor, due.award)


def due_date_errors(due: ReportDue, due_on: date | None, reason: str | None) -> dict[str, str]:
    today, errors = uk_today(), {}
    if due_on is None:
        errors["due_on"] = "Enter the new due date"
    elif due_on < today:
        errors["due_on"] = "The new due date must be today or in the future"
    elif due_on > today + LATEST_DUE:
        errors["due_on"] = f"The new due date must be before {long_date(today + LATEST_DUE)}"
    elif due_on == due.due_on:
        errors["due_on"] = f"The report is already due on {long_date(due_on)}: enter a new date"
    text = (reason or "").strip()
    if not text:
        errors["reason"] = "Enter why the report has a new due date"
    elif len(text) > REASON_MAX_LENGTH:
        errors["reason"] = f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"
    return errors


def _due_view(due: ReportDue) -> dict:
    return {
        "report": due.kind.value,
        "due_on": due.due_on.isoformat(),
        "instalments_due": {str(p.number): p.due_on.isoformat() for p in waiting_instalments(due)},
    }


def new_due_date(
    actor: User, due: ReportDue, due_on: date | None, reason: str | None, *, link=None
) -> ReportDue:
    """Give a report (late, or not yet accepted) a new due date, with a reason. The instalment
    waiting on it moves with it (``awards.services.move_report_due``); reminders follow the new
    date, because they are kept by due date."""
    check_may_reschedule(actor, due)
    if due.accepted_at is not None:
        raise DomainError("This report has been accepted, so its due date stays as it was")
    errors = due_date_errors(due, due_on, reason)
    if errors:
        raise InvalidInput(errors)
    old = due.due_on
    if not claim(due, due_on=old, accepted_at=None):  # in order with a second click
        db.session.refresh(due)
        raise DomainError("This report's due date has just changed: check it again")
    before = _due_view(due)
    awards.move_report_due(due, due_on)
    audit.record(
        actor,
        "monitoring.report_due_moved",
        due,
        before=before,
        after={**_due_view(due), "reason": reason.strip()},
    )
    email_group(
        due.award.application,
        "Your report has a new due date",
        "report_due_moved",
        award=due.award,
        due=due,
        old_due_on=old,
        reason=reason.strip(),
        link=link,
    )
    return due


def report_for(due: ReportDue) -> MonitoringReport | None:
    return db.session.scalar(
        select(MonitoringReport).where(MonitoringReport.report_due_id == due.id)
    )


def _start_in_report(actor: User, due: ReportDue, channel: Channel):
    """The group's form's own start, when it is there; None otherwise."""
    try:
        from grants.monitoring.report import services as report_services
    except ImportError:
        return None
    start = getattr(report_services, "start", None)
    return start(actor, due, channel=channel) if start else None


def enter_for_group(actor: User, due: ReportDue, channel: Channel | str | None) -> MonitoringReport:
    """An officer starts the group's report for them, recording how it reached them (phone, on
    paper, in person...). They may then type it in, but another officer must review it."""
    if not actor.can(Permission.REVIEW_REPORTS):
        raise NotAllowed("Only programme officers can enter a report for a group")
    access.check_conflict_free(actor, due.award)
    if channel not in {c.value for c in ASSISTED_CHANNELS}:
        raise InvalidInput({"channel": "Select how the report reached you"})
    channel = Channel(channel)
    if due.award.status not in IN_FORCE:
        raise DomainError("Reports can be entered once the grant agreement is in force")
    if not claim(due, award_id=due.award_id):  # in order with a second click
        raise DomainError("This report could not be started: try again")
    if report_for(due) is not None:
        raise DomainError("This report has already been started")
    started = _start_in_report(actor, due, channel)
    if started is not None:
        return started
    report = MonitoringReport(
        report_due_id=due.id,
        award_id=due.award_id,
        template_version_id=version_for(due.award.round_id, due.kind).id,
        started_by_id=actor.id,
        entered_by_id=actor.id,
        channel=channel,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        actor,
        "monitoring.report_entered",
        report,
        after={**report.audit_view(), "entered_by_id": actor.id},
    )
    return report
