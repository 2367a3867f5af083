"""The group's report services: starting is idempotent and only while the agreement is in force,
a report keeps the template version it started on, sending locks it, and changes requested
reopen it with everything kept; ids from another application are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.applications.models import Channel
from grants.audit import AuditEvent
from grants.awards.models import ReportKind
from grants.awards.states import AwardStatus
from grants.clock import utcnow
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.monitoring.models import MonitoringReport, ReportTemplateVersion
from grants.monitoring.report import sections, services
from grants.monitoring.setup.templates import template_for
from grants.monitoring.states import ReportStatus
from grants.permissions import Role
from tests.concurrency import at_once, postgresql_only
from tests.factories import make_user
from tests.monitoring.factories import report_due
from tests.monitoring.report_world import fill, started, world

pytestmark = pytest.mark.usefixtures("reference_data")


def _send(w, report):
    return services.send(w.member, report, "Sam Member", "Chair", True)


def test_starting_twice_gives_the_same_report():
    w = world()
    first = started(w)
    second = started(w)
    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(MonitoringReport)) == 1
    assert first.status == ReportStatus.DRAFT and first.entered_by_id is None
    assert first.channel == Channel.ONLINE


def test_a_start_that_loses_the_race_returns_the_winners_report():
    """Two starts at once: the second's insert hits the unique constraint and gets the first's."""
    w = world()
    due = report_due(w.ready)
    winner = started(w)
    transaction.commit()
    original = services.existing_for
    calls = []

    def not_yet(report_due):  # the second start looked before the first had committed
        calls.append(report_due.id)
        return None if len(calls) == 1 else original(report_due)

    services.existing_for = not_yet
    try:
        loser = services.start(w.member, due)
    finally:
        services.existing_for = original
    assert loser.id == winner.id
    assert db.session.scalar(select(func.count()).select_from(MonitoringReport)) == 1


@pytest.mark.parametrize(
    "status", [AwardStatus.PREPARING, AwardStatus.OFFERED, AwardStatus.COMPLETED]
)
def test_a_report_can_only_be_started_while_the_agreement_is_in_force(status):
    w = world()
    w.ready.award.status = status
    with pytest.raises(DomainError, match="in force"):
        started(w)


def test_an_accepted_report_due_cannot_be_started():
    w = world()
    report_due(w.ready).accepted_at = utcnow()
    with pytest.raises(DomainError, match="already been accepted"):
        started(w)


def test_only_the_group_or_an_officer_may_start_it():
    w = world()
    due = report_due(w.ready)
    for outsider in (make_user(), make_user(Role.FINANCE_OFFICER), make_user(Role.PANEL_MEMBER)):
        with pytest.raises(NotAllowed):
            services.start(outsider, due)


def test_an_officer_entering_it_records_the_channel_and_who_entered_it():
    w = world()
    officer = make_user(Role.PROGRAMME_OFFICER)
    with pytest.raises(DomainError, match="how the group gave you"):
        services.start(officer, report_due(w.ready))
    report = services.start(officer, report_due(w.ready), channel=Channel.PHONE)
    assert report.entered_by_id == officer.id and report.is_assisted
    assert report.channel == Channel.PHONE
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "monitoring.report_entered")
    )
    assert event.actor_id == officer.id and event.after["channel"] == "phone"
    assert event.after["entered_by_id"] == officer.id


def test_a_member_always_reports_online():
    w = world()
    report = services.start(w.member, report_due(w.ready), channel=Channel.PAPER)
    assert report.channel == Channel.ONLINE and report.entered_by_id is None


def test_a_report_keeps_the_template_version_it_started_on():
    w = world()
    report = started(w, ReportKind.FINAL)
    old_keys = [q.id for q in sections.questions_of(report)]
    assert old_keys == ["next"]
    template = template_for(w.ready.award.round_id, ReportKind.FINAL)
    db.session.add(
        ReportTemplateVersion(
            template_id=template.id,
            number=2,
            questions=[
                {"key": "volunteers", "kind": "number", "label": "How many volunteers?",
                 "hint": "", "required": True, "word_limit": None, "options": []}
            ],
        )
    )  # fmt: skip
    db.session.flush()
    db.session.expire_all()
    report = db.session.get(MonitoringReport, report.id)
    assert [q.id for q in sections.questions_of(report)] == old_keys
    assert report.template_version.number == 1
    services.save_answers(w.member, report, {"next": "Carry on", "volunteers": 5})
    assert report.answers == {"next": "Carry on"}  # the new version's question is not asked
    interim_later = started(w, ReportKind.INTERIM)
    assert interim_later.template_version.template.kind == ReportKind.INTERIM


def test_each_save_records_its_section_and_is_audited():
    w = world()
    report = started(w)
    services.save_what_happened(w.member, report, "  We met weekly.  ")
    assert report.what_happened == "We met weekly."
    assert report.sections_saved == ["what_happened"]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "monitoring_report.what_happened_saved")
    ).one()
    assert (
        event.after["what_happened"] == "We met weekly." and event.before["what_happened"] is None
    )


def test_what_happened_needs_words_or_a_recording():
    w = world()
    report = started(w)
    with pytest.raises(DomainError, match="or send a recording"):
        services.save_what_happened(w.member, report, "   ")
    with pytest.raises(DomainError, match="1,000 words"):
        services.save_what_happened(w.member, report, "word " * 1001)


def test_sending_locks_the_report_and_stores_its_pdf(outbox):
    w = world()
    officer = make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")
    report = fill(w, started(w))
    assert not sections.incomplete(report)
    _send(w, report)
    assert report.status == ReportStatus.SUBMITTED and report.sent_count == 1
    assert report.first_submitted_at == report.submitted_at
    assert [d.version for d in report.documents] == [1]
    for save in (
        lambda: services.save_what_happened(w.member, report, "Changed"),
        lambda: services.save_spending(w.member, report, {w.food.id: (1, None)}),
        lambda: services.save_answers(w.member, report, {}),
    ):
        with pytest.raises(DomainError, match="can no longer be changed"):
            save()
    with pytest.raises(services.AlreadySent):
        _send(w, report)
    outbox.clear()
    transaction.commit()
    told = {m.to[0] for m in outbox if "waiting for review" in m.subject}
    assert told == {officer.email, w.ready.funded.officer.email}
    body = next(m.body for m in outbox if m.to == [officer.email])
    assert "Sam Member (Chair)" in body and "Dear Olu Officer" in body


def test_sending_needs_every_required_section_and_the_declaration():
    w = world()
    report = started(w)
    services.save_what_happened(w.member, report, "Things happened")
    with pytest.raises(InvalidInput) as refused:
        services.send(w.member, report, " ", "", False)
    assert set(refused.value.errors) == {"full_name", "role", "confirm"}
    with pytest.raises(DomainError, match="Spending, People and outcomes, Challenges"):
        _send(w, report)
    assert report.status == ReportStatus.DRAFT


def test_changes_requested_reopens_the_report_with_everything_kept():
    w = world()
    report = fill(w, started(w))
    _send(w, report)
    first_sent = report.first_submitted_at
    report.status = ReportStatus.CHANGES_REQUESTED  # as an officer's review would
    db.session.flush()
    assert report.can_edit
    assert report.what_happened == "We ran twelve lunch sessions."
    assert {s.budget_line_id: s.spent_pence for s in report.spending} == {
        w.food.id: 150_000,
        w.venue.id: 40_000,
    }
    assert report.reach == {"young_people": 30, "families": 12}
    services.save_what_happened(w.member, report, "We ran fourteen sessions in the end.")
    _send(w, report)
    assert report.sent_count == 2 and report.status == ReportStatus.SUBMITTED
    assert [d.version for d in report.documents] == [1, 2]
    # a resend keeps the first date (compared without the zone SQLite does not keep)
    assert report.first_submitted_at.replace(tzinfo=None) == first_sent.replace(tzinfo=None)


def test_another_applications_budget_lines_and_outcomes_are_refused():
    w, other = world(), world()
    report = started(w)
    with pytest.raises(DomainError, match="this project's budget"):
        services.save_spending(w.member, report, {other.food.id: (100, None)})
    with pytest.raises(DomainError, match="this project's outcomes"):
        services.save_outcomes(
            w.member,
            report,
            reach={"young_people": 1, "families": 1},
            values={other.own.id: (None, None, "Theirs")},
        )
    with pytest.raises(DomainError, match="groups your application named"):
        services.save_outcomes(w.member, report, reach={"older_people": 3}, values={})
    assert report.spending == [] and report.outcome_values == []


def test_outcomes_are_all_answered_or_nothing_is_saved():
    w = world()
    report = started(w)
    with pytest.raises(InvalidInput) as refused:
        services.save_outcomes(
            w.member,
            report,
            reach={"young_people": -1},
            values={w.measured.id: (None, "x" * 2001, None)},
        )
    assert set(refused.value.errors) == {
        "reach_young_people",
        "reach_families",
        f"actual_{w.measured.id}",
        f"comment_{w.measured.id}",
        f"progress_{w.own.id}",
    }
    assert report.reach == {} and report.outcome_values == []


def test_spending_keeps_what_was_given_and_checks_shapes():
    w = world()
    report = started(w)
    with pytest.raises(InvalidInput) as refused:
        services.save_spending(w.member, report, {w.food.id: (-1, "x" * 1001)})
    assert set(refused.value.errors) == {f"spent_{w.food.id}", f"explanation_{w.food.id}"}
    services.save_spending(w.member, report, {w.food.id: (1_000, " "), w.venue.id: (None, None)})
    assert [(s.budget_line_id, s.spent_pence, s.explanation) for s in report.spending] == [
        (w.food.id, 1_000, None)
    ]
    services.save_spending(w.member, report, {w.food.id: (None, None)})
    assert report.spending == []


def test_two_starts_at_once_make_one_report(app):
    postgresql_only()
    from grants.accounts.models import User
    from grants.awards.models import ReportDue

    w = world()
    template_for(
        w.ready.award.round_id, ReportKind.INTERIM
    )  # made first: that race is tested apart
    due_id, member_id = report_due(w.ready).id, w.member.id
    transaction.commit()

    def prepare():
        member, due = db.session.get(User, member_id), db.session.get(ReportDue, due_id)
        return lambda: services.start(member, due)

    assert at_once(app, [prepare, prepare]) == [None, None]
    assert db.session.scalar(select(func.count()).select_from(MonitoringReport)) == 1


def test_two_sends_at_once_send_once(app):
    postgresql_only()
    from grants.accounts.models import User

    w = world()
    report_id, member_id = fill(w, started(w)).id, w.member.id
    transaction.commit()

    def prepare():
        member, report = (
            db.session.get(User, member_id),
            db.session.get(MonitoringReport, report_id),
        )
        return lambda: services.send(member, report, "Sam Member", "Chair", True)

    results = at_once(app, [prepare, prepare])
    assert sorted(type(r).__name__ for r in results) == ["AlreadySent", "NoneType"]
    db.session.expire_all()
    report = db.session.get(MonitoringReport, report_id)
    assert report.sent_count == 1 and [d.version for d in report.documents] == [1]
