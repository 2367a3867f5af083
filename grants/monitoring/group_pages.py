"""What monitoring shows on earlier domains' pages: the next report due on each person's home,
and every report of an award on the award's page (status, overdue, a way in, the stored PDFs).

Both register as page sections (``grants.page_sections``), so neither page imports monitoring.
"Due" and "overdue" are worked out here from the due date and today, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from grants.accounts.models import User
from grants.awards import access as award_access
from grants.awards.models import Award, ReportDue
from grants.awards.pages import award_page
from grants.awards.states import IN_FORCE
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring import access, changes, publishing
from grants.monitoring.dates import due_wording
from grants.monitoring.models import MonitoringReport
from grants.monitoring.states import EDITABLE, ReportStatus
from grants.pages.home import home_page
from grants.permissions import Permission

DUE_LABEL = "Due"


@dataclass(frozen=True)
class ReportRow:
    """One report an award owes, with the group's report if started, as of ``today``."""

    due: ReportDue
    report: MonitoringReport | None
    today: date

    @property
    def award(self) -> Award:
        return self.due.award

    @property
    def is_open(self) -> bool:
        """Not yet sent (or sent back to the group): the group still has to act."""
        return self.report is None or self.report.status in EDITABLE

    @property
    def overdue_days(self) -> int:
        if not self.is_open or self.due.due_on >= self.today:
            return 0
        return (self.today - self.due.due_on).days

    @property
    def days_to_go(self) -> int:
        return (self.due.due_on - self.today).days

    @property
    def overdue_text(self) -> str | None:
        return due_wording(self.due.due_on, self.today) if self.overdue_days else None

    @property
    def status_label(self) -> str:
        return DUE_LABEL if self.report is None else self.report.status.label

    @property
    def status_colour(self) -> str:
        return "grey" if self.report is None else self.report.status.tag_colour

    @property
    def started(self) -> bool:
        return self.report is not None


def may_write(viewer: User, award: Award) -> bool:
    """Whether to offer "Start" and "Continue": the group's members, or an officer who may
    enter the report for them."""
    return award_access.is_group_member(viewer, award) or access.may_enter_for_group(viewer, award)


# Your home: the next report each of your groups' grants owes


@dataclass(frozen=True)
class HomeReports:
    rows: list[ReportRow]

    @property
    def overdue(self) -> list[ReportRow]:
        return [row for row in self.rows if row.overdue_days]


def next_reports(organisation_ids: list[int], today: date | None = None) -> list[ReportRow]:
    """For each award in force of these groups, the earliest report not yet sent, in one query."""
    if not organisation_ids:
        return []
    today = today or uk_today()
    found = db.session.execute(
        select(ReportDue, MonitoringReport)
        .join(Award, Award.id == ReportDue.award_id)
        .outerjoin(MonitoringReport, MonitoringReport.report_due_id == ReportDue.id)
        .where(
            Award.organisation_id.in_(organisation_ids),
            Award.status.in_(IN_FORCE),
            ReportDue.accepted_at.is_(None),
            or_(MonitoringReport.id.is_(None), MonitoringReport.status.in_(list(EDITABLE))),
        )
        .options(
            joinedload(ReportDue.award).joinedload(Award.application),
            joinedload(ReportDue.award).joinedload(Award.organisation),
        )
        .order_by(ReportDue.due_on, ReportDue.id)
    ).all()
    rows, seen = [], set()
    for due, report in found:
        if due.award_id not in seen:
            seen.add(due.award_id)
            rows.append(ReportRow(due, report, today))
    return rows


def home_section(viewer: User, home) -> HomeReports | None:
    if not home.groups:
        return None
    rows = next_reports([group.id for group in home.groups])
    return HomeReports(rows) if rows else None


# The award's page: every report it owes


@dataclass(frozen=True)
class AwardReports:
    award: Award
    rows: list[ReportRow]
    may_write: bool
    stories: list[tuple[ReportRow, publishing.StoryView]]


def award_rows(award: Award, today: date | None = None) -> list[ReportRow]:
    today = today or uk_today()
    reports = {
        r.report_due_id: r
        for r in db.session.scalars(
            select(MonitoringReport)
            .where(MonitoringReport.award_id == award.id)
            .options(selectinload(MonitoringReport.documents), selectinload(MonitoringReport.files))
        )
    }
    dues = sorted(award.reports, key=lambda d: (d.due_on, d.id))
    return [ReportRow(due, reports.get(due.id), today) for due in dues]


def award_section(viewer: User, award: Award) -> AwardReports | None:
    if not award.reports or not access.can_view(viewer, award):
        return None
    rows = award_rows(award)
    stories = []
    for row in rows:
        if row.report is not None and row.report.status != ReportStatus.DRAFT:
            view = publishing.story_for(viewer, row.report)
            if view is not None:
                stories.append((row, view))
    return AwardReports(award, rows, may_write(viewer, award), stories)


def finance_section(viewer: User, home) -> int | None:
    """For finance officers: how many changes groups asked for wait for an answer (no section
    when none do)."""
    if not viewer.can(Permission.MANAGE_PAYMENTS):
        return None
    waiting = db.session.scalar(
        select(func.count()).select_from(changes.open_requests().subquery())
    )
    return waiting or None


home_page.register("monitoring/_home_reports.html", home_section)
home_page.register("monitoring/_home_changes.html", finance_section)
award_page.register("monitoring/_award_reports.html", award_section)
