"""Reminders of reports due: ``flask send-reminders``, run daily.

A group is reminded of each report it still owes 14 days before its due date, on the day, and
7 days after. A run on a later day (the cron missed a day, or the due date moved) sends only the
latest stage that applies, once: never "due in 14 days" for a report already overdue.

Each reminder is a ``ReportReminder`` row, unique on (report due, due date, stage), inserted
before its email is queued, in the same transaction. A second run, or a second machine running
at the same moment, finds the row there (``ON CONFLICT DO NOTHING``) and sends nothing; a rolled
back run leaves neither row nor email. The key holds the due date, so a report given a new date
gets reminders of its own. A report sent (and not reopened for changes) is never reminded.

A group with no email address is recorded ``by_letter``: officers see it among the letters to
send (:func:`letters_due`), and print the letter from its page, to phone or write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import contains_eager, joinedload

from grants import audit
from grants.awards.models import Award, ReportDue, ReportKind
from grants.awards.pages import award_link
from grants.awards.states import IN_FORCE
from grants.clock import utcnow
from grants.email import queue_email
from grants.extensions import db
from grants.monitoring.models import MonitoringReport, ReportReminder
from grants.monitoring.states import SENT, ReminderStage
from grants.organisations.models import Organisation

# Days from the due date each stage is sent, latest first.
OFFSETS = {
    ReminderStage.AFTER: timedelta(days=7),
    ReminderStage.ON_THE_DAY: timedelta(days=0),
    ReminderStage.BEFORE: timedelta(days=-14),
}
EARLIEST = OFFSETS[ReminderStage.BEFORE]
SUBJECTS = {
    ReminderStage.BEFORE: "Your report is due in 2 weeks",
    ReminderStage.ON_THE_DAY: "Your report is due today",
    ReminderStage.AFTER: "Your report is overdue",
}
# What each kind of report asks, in the words of the email and the letter.
ASKS = {
    ReportKind.INTERIM: "how your project is going so far",
    ReportKind.FINAL: "what your project achieved now it has finished",
}

Link = Callable[[ReportDue], str]


def report_link(due: ReportDue) -> str:
    """Where the group starts or carries on with the report: its award's page, which lists the
    reports it owes."""
    return award_link(due.award)


def stage_on(due_on: date, today: date) -> ReminderStage | None:
    """The latest stage that applies today, or None when it is too early for any."""
    for stage, offset in OFFSETS.items():
        if today >= due_on + offset:
            return stage
    return None


def owed() -> Select:
    """Reports still owed: the award is in force, the report not accepted, and not sent (a
    report reopened for changes is owed again)."""
    return (
        select(ReportDue)
        .join(Award, Award.id == ReportDue.award_id)
        .outerjoin(MonitoringReport, MonitoringReport.report_due_id == ReportDue.id)
        .where(
            Award.status.in_(IN_FORCE),
            ReportDue.accepted_at.is_(None),
            or_(MonitoringReport.id.is_(None), MonitoringReport.status.not_in(SENT)),
        )
    )


def _record(due: ReportDue, stage: ReminderStage, by_letter: bool) -> bool:
    """Write the reminder's row unless it is already there: True if this run wrote it."""
    values = {
        "report_due_id": due.id,
        "due_on": due.due_on,
        "stage": stage.value,
        "by_letter": by_letter,
        "sent_at": utcnow(),
    }
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ReportReminder)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["report_due_id", "due_on", "stage"])
        .returning(ReportReminder.id)
    )
    return db.session.execute(statement).scalar() is not None


@dataclass
class Sent:
    emailed: list[ReportDue] = field(default_factory=list)
    by_letter: list[ReportDue] = field(default_factory=list)


def send_reminders(today: date, link_for: Link) -> Sent:
    """Remind every group of each report it owes, at the stage that applies today, once."""
    query = (
        owed()
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(ReportDue.due_on <= today - EARLIEST)
        .options(
            contains_eager(ReportDue.award)
            .joinedload(Award.organisation)
            .joinedload(Organisation.main_contact),
            contains_eager(ReportDue.award).joinedload(Award.application),
        )
        .order_by(ReportDue.due_on, ReportDue.id)
    )
    sent = Sent()
    for due in db.session.scalars(query).unique():
        stage = stage_on(due.due_on, today)
        if stage is None:
            continue
        organisation = due.award.organisation
        address = organisation.contact_email_address
        if not _record(due, stage, by_letter=not address):
            continue  # already sent, by an earlier run or another machine
        audit.record(
            None,
            "report.reminded",
            due,
            after={
                "stage": stage.value,
                "due_on": due.due_on.isoformat(),
                "by_letter": not address,
            },
            object_type="ReportDue",
        )
        if not address:
            sent.by_letter.append(due)
            continue
        queue_email(
            address,
            SUBJECTS[stage],
            f"report_reminder_{stage.value}",
            due=due,
            award=due.award,
            application=due.award.application,
            organisation=organisation,
            contact_name=organisation.contact_display_name,
            asks=ASKS[due.kind],
            days_late=(today - due.due_on).days,
            link=link_for(due),
        )
        sent.emailed.append(due)
    return sent


def letters_due() -> Select:
    """Reminders of groups with no email, to phone or write to: the latest for each report still
    owed, at its current due date, newest first (a query, for ``pagination.paginate``)."""
    latest = (
        select(func.max(ReportReminder.id))
        .join(ReportDue, ReportDue.id == ReportReminder.report_due_id)
        .where(ReportReminder.by_letter.is_(True), ReportReminder.due_on == ReportDue.due_on)
        .group_by(ReportReminder.report_due_id)
    )
    owed_ids = owed().with_only_columns(ReportDue.id)
    return (
        select(ReportReminder)
        .where(ReportReminder.id.in_(latest), ReportReminder.report_due_id.in_(owed_ids))
        .options(
            joinedload(ReportReminder.report_due)
            .joinedload(ReportDue.award)
            .joinedload(Award.organisation),
            joinedload(ReportReminder.report_due)
            .joinedload(ReportDue.award)
            .joinedload(Award.application),
        )
        .order_by(ReportReminder.sent_at.desc(), ReportReminder.id.desc())
    )


@dataclass
class Letter:
    """What the printed letter says: to whom, where, and about which report."""

    due: ReportDue
    stage: ReminderStage | None
    recipient: list[str]
    asks: str
    days_late: int


def letter_for(due: ReportDue, today: date) -> Letter:
    """The letter for a report due, at the stage of its latest reminder (or today's stage)."""
    reminder = db.session.scalar(
        select(ReportReminder)
        .where(and_(ReportReminder.report_due_id == due.id, ReportReminder.due_on == due.due_on))
        .order_by(ReportReminder.id.desc())
        .limit(1)
    )
    organisation = due.award.organisation
    name = organisation.contact_display_name
    lines = [
        name or f"The secretary, {organisation.name}",
        organisation.name if name else None,
        organisation.address_line_1,
        organisation.address_line_2,
        organisation.town,
        organisation.postcode,
    ]
    return Letter(
        due=due,
        stage=reminder.stage if reminder else stage_on(due.due_on, today),
        recipient=[line for line in lines if line],
        asks=ASKS[due.kind],
        days_late=(today - due.due_on).days,
    )


def is_owed(due: ReportDue) -> bool:
    return (
        db.session.scalar(owed().with_only_columns(ReportDue.id).where(ReportDue.id == due.id))
        is not None
    )
