"""`seed-demo` gives the closed round's awards in force reports in every state an officer meets,
and applicant2@'s sent interim report releases its instalment once officer@ accepts it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.awards import payments
from grants.awards.models import ReleaseCondition, ReportDue
from grants.awards.states import PaymentStatus
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring import publishing
from grants.monitoring.dates import due_wording
from grants.monitoring.models import MonitoringReport, ReportFile
from grants.monitoring.review import services
from grants.monitoring.states import ReportStatus, StoryConsent
from tests.checks import soup_of
from tests.factories import sign_in


@pytest.fixture
def seeded(runner, reference_data):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _reports() -> list[MonitoringReport]:
    return list(db.session.scalars(select(MonitoringReport).order_by(MonitoringReport.id)))


def test_reports_in_every_state_with_stories_of_each_consent(seeded):
    assert "Monitoring reports: sent and waiting for officer@" in seeded
    assert {r.status for r in _reports()} == set(ReportStatus)
    assert {r.story_consent for r in _reports()} >= set(StoryConsent)
    shown = [r for r in _reports() if publishing.may_publish(r)]
    assert [r.status for r in shown] == [ReportStatus.ACCEPTED]  # only the accepted one leaves
    assert db.session.scalar(select(func.count(ReportFile.id))) == 1  # applicant2@'s photo
    today = uk_today()
    wording = {due_wording(d.due_on, today) for d in _dues_without_reports()}
    assert "Overdue by 3 days" in wording


def _dues_without_reports():
    started = select(MonitoringReport.report_due_id)
    return db.session.scalars(
        select(ReportDue).where(ReportDue.accepted_at.is_(None), ReportDue.id.not_in(started))
    )


def test_seeding_twice_adds_nothing(seeded, runner):
    before = len(_reports())
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Monitoring reports: already there" in result.output
    assert len(_reports()) == before


def test_applicant2s_report_waits_for_officer_and_accepting_it_frees_the_payment(seeded, client):
    sign_in(client, _user("officer@example.org"))
    page = soup_of(client.get("/monitoring/?show=sent"))
    assert "Leigh Youth Football CIC" in page.get_text()
    report = next(r for r in _reports() if r.status == ReportStatus.SUBMITTED)
    assert report.award.organisation.name == "Leigh Youth Football CIC"
    waiting = next(
        p for p in report.award.payments if p.release_condition == ReleaseCondition.INTERIM_REPORT
    )
    assert not payments.condition_met(waiting)
    services.accept(_user("officer@example.org"), report)
    assert payments.condition_met(waiting)
    payments.raise_payment(_user("finance@example.org"), waiting)
    payments.approve(_user("finance2@example.org"), waiting)
    assert waiting.status == PaymentStatus.APPROVED
