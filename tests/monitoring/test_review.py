"""Accepting a report, asking for changes and giving a report a new due date: what each releases,
whom it tells, and who is refused (grants.monitoring.review.services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.audit import AuditEvent
from grants.awards import payments
from grants.awards.finance_home import home_for
from grants.awards.models import ReleaseCondition, ReportKind
from grants.awards.states import AwardStatus, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.money import format_pence
from grants.monitoring.models import ReportReview
from grants.monitoring.review import services
from grants.monitoring.states import ReportStatus
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.factories import make_user
from tests.monitoring.factories import award_in_force, bare_report, report_due

pytestmark = pytest.mark.usefixtures("reference_data")
R = ReportStatus


def sent(ready, kind=ReportKind.INTERIM, **fields):
    """A report the group has sent (set directly: sending has tests of its own)."""
    report = bare_report(ready, kind)
    report.what_happened = "We ran twelve lunch sessions."
    report.status = R.SUBMITTED
    report.submitted_at = report.first_submitted_at = utcnow()
    report.submitted_by_id = ready.member.id
    report.sent_count = 1
    for name, value in fields.items():
        setattr(report, name, value)
    db.session.flush()
    return report


def officer():
    return make_user(Role.PROGRAMME_OFFICER)


def waiting_on(ready, kind=ReportKind.INTERIM):
    condition = {ReportKind.INTERIM: ReleaseCondition.INTERIM_REPORT,
                 ReportKind.FINAL: ReleaseCondition.FINAL_REPORT}[kind]  # fmt: skip
    return [p for p in ready.award.payments if p.release_condition == condition]


def audit_actions(obj) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(obj.id), AuditEvent.action.like("monitoring.%"))
            .order_by(AuditEvent.id)
        )
    )


# Accepting


def test_accepting_releases_exactly_the_waiting_instalment_which_finance_then_pays(outbox):
    ready = award_in_force()
    report = sent(ready)
    [waiting] = waiting_on(ready)
    others = [p for p in ready.award.payments if p is not waiting]
    assert not payments.condition_met(waiting)

    services.accept(officer(), report)

    assert report.status == R.ACCEPTED and report.accepted_at is not None
    assert report_due(ready).accepted_at is not None
    assert payments.condition_met(waiting)
    assert all(p.status == PaymentStatus.SCHEDULED for p in [waiting, *others])
    payments.raise_payment(ready.raiser, waiting)
    payments.approve(ready.approver, waiting)
    assert waiting.status == PaymentStatus.APPROVED
    [review] = report.reviews
    assert review.outcome == R.ACCEPTED


def test_the_final_instalment_still_waits_after_the_interim_report_is_accepted():
    ready = award_in_force()
    services.accept(officer(), sent(ready))
    for payment in waiting_on(ready, ReportKind.FINAL):
        assert not payments.condition_met(payment)
        with pytest.raises(DomainError):
            payments.raise_payment(ready.raiser, payment)


def test_accepting_tells_the_group_what_happens_next_and_finance_a_payment_is_ready(app, outbox):
    ready = award_in_force()
    report = sent(ready)
    [waiting] = waiting_on(ready)
    services.accept(
        officer(), report, links=services.Links(report="http://x/r", award="http://x/a")
    )
    transaction.commit()
    to = {message.to[0]: message for message in outbox}
    group = to[ready.member.email]
    assert "accepted" in group.subject
    assert format_pence(waiting.amount_pence) in group.body
    assert "finance team will now pay" in group.body
    for finance in (ready.raiser, ready.approver):
        assert "ready to raise" in to[finance.email].subject
        assert "http://x/a" in to[finance.email].body


def test_a_double_click_or_a_replayed_accept_has_no_second_effect():
    ready = award_in_force()
    report = sent(ready)
    person = officer()
    services.accept(person, report)
    first = report_due(ready).accepted_at
    with pytest.raises(DomainError, match="already been accepted"):
        services.accept(person, report)
    assert report_due(ready).accepted_at == first
    assert db.session.scalar(select(func.count()).select_from(ReportReview)) == 1
    assert audit_actions(report).count("monitoring.report_accepted") == 1


def test_a_report_is_not_accepted_before_its_award_is_in_force():
    ready = award_in_force()
    report = sent(ready)
    ready.award.status = AwardStatus.OFFERED
    db.session.flush()
    with pytest.raises(DomainError, match="in force"):
        services.accept(officer(), report)
    assert report.status == R.SUBMITTED and report_due(ready).accepted_at is None


@pytest.mark.parametrize("status", [R.DRAFT, R.CHANGES_REQUESTED])
def test_only_a_sent_report_can_be_accepted(status):
    ready = award_in_force()
    report = sent(ready, status=status)
    with pytest.raises(DomainError):
        services.accept(officer(), report)
    assert report.status == status and report_due(ready).accepted_at is None
    assert report.reviews == []


# Asking for changes


def test_asking_for_changes_needs_a_message():
    ready = award_in_force()
    report = sent(ready)
    for message in (None, "", "   \n"):
        with pytest.raises(InvalidInput) as refused:
            services.request_changes(officer(), report, message)
        assert refused.value.errors == {"message": "Enter what the group needs to change"}
    with pytest.raises(InvalidInput, match="5,000 characters"):
        services.request_changes(officer(), report, "x" * 5_001)
    assert report.status == R.SUBMITTED


def test_asking_for_changes_reopens_the_report_with_everything_kept_and_emails_the_group(outbox):
    ready = award_in_force()
    report = sent(ready, story="Mary came every week.", challenges="The hall flooded.")
    services.request_changes(
        officer(), report, "  Please add your spending on food.  ",
        links=services.Links(report="http://x/report"),
    )  # fmt: skip
    transaction.commit()
    assert report.status == R.CHANGES_REQUESTED and report.can_edit
    assert (report.what_happened, report.story, report.challenges) == (
        "We ran twelve lunch sessions.", "Mary came every week.", "The hall flooded.",
    )  # fmt: skip
    assert report.reviews[-1].message == "Please add your spending on food."
    assert report_due(ready).accepted_at is None
    [email] = [m for m in outbox if m.to == [ready.member.email] and "changes" in m.subject]
    assert "Please add your spending on food." in email.body and "http://x/report" in email.body
    with pytest.raises(DomainError, match="already been requested"):
        services.request_changes(officer(), report, "Again")
    assert len(report.reviews) == 1


# Conflicts


def _conflicted(ready, how):
    person = officer()
    if how == "entered":
        return person
    membership = Membership(organisation_id=ready.award.organisation_id, user_id=person.id)
    if how == "ex-member":
        membership.joined_at = ready.award.application.created_at - timedelta(days=30)
        membership.ended_at = utcnow()
    db.session.add(membership)
    db.session.flush()
    return person


@pytest.mark.parametrize("how", ["member", "ex-member", "entered"])
def test_a_conflicted_officer_is_refused_every_review_step(how):
    ready = award_in_force()
    person = _conflicted(ready, how)
    report = sent(ready, entered_by_id=person.id if how == "entered" else None)
    with pytest.raises(NotAllowed):
        services.accept(person, report)
    with pytest.raises(NotAllowed):
        services.request_changes(person, report, "Please change it")
    assert report.status == R.SUBMITTED and report.reviews == []
    if how != "entered":  # the officer who entered it may still move its date or start others
        due = report_due(ready)
        with pytest.raises(NotAllowed, match="You belong to"):
            services.new_due_date(person, due, uk_today() + timedelta(days=10), "Ill")
        with pytest.raises(NotAllowed, match="You belong to"):
            services.enter_for_group(person, report_due(ready, ReportKind.FINAL), "phone")


def test_only_programme_officers_review():
    ready = award_in_force()
    report = sent(ready)
    for person in (ready.raiser, ready.member, make_user()):
        with pytest.raises(NotAllowed):
            services.accept(person, report)


# A new due date


def test_a_new_due_date_moves_the_waiting_instalment_and_is_audited(outbox):
    ready = award_in_force()
    due = report_due(ready)
    [waiting] = waiting_on(ready)
    old_due, old_payment = due.due_on, waiting.due_on
    new = uk_today() + timedelta(days=45)
    services.new_due_date(officer(), due, new, "  The chair was in hospital  ")
    assert due.due_on == new
    assert waiting.due_on > new and waiting.due_on != old_payment
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "monitoring.report_due_moved")
    )
    assert event.before["due_on"] == old_due.isoformat()
    assert event.after["due_on"] == new.isoformat()
    assert event.after["reason"] == "The chair was in hospital"
    assert event.after["instalments_due"] != event.before["instalments_due"]


def test_a_new_due_date_needs_a_sensible_date_and_a_reason():
    ready = award_in_force()
    due = report_due(ready)
    today = uk_today()
    cases = {
        (None, "x"): "due_on",
        (today - timedelta(days=1), "x"): "due_on",
        (today + timedelta(days=5000), "x"): "due_on",
        (due.due_on, "x"): "due_on",
        (today + timedelta(days=3), " "): "reason",
        (today + timedelta(days=3), "x" * 1001): "reason",
    }
    for (day, reason), field in cases.items():
        with pytest.raises(InvalidInput) as refused:
            services.new_due_date(officer(), due, day, reason)
        assert field in refused.value.errors
    with pytest.raises(InvalidInput) as both:
        services.new_due_date(officer(), due, None, "")
    assert set(both.value.errors) == {"due_on", "reason"}


def test_an_accepted_report_keeps_its_due_date():
    ready = award_in_force()
    services.accept(officer(), sent(ready))
    with pytest.raises(DomainError, match="accepted"):
        services.new_due_date(officer(), report_due(ready), uk_today() + timedelta(days=9), "x")


# Entering a report for a group


def test_an_officer_starts_a_report_for_the_group_and_cannot_accept_it():
    ready = award_in_force()
    person = officer()
    report = services.enter_for_group(person, report_due(ready), "paper")
    assert report.entered_by_id == person.id and report.channel.value == "paper"
    assert audit_actions(report) == ["monitoring.report_entered"]
    with pytest.raises(DomainError, match="already been started"):
        services.enter_for_group(person, report_due(ready), "paper")
    report.status = R.SUBMITTED
    db.session.flush()
    with pytest.raises(NotAllowed, match="You entered this report"):
        services.accept(person, report)
    services.accept(officer(), report)  # a colleague may


@pytest.mark.parametrize("channel", ["online", "", None, "PHONE", "fax"])
def test_entering_needs_an_offline_channel(channel):
    ready = award_in_force()
    with pytest.raises(InvalidInput):
        services.enter_for_group(officer(), report_due(ready), channel)


# The final report closes the loop


def test_an_accepted_final_report_asks_finance_to_close_the_award(outbox):
    ready = award_in_force()
    services.accept(officer(), sent(ready))
    report = sent(ready, ReportKind.FINAL)
    services.accept(officer(), report)
    assert ready.award.status == AwardStatus.ACCEPTED  # never closed silently
    [section] = [s for s in home_for(ready.raiser).sections if s.key == "to_close"]
    assert [item.subject for item in section.items] == [ready.award]
    assert "close the award as completed" in section.items[0].waiting
    transaction.commit()
    finance = [m for m in outbox if m.to == [ready.raiser.email]]
    assert any("ready to close" in m.subject for m in finance)


def test_an_award_with_its_final_report_still_due_is_not_listed_to_close():
    ready = award_in_force()
    services.accept(officer(), sent(ready))
    [section] = [s for s in home_for(ready.raiser).sections if s.key == "to_close"]
    assert section.items == [] and section.count == 0


def test_a_report_sent_back_and_sent_again_can_then_be_accepted():
    ready = award_in_force()
    report = sent(ready)
    services.request_changes(officer(), report, "Add the receipts")
    report.status = R.SUBMITTED  # the group fixes it and sends it again
    db.session.flush()
    services.accept(officer(), report)
    assert [review.outcome for review in report.reviews] == [R.CHANGES_REQUESTED, R.ACCEPTED]
    assert all(payments.condition_met(p) for p in waiting_on(ready))


# Two officers (or one double click) at once


def _as(officer_id: int, report_id: int, action: str):
    from grants.accounts.models import User
    from grants.monitoring.models import MonitoringReport

    def prepare():
        person = db.session.get(User, officer_id)
        report = db.session.get(MonitoringReport, report_id)
        if action == "accept":
            return lambda: services.accept(person, report)
        return lambda: services.request_changes(person, report, "Add the receipts")

    return prepare


@pytest.mark.parametrize("second", ["accept", "changes"])
def test_two_decisions_at_once_make_one(app, second):
    from tests.concurrency import at_once

    ready = award_in_force()
    report = sent(ready)
    people = [officer().id, officer().id]
    transaction.commit()
    results = at_once(app, [_as(people[0], report.id, "accept"), _as(people[1], report.id, second)])
    assert sorted(type(result).__name__ for result in results) == ["DomainError", "NoneType"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ReportReview)) == 1
    accepted = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "award.report_accepted")
    )
    assert accepted == (1 if report_due(ready).accepted_at else 0)
