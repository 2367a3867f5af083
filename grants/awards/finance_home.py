"""The finance officers' home: what is waiting, on whom, and since when.

Each list is capped (the rest are a "See all" link away) and each item says who it waits for and
for how long, from the viewer's point of view: a payment someone else raised is "Awaiting your
approval"; one the viewer raised waits "for another finance officer". Everything is read in a
fixed number of queries, however many payments and awards there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload

from grants.accounts.models import User
from grants.awards import payments, reports, variations
from grants.awards.models import (
    REPORT_FOR_CONDITION,
    Award,
    BankDetails,
    Payment,
    ReportDue,
    ReportKind,
)
from grants.awards.states import IN_FORCE, AwardStatus, PaymentStatus
from grants.clock import uk_today, utc_to_uk
from grants.extensions import db
from grants.formatting import long_date, pluralise

CAP = 10
DUE_SOON = timedelta(days=7)
NOT_DUE = frozenset({PaymentStatus.PAID, PaymentStatus.CANCELLED})
PENDING = frozenset({PaymentStatus.SCHEDULED, PaymentStatus.RAISED, PaymentStatus.APPROVED})


def _day(moment: datetime | date | None) -> date | None:
    if isinstance(moment, datetime):
        return utc_to_uk(moment).date()
    return moment


def for_how_long(since: datetime | date | None, today: date) -> str:
    """ "for 3 days", "for 1 day", "since today"."""
    day = _day(since)
    if day is None:
        return ""
    days = (today - day).days
    return "since today" if days <= 0 else f"for {pluralise(days, 'day')}"


def days_ago(since: datetime | date | None, today: date) -> str:
    day = _day(since)
    if day is None:
        return ""
    days = (today - day).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


@dataclass
class Item:
    """One thing waiting: the payment, award or variation, and who it waits on since when."""

    subject: object
    waiting: str


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    count: int
    empty: str
    see_all: tuple[str, dict] | None = None  # (endpoint, query args) for "See all"

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


@dataclass
class FinanceHome:
    today: date
    sections: list[Section] = field(default_factory=list)
    totals: list[reports.Table] = field(default_factory=list)


def _listed(query: Select, limit: int = CAP) -> tuple[list, int]:
    """The first ``limit`` rows and how many there are in all: two queries."""
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(db.session.scalars(query.limit(limit)).unique()), int(count or 0)


def _payments(*where) -> Select:
    """Payments of awards in force: until the agreement is accepted nothing can be paid, and the
    offer is listed under "awaiting acceptance" instead."""
    return (
        select(Payment)
        .join(Payment.award)
        .where(Award.status.in_(IN_FORCE), *where)
        .options(
            joinedload(Payment.award).joinedload(Award.organisation),
            joinedload(Payment.award).selectinload(Award.reports),
            joinedload(Payment.raised_by),
            joinedload(Payment.held_by),
        )
        .order_by(Payment.due_on, Payment.id)
    )


def _payment_section(key, title, empty, viewer, today, where, status=None) -> Section:
    listed, count = _listed(_payments(*where))
    details = payments.current_details_by_group({p.award.organisation_id for p in listed})
    items = [
        Item(
            p,
            payments.describe_wait(p, viewer, today, details=details.get(p.award.organisation_id)),
        )
        for p in listed
    ]
    see_all = ("payments.index", {"status": status} if status else {})
    return Section(key, title, items, count, empty, see_all)


def _awaiting_acceptance(today: date) -> Section:
    query = (
        select(Award)
        .where(Award.status == AwardStatus.OFFERED)
        .options(joinedload(Award.organisation))
        .order_by(Award.offer_expires_on, Award.id)
    )
    awards, count = _listed(query)
    items = [
        Item(
            a,
            f"Offer sent {days_ago(a.offered_at, today)}, waiting for the group to accept; "
            f"expires {long_date(a.offer_expires_on)}",
        )
        for a in awards
    ]
    return Section(
        "acceptance",
        "Awards awaiting acceptance",
        items,
        count,
        "No offers are waiting for a group to accept them.",
        ("awards.index", {"status": AwardStatus.OFFERED.value}),
    )


def _awaiting_bank_verification(today: date) -> Section:
    current = and_(
        BankDetails.organisation_id == Award.organisation_id, BankDetails.replaced_at.is_(None)
    )
    verified = exists().where(current, BankDetails.verified_at.is_not(None))
    entered = (
        select(func.max(BankDetails.entered_at)).where(current).correlate(Award).scalar_subquery()
    )
    query = (
        select(Award, entered)
        .where(Award.status.in_(IN_FORCE), ~verified)
        .options(joinedload(Award.organisation))
        .order_by(Award.accepted_at, Award.id)
    )
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = []
    for award, entered_at in db.session.execute(query.limit(CAP)).unique():
        if entered_at is None:
            waiting = f"Waiting for the group to give bank details {for_how_long(award.accepted_at, today)}"
        else:
            waiting = (
                f"Bank details given {days_ago(entered_at, today)}, awaiting verification by "
                "a finance officer"
            )
        items.append(Item(award, waiting))
    return Section(
        "bank",
        "Accepted awards without verified bank details",
        items,
        int(count or 0),
        "Every accepted award has verified bank details.",
        ("awards.index", {"status": AwardStatus.ACCEPTED.value}),
    )


def _variations(viewer: User, today: date) -> Section:
    found, count = _listed(variations.awaiting_decision())
    items = []
    for variation in found:
        since = for_how_long(variation.proposed_at, today)
        if variation.proposed_by_id == viewer.id:
            waiting = f"Awaiting a decision by another finance officer {since}"
        else:
            waiting = (
                f"Awaiting your decision {since} (proposed by {variation.proposed_by.full_name})"
            )
        items.append(Item(variation, waiting))
    return Section(
        "variations",
        "Variations awaiting a decision",
        items,
        count,
        "No variations are waiting for a decision.",
        ("finance.variations_list", {}),
    )


def _ready_to_close(today: date) -> Section:
    """Awards whose final report has been accepted and that are still open: finance closes each
    as completed (never silently), after checking any underspend."""
    final = and_(ReportDue.award_id == Award.id, ReportDue.kind == ReportKind.FINAL)
    query = (
        select(Award, ReportDue.accepted_at)
        .join(ReportDue, final)
        .where(ReportDue.accepted_at.is_not(None), Award.status.in_(IN_FORCE))
        .options(joinedload(Award.organisation))
        .order_by(ReportDue.accepted_at, Award.id)
    )
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = [
        Item(
            award,
            f"Final report accepted {days_ago(accepted_at, today)}: check any underspend and "
            "close the award as completed",
        )
        for award, accepted_at in db.session.execute(query.limit(CAP)).unique()
    ]
    return Section(
        "to_close",
        "Final report accepted: ready to close",
        items,
        int(count or 0),
        "No award is waiting to be closed after its final report.",
    )


def _released_by_a_report():
    """A scheduled instalment whose report has been accepted: it may be raised now, whatever
    date it was planned for (the date it waited on was the report, not the calendar)."""
    accepted = or_(
        *(
            and_(Payment.release_condition == condition, ReportDue.kind == kind)
            for condition, kind in REPORT_FOR_CONDITION.items()
        )
    )
    return exists().where(
        ReportDue.award_id == Payment.award_id, ReportDue.accepted_at.is_not(None), accepted
    )


def home_for(viewer: User, today: date | None = None) -> FinanceHome:
    today = today or uk_today()
    home = FinanceHome(today=today)
    home.sections = [
        _payment_section(
            "due",
            "Payments due this week",
            "No payments fall due in the next 7 days.",
            viewer,
            today,
            [
                Payment.due_on >= today,
                Payment.due_on < today + DUE_SOON,
                Payment.status.in_(PENDING),
            ],
        ),
        _payment_section(
            "released",
            "Released by an accepted report: ready to raise",
            "No instalment released by an accepted report is waiting to be raised.",
            viewer,
            today,
            [Payment.status == PaymentStatus.SCHEDULED, _released_by_a_report()],
            PaymentStatus.SCHEDULED.value,
        ),
        _payment_section(
            "overdue",
            "Overdue payments",
            "No payments are overdue.",
            viewer,
            today,
            [Payment.due_on < today, Payment.status.not_in(NOT_DUE)],
        ),
        _payment_section(
            "held",
            "Payments on hold",
            "No payments are on hold.",
            viewer,
            today,
            [Payment.status == PaymentStatus.HELD],
            PaymentStatus.HELD.value,
        ),
        _payment_section(
            "approval",
            "Payments awaiting approval",
            "No payments are waiting for approval.",
            viewer,
            today,
            [Payment.status == PaymentStatus.RAISED],
            PaymentStatus.RAISED.value,
        ),
        _awaiting_acceptance(today),
        _awaiting_bank_verification(today),
        _ready_to_close(today),
        _variations(viewer, today),
    ]
    ledger = reports.ledger()
    home.totals = [ledger.by_neighbourhood, ledger.by_principle, ledger.by_contributor]
    return home
