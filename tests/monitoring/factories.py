"""Monitoring test data, made through the real services: a released award, accepted by the
group, with verified bank details, owing its reports."""

from __future__ import annotations

from grants.awards.models import ReportDue, ReportKind
from grants.extensions import db
from grants.monitoring.models import MonitoringReport
from grants.monitoring.setup.templates import version_for
from tests.awards.test_payments_setup import Ready, ready_award


def award_in_force(amount_pence: int = 500_000, **kwargs) -> Ready:
    """An accepted award whose bank details are verified. £5,000 owes an interim and a final
    report; its second instalment waits on the interim report. ``.member`` is the group's main
    contact, ``.raiser`` and ``.approver`` two finance officers, ``.funded.officer`` the
    programme officer who ran the panel."""
    return ready_award(amount_pence, **kwargs)


def report_due(ready: Ready, kind: ReportKind = ReportKind.INTERIM) -> ReportDue:
    return next(r for r in ready.award.reports if r.kind == kind)


def bare_report(ready: Ready, kind: ReportKind = ReportKind.INTERIM) -> MonitoringReport:
    """A started report with nothing typed yet (made directly: starting has tests of its own)."""
    due = report_due(ready, kind)
    version = version_for(ready.award.round_id, kind)
    report = MonitoringReport(
        report_due_id=due.id,
        award_id=ready.award.id,
        template_version_id=version.id,
        started_by_id=ready.member.id,
    )
    db.session.add(report)
    db.session.flush()
    return report
