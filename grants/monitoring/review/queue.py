"""The monitoring queue: every report owed by an award in force, and every report sent or sent
back, sorted into what an officer does next.

A report is *due* until it is sent; whether it is due soon or overdue is worked out here from
``ReportDue.due_on`` and today (``grants.clock.uk_today``), never stored. The page and its CSV
export build their rows from one query (``rows_query``), so the file holds exactly what the
officer filtered to; a page costs the same few queries however many awards there are.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import contains_eager

from grants.applications.models import Application
from grants.awards.models import Award, ReportDue
from grants.awards.reports import neighbourhoods_of
from grants.awards.states import IN_FORCE
from grants.clock import uk_today
from grants.extensions import db
from grants.formatting import long_date
from grants.funds.models import Round
from grants.monitoring.dates import due_wording
from grants.monitoring.models import MonitoringReport
from grants.monitoring.states import ReportStatus
from grants.numbers import record_id
from grants.organisations.models import Organisation
from grants.pagination import Page, requested_page
from grants.reference.models import Neighbourhood

R = ReportStatus
DUE_SOON = timedelta(days=30)
PAGE_SIZE = 50
NOT_STARTED = "not_started"
# Every status the filter offers: not started yet, then the report's own.
STATUS_LABELS = {NOT_STARTED: "Not started", **{s.value: s.label for s in ReportStatus}}


class Bucket(enum.StrEnum):
    """What the officer does next with a row. Derived from the report's status and the dates."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    SENT = "sent"
    CHANGES_REQUESTED = "changes_requested"
    LATER = "later"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return BUCKET_LABELS[self]


BUCKET_LABELS = {
    Bucket.OVERDUE: "Overdue",
    Bucket.DUE_SOON: "Due in the next 30 days",
    Bucket.SENT: "Sent and waiting for review",
    Bucket.CHANGES_REQUESTED: "Changes requested",
    Bucket.LATER: "Due later",
    Bucket.ACCEPTED: "Accepted",
}
# The buckets the page counts and offers as tabs, in the order an officer works through them.
SHOWN = (Bucket.OVERDUE, Bucket.DUE_SOON, Bucket.SENT, Bucket.CHANGES_REQUESTED, Bucket.LATER)


def _bucket_expression(today: date):
    status = MonitoringReport.status
    return case(
        # Accepted here, or before reports were written in the service (finance's record).
        (ReportDue.accepted_at.is_not(None), Bucket.ACCEPTED.value),
        (status == R.SUBMITTED, Bucket.SENT.value),
        (status == R.CHANGES_REQUESTED, Bucket.CHANGES_REQUESTED.value),
        (status == R.ACCEPTED, Bucket.ACCEPTED.value),
        (ReportDue.due_on < today, Bucket.OVERDUE.value),
        (ReportDue.due_on < today + DUE_SOON, Bucket.DUE_SOON.value),
        else_=Bucket.LATER.value,
    )


@dataclass(frozen=True)
class QueueFilters:
    """What the officer asked to see, from the query string; unknown values are ignored."""

    bucket: Bucket | None = None
    round_id: int | None = None
    neighbourhood_id: int | None = None
    status: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilters:
        bucket, status = args.get("show", ""), args.get("status", "")
        return cls(
            bucket=Bucket(bucket) if bucket in Bucket.__members__.values() else None,
            round_id=record_id(args.get("round")),
            neighbourhood_id=record_id(args.get("neighbourhood")),
            status=status if status in STATUS_LABELS else None,
        )

    def args(self) -> dict[str, str]:
        """The filters as a query string (for the CSV link and the tabs)."""
        values = {
            "show": self.bucket.value if self.bucket else None,
            "round": self.round_id,
            "neighbourhood": self.neighbourhood_id,
            "status": self.status,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


def _listed():
    """Reports owed by awards in force, and reports sent or sent back whatever the award."""
    return or_(
        Award.status.in_(IN_FORCE),
        MonitoringReport.status.in_([R.SUBMITTED, R.CHANGES_REQUESTED]),
    )


def _narrowed(query: Select, filters: QueueFilters, today: date, *, counting=False) -> Select:
    """The filters applied; ``counting`` (for the tabs) leaves the bucket open, accepted too."""
    query = query.where(_listed())
    if filters.round_id is not None:
        query = query.where(Award.round_id == filters.round_id)
    if filters.neighbourhood_id is not None:
        query = query.where(
            Application.neighbourhoods.any(Neighbourhood.id == filters.neighbourhood_id)
        )
    if filters.status == NOT_STARTED:
        query = query.where(MonitoringReport.id.is_(None), ReportDue.accepted_at.is_(None))
    elif filters.status == R.ACCEPTED.value:
        query = query.where(ReportDue.accepted_at.is_not(None))
    elif filters.status is not None:
        query = query.where(MonitoringReport.status == R(filters.status))
    accepted = filters.status == R.ACCEPTED.value or filters.bucket == Bucket.ACCEPTED
    if not accepted and not counting:  # accepted reports are done: shown only when asked for
        query = query.where(ReportDue.accepted_at.is_(None))
    if not counting and filters.bucket is not None:
        query = query.where(_bucket_expression(today) == filters.bucket.value)
    return query


def _joined(query: Select) -> Select:
    return (
        query.select_from(ReportDue)
        .join(Award, Award.id == ReportDue.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Round, Round.id == Award.round_id)
        .outerjoin(MonitoringReport, MonitoringReport.report_due_id == ReportDue.id)
    )


def rows_query(filters: QueueFilters, today: date) -> Select:
    """(report due, its report or None), soonest due first, with what a row shows loaded."""
    query = _joined(select(ReportDue, MonitoringReport)).options(
        contains_eager(ReportDue.award).contains_eager(Award.organisation),
        contains_eager(ReportDue.award).contains_eager(Award.round),
        contains_eager(ReportDue.award)
        .contains_eager(Award.application)
        .selectinload(Application.neighbourhoods),
    )
    return _narrowed(query, filters, today).order_by(ReportDue.due_on, ReportDue.id)


@dataclass(frozen=True)
class QueueRow:
    due: ReportDue
    report: MonitoringReport | None
    today: date

    @property
    def award(self) -> Award:
        return self.due.award

    @property
    def bucket(self) -> Bucket:
        if self.due.accepted_at is not None:
            return Bucket.ACCEPTED
        status = self.report.status if self.report else None
        if status in (R.SUBMITTED, R.CHANGES_REQUESTED, R.ACCEPTED):
            return {
                R.SUBMITTED: Bucket.SENT,
                R.CHANGES_REQUESTED: Bucket.CHANGES_REQUESTED,
                R.ACCEPTED: Bucket.ACCEPTED,
            }[status]
        if self.due.due_on < self.today:
            return Bucket.OVERDUE
        return Bucket.DUE_SOON if self.due.due_on < self.today + DUE_SOON else Bucket.LATER

    @property
    def status_label(self) -> str:
        if self.report is None and self.due.accepted_at is not None:
            return R.ACCEPTED.label  # recorded by finance before the report was written here
        return self.report.status.label if self.report else STATUS_LABELS[NOT_STARTED]

    @property
    def when(self) -> str:
        """Where the row stands in time: how late, or when it was sent."""
        report = self.report
        if report is not None and report.status in (R.SUBMITTED, R.ACCEPTED):
            sent = report.submitted_at
            return f"Sent {long_date(sent.date())}" if sent else "Sent"
        return due_wording(self.due.due_on, self.today)

    @property
    def no_email(self) -> bool:
        """The group has no email address: the officer phones or writes."""
        group = self.award.organisation
        return group.main_contact_id is None and not group.contact_email

    @property
    def can_enter(self) -> bool:
        return self.report is None and self.award.is_in_force

    @property
    def can_move_date(self) -> bool:
        return self.due.accepted_at is None


def page_of_rows(filters: QueueFilters, today: date | None = None, number=None) -> Page:
    """One page of the queue: a count, the rows, and their neighbourhoods (three queries)."""
    today = today or uk_today()
    query = rows_query(filters, today)
    number = number or requested_page()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    found = db.session.execute(query.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).unique()
    items = [QueueRow(due, report, today) for due, report in found]
    return Page(items=items, number=number, size=PAGE_SIZE, total=total or 0)


def bucket_counts(filters: QueueFilters, today: date | None = None) -> dict[Bucket, int]:
    """How many rows each tab holds under the other filters: one query."""
    today = today or uk_today()
    bucket = _bucket_expression(today).label("bucket")
    query = _narrowed(
        _joined(select(bucket, func.count())), filters, today, counting=True
    ).group_by(bucket)
    counts = {name: int(count) for name, count in db.session.execute(query)}
    return {b: counts.get(b.value, 0) for b in (*SHOWN, Bucket.ACCEPTED)}


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    rounds = select(Round.id, Round.title).order_by(Round.opens_at.desc(), Round.id)
    places = select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)
    return {
        name: [(str(id_), label) for id_, label in db.session.execute(query)]
        for name, query in (("round", rounds), ("neighbourhood", places))
    }


# The CSV export

CSV_HEADINGS = [
    "Award reference",
    "Group",
    "Project",
    "Round",
    "Report",
    "Due",
    "Where it stands",
    "Status",
    "Sent",
    "Neighbourhoods",
    "How to reach the group",
]
BATCH_SIZE = 200


def csv_rows(filters: QueueFilters, today: date | None = None) -> Iterator[list]:
    """The filtered queue, a batch at a time: memory stays flat however long the list."""
    today = today or uk_today()
    query = _joined(
        select(
            ReportDue.kind,
            ReportDue.due_on,
            Award.id,
            Award.reference,
            Organisation.name,
            Organisation.main_contact_id,
            Organisation.contact_email,
            Application.title,
            Round.title,
            MonitoringReport.status,
            MonitoringReport.submitted_at,
        )
    )
    query = _narrowed(query, filters, today).order_by(ReportDue.due_on, ReportDue.id)
    result = db.session.execute(query.execution_options(yield_per=BATCH_SIZE))
    for batch in result.partitions():
        places = neighbourhoods_of([row[2] for row in batch])
        for (
            kind,
            due_on,
            award_id,
            ref,
            group,
            contact,
            email,
            title,
            round_,
            status,
            sent,
        ) in batch:
            sent_or_accepted = status in (R.SUBMITTED, R.ACCEPTED)
            yield [
                ref,
                group,
                title or "",
                round_,
                kind.label,
                due_on,
                "" if sent_or_accepted else due_wording(due_on, today),
                status.label if status else STATUS_LABELS[NOT_STARTED],
                sent.date() if sent else None,
                "; ".join(places.get(award_id) or []),
                "Email" if contact is not None or email else "Phone or write",
            ]
