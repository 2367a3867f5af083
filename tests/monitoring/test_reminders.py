"""Reminders of reports due: once per stage and due date, never for a report sent, a moved date
gets its own, and a group without email is listed to phone or write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.audit import AuditEvent
from grants.awards import services as award_services
from grants.awards.states import AwardStatus
from grants.clock import uk_today
from grants.email import OutboundEmail
from grants.extensions import db
from grants.monitoring import reminders
from grants.monitoring.models import ReportReminder
from grants.monitoring.states import ReminderStage, ReportStatus
from tests.concurrency import at_once, postgresql_only
from tests.monitoring.factories import award_in_force, bare_report, report_due

pytestmark = pytest.mark.usefixtures("reference_data")
DAY = timedelta(days=1)


@pytest.fixture
def ready():
    return award_in_force()


def link(due) -> str:
    return f"https://grants.example.org/awards/{due.award_id}"


def run(day):
    return reminders.send_reminders(day, link)


def emails_to(address: str) -> list[OutboundEmail]:
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(OutboundEmail.recipient == address, OutboundEmail.subject.like("Your report%"))
            .order_by(OutboundEmail.id)
        )
    )


def stages(due) -> list[tuple]:
    return list(
        db.session.execute(
            select(ReportReminder.due_on, ReportReminder.stage)
            .where(ReportReminder.report_due_id == due.id)
            .order_by(ReportReminder.id)
        )
    )


def test_each_stage_falls_on_its_day():
    due_on = uk_today()
    assert reminders.stage_on(due_on, due_on - 15 * DAY) is None
    assert reminders.stage_on(due_on, due_on - 14 * DAY) == ReminderStage.BEFORE
    assert reminders.stage_on(due_on, due_on - DAY) == ReminderStage.BEFORE
    assert reminders.stage_on(due_on, due_on) == ReminderStage.ON_THE_DAY
    assert reminders.stage_on(due_on, due_on + 6 * DAY) == ReminderStage.ON_THE_DAY
    assert reminders.stage_on(due_on, due_on + 7 * DAY) == ReminderStage.AFTER
    assert reminders.stage_on(due_on, due_on + 90 * DAY) == ReminderStage.AFTER


def test_run_twice_one_email(ready):
    due = report_due(ready)
    day = due.due_on - 14 * DAY
    first, second = run(day), run(day)
    assert first.emailed == [due] and second.emailed == []
    mails = emails_to(ready.member.email)
    assert len(mails) == 1
    assert mails[0].subject.startswith("Your report is due in 2 weeks")
    body = mails[0].body
    assert f"{due.due_on.day} {due.due_on:%B %Y}" in body
    assert "how your project is going so far" in body and link(due) in body
    assert stages(due) == [(due.due_on, ReminderStage.BEFORE)]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.reminded")
    ).one()
    assert event.object_id == str(due.id) and event.after["stage"] == "before"


def test_each_stage_is_sent_once_on_its_own_day(ready):
    due = report_due(ready)
    for offset in range(-20, 30):
        run(due.due_on + offset * DAY)
    assert [stage for _, stage in stages(due)] == [
        ReminderStage.BEFORE,
        ReminderStage.ON_THE_DAY,
        ReminderStage.AFTER,
    ]
    assert len(emails_to(ready.member.email)) == 3


def test_a_missed_day_sends_only_the_latest_stage(ready):
    """The cron did not run for weeks: no "due in 2 weeks" for a report already overdue."""
    due = report_due(ready)
    run(due.due_on + 10 * DAY)
    assert stages(due) == [(due.due_on, ReminderStage.AFTER)]
    assert emails_to(ready.member.email)[0].subject.startswith("Your report is overdue")
    assert "10 days ago" in emails_to(ready.member.email)[0].body


def test_a_moved_due_date_gets_reminders_of_its_own(ready):
    due = report_due(ready)
    old = due.due_on
    run(old)
    award_services.move_report_due(due, old + 30 * DAY)
    run(old + 16 * DAY)  # 14 days before the new date
    assert stages(due) == [
        (old, ReminderStage.ON_THE_DAY),
        (old + 30 * DAY, ReminderStage.BEFORE),
    ]
    assert len(emails_to(ready.member.email)) == 2


def test_a_sent_report_is_never_reminded(ready):
    due = report_due(ready)
    report = bare_report(ready)
    for status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        report.status = status
        db.session.flush()
        assert run(due.due_on).emailed == [] and run(due.due_on + 8 * DAY).emailed == []
    assert stages(due) == [] and emails_to(ready.member.email) == []


def test_a_draft_is_reminded_and_changes_requested_is_reminded_again(ready):
    due = report_due(ready)
    report = bare_report(ready)
    assert run(due.due_on).emailed == [due]  # started is not sent
    report.status = ReportStatus.SUBMITTED
    db.session.flush()
    assert run(due.due_on + 7 * DAY).emailed == []
    report.status = ReportStatus.CHANGES_REQUESTED
    db.session.flush()
    assert run(due.due_on + 8 * DAY).emailed == [due]


def test_an_accepted_report_or_an_award_not_in_force_is_not_reminded(ready):
    due = report_due(ready)
    due.accepted_at = due.award.accepted_at
    db.session.flush()
    assert run(due.due_on).emailed == []
    due.accepted_at = None
    ready.award.status = AwardStatus.CLOSED_EARLY
    db.session.flush()
    assert run(due.due_on).emailed == []


def no_email(ready):
    organisation = ready.award.organisation
    organisation.main_contact_id = None
    organisation.contact_name = "Pat Phone"
    organisation.contact_phone = "01942 000000"
    organisation.contact_email = None
    db.session.flush()
    return organisation


def test_a_group_without_email_is_recorded_as_a_letter_and_listed(ready):
    no_email(ready)
    due = report_due(ready)
    sent = run(due.due_on)
    assert sent.emailed == [] and sent.by_letter == [due]
    count = select(func.count(OutboundEmail.id)).where(OutboundEmail.subject.like("Your report%"))
    assert db.session.scalar(count) == 0
    listed = list(db.session.scalars(reminders.letters_due()).unique())
    assert [r.report_due_id for r in listed] == [due.id] and listed[0].by_letter
    assert run(due.due_on).by_letter == []  # once
    run(due.due_on + 7 * DAY)
    listed = list(db.session.scalars(reminders.letters_due()).unique())
    assert [r.stage for r in listed] == [ReminderStage.AFTER]  # the latest, one per report
    bare_report(ready).status = ReportStatus.SUBMITTED
    db.session.flush()
    assert list(db.session.scalars(reminders.letters_due())) == []  # sent: nothing to write


def test_the_command_prints_what_it_sent(ready, runner, outbox):
    due = report_due(ready)
    award_services.move_report_due(due, uk_today() + 14 * DAY)
    transaction.commit()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Report reminders emailed: 1." in result.output
    assert "To phone or write (no email address): 0." in result.output
    sent = [m for m in outbox if m.subject.startswith("Your report")]
    assert [m.to for m in sent] == [[ready.member.email]]
    assert f"/awards/{due.award_id}" in sent[0].body
    again = runner.invoke(args=["send-reminders"])
    assert "Report reminders emailed: 0." in again.output
    assert len([m for m in outbox if m.subject.startswith("Your report")]) == 1


def test_two_machines_at_once_send_one_reminder(app, ready):
    """Both find the reminder unsent and insert it: the unique key lets one through (PostgreSQL)."""
    postgresql_only()

    due = report_due(ready)
    day, address = due.due_on, ready.member.email
    transaction.commit()

    def prepare():
        return lambda: run(day)

    assert at_once(app, [prepare, prepare]) == [None, None]
    db.session.expire_all()
    assert len(stages(due)) == 1 and len(emails_to(address)) == 1
