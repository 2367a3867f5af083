"""Monitoring reports and their outcome values as CSV and XLSX files, streamed.

Two files: one row per report an award owes (started or not), and one row per outcome value a
report gives. Rows are read a batch at a time (``yield_per``); each batch's totals (spending,
photos) and neighbourhoods come from one query per batch, so memory stays flat and the number of
queries grows with batches, never with rows. The writers, the formula neutralising and the
money in pounds are the awards exports' own (``awards.exports``).

What the group let the council do with its story is a column, so whoever publishes from the file
can see it; the story itself is not in the file. Nothing here reads bank details.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Select, case, false, func, select

from grants.applications.models import Outcome
from grants.awards.exports import as_csv, as_xlsx, filename, pounds
from grants.awards.models import Award, ReportDue
from grants.awards.reports import NO_NEIGHBOURHOOD, neighbourhoods_of
from grants.clock import utc_to_uk
from grants.extensions import db
from grants.funds.models import Indicator, Round
from grants.monitoring.access import LARGEST_ID
from grants.monitoring.models import (
    MonitoringReport,
    ReportFile,
    ReportOutcomeValue,
    ReportSpend,
)
from grants.monitoring.states import FileKind, ReportStatus
from grants.organisations.models import Organisation
from grants.reference.models import Principle

__all__ = ["EXPORTS", "as_csv", "as_xlsx", "filename", "outcome_rows", "report_rows"]

BATCH_SIZE = 200
NOT_STARTED = "Not started"

REPORT_HEADINGS = [
    "Award reference",
    "Group",
    "Round",
    "Neighbourhoods",
    "Report",
    "Due",
    "Status",
    "First sent",
    "Last sent",
    "Accepted",
    "Channel",
    "People reached",
    "Spent (£)",
    "Story given",
    "Story consent",
    "Photos",
    "Photos with people's agreement",
]
OUTCOME_HEADINGS = [
    "Award reference",
    "Report",
    "Indicator id",
    "Indicator",
    "Unit",
    "Principle",
    "Target",
    "Actual",
    "Own outcome",
    "Progress",
    "Comment",
]


def _day(moment: datetime | None):
    return utc_to_uk(moment).date() if moment else None


def _people(reach: dict | None) -> int:
    return sum(v for v in (reach or {}).values() if isinstance(v, int) and not isinstance(v, bool))


def _in_round(query: Select, round_id: int | None) -> Select:
    if round_id is not None and round_id > LARGEST_ID:
        query = query.where(false())  # beyond any round's id: no such round
    elif round_id is not None:
        query = query.where(Award.round_id == round_id)
    return query.execution_options(yield_per=BATCH_SIZE)


def _report_query(round_id: int | None) -> Select:
    query = (
        select(
            ReportDue.id,
            Award.id,
            Award.reference,
            Organisation.name,
            Round.title,
            ReportDue.kind,
            ReportDue.due_on,
            ReportDue.accepted_at,
            MonitoringReport,
        )
        .join(Award, Award.id == ReportDue.award_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Round, Round.id == Award.round_id)
        .outerjoin(MonitoringReport, MonitoringReport.report_due_id == ReportDue.id)
        .where(Award.accepted_at.is_not(None))
        .order_by(Award.id, ReportDue.due_on, ReportDue.id)
    )
    return _in_round(query, round_id)


def _spent(report_ids: list[int]) -> dict[int, int]:
    if not report_ids:
        return {}
    query = (
        select(ReportSpend.report_id, func.sum(ReportSpend.spent_pence))
        .where(ReportSpend.report_id.in_(report_ids))
        .group_by(ReportSpend.report_id)
    )
    return {report_id: int(total or 0) for report_id, total in db.session.execute(query)}


def _photos(report_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not report_ids:
        return {}
    query = (
        select(
            ReportFile.report_id,
            func.count(ReportFile.id),
            func.sum(case((ReportFile.people_agreed.is_(True), 1), else_=0)),
        )
        .where(ReportFile.report_id.in_(report_ids), ReportFile.kind == FileKind.PHOTO)
        .group_by(ReportFile.report_id)
    )
    return {rid: (int(n), int(agreed or 0)) for rid, n, agreed in db.session.execute(query)}


def report_rows(round_id: int | None = None) -> Iterator[list]:
    """One row per report an accepted award owes, a batch at a time."""
    for batch in db.session.execute(_report_query(round_id)).partitions():
        report_ids = [row[8].id for row in batch if row[8] is not None]
        places = neighbourhoods_of(sorted({row[1] for row in batch}))
        spent, photos = _spent(report_ids), _photos(report_ids)
        for _, award_id, reference, group, round_title, kind, due_on, accepted, report in batch:
            yield _report_row(
                report,
                [reference, group, round_title],
                "; ".join(places.get(award_id) or [NO_NEIGHBOURHOOD]),
                [kind.label, due_on],
                accepted,
                spent,
                photos,
            )


def _report_row(report, names, places, due, accepted, spent, photos) -> list:
    if report is None:
        return [*names, places, *due, NOT_STARTED, None, None, _day(accepted), "", 0,
                pounds(0), "No", "", 0, 0]  # fmt: skip
    count, agreed = photos.get(report.id, (0, 0))
    status: ReportStatus = report.status
    return [
        *names,
        places,
        *due,
        status.label,
        _day(report.first_submitted_at),
        _day(report.submitted_at),
        _day(report.accepted_at or accepted),
        report.channel.label,
        _people(report.reach),
        pounds(spent.get(report.id, 0)),
        "Yes" if (report.story or "").strip() else "No",
        report.story_consent.label if report.story_consent else "",
        count,
        agreed,
    ]


def _outcome_query(round_id: int | None) -> Select:
    query = (
        select(
            Award.reference,
            ReportDue.kind,
            Indicator.id,
            Indicator.name,
            Indicator.unit,
            Principle.name,
            Outcome.target_value,
            Outcome.target,
            Outcome.description,
            ReportOutcomeValue.actual_value,
            ReportOutcomeValue.progress,
            ReportOutcomeValue.comment,
        )
        .join(MonitoringReport, MonitoringReport.id == ReportOutcomeValue.report_id)
        .join(ReportDue, ReportDue.id == MonitoringReport.report_due_id)
        .join(Award, Award.id == ReportDue.award_id)
        .join(Outcome, Outcome.id == ReportOutcomeValue.outcome_id)
        .outerjoin(Indicator, Indicator.id == Outcome.indicator_id)
        .outerjoin(Principle, Principle.id == Outcome.principle_id)
        .order_by(Award.id, ReportDue.due_on, ReportOutcomeValue.outcome_id)
    )
    return _in_round(query, round_id)


def outcome_rows(round_id: int | None = None) -> Iterator[list]:
    """One row per outcome value a report gives: an indicator's actual figure against its
    target, or the group's own outcome and its progress in words."""
    for batch in db.session.execute(_outcome_query(round_id)).partitions():
        for (
            reference,
            kind,
            indicator_id,
            indicator,
            unit,
            principle,
            target_value,
            target_words,
            own,
            actual,
            progress,
            comment,
        ) in batch:
            measured = indicator_id is not None
            yield [
                reference,
                kind.label,
                indicator_id,
                indicator or "",
                unit.label if unit else "",
                principle or "",
                target_value if measured else (target_words or ""),
                actual,
                "" if measured else (own or ""),
                progress or "",
                comment or "",
            ]


# kind in the URL -> (sheet title, headings, rows)
EXPORTS = {
    "reports": ("Reports", REPORT_HEADINGS, report_rows),
    "outcomes": ("Outcome values", OUTCOME_HEADINGS, outcome_rows),
}
