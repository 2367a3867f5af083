"""Screening: the officer queue and its CSV export, staff notes, an application's history, and the
list of assisted and overdue drafts. (What officers do to one application is in screening_actions.)

The queue page and the export build their query in one place, so the file an officer downloads
holds exactly the applications they filtered to on screen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from grants import audit
from grants.accounts.models import User
from grants.applications import sections
from grants.applications.models import (
    Application,
    Channel,
    EligibilityCheck,
    StaffNote,
)
from grants.applications.states import EDITABLE, ApplicationStatus
from grants.audit import AuditEvent
from grants.clock import utc_to_uk, utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.funds.models import Round
from grants.money import format_pence
from grants.numbers import whole_number
from grants.organisations.models import Organisation
from grants.reference.models import Neighbourhood, Principle

S = ApplicationStatus
QUEUE_PAGE_SIZE = 50
EXPORT_BATCH_SIZE = 200
NOTE_MAX_LENGTH = 5000

# Everything an officer screens has been sent at least once; drafts belong to their group.
SENT_STATUSES = tuple(status for status in ApplicationStatus if status != S.DRAFT)


@dataclass(frozen=True)
class AmountBand:
    label: str
    above_pence: int | None  # exclusive lower bound
    up_to_pence: int | None  # inclusive upper bound


AMOUNT_BANDS = {
    "up-to-1000": AmountBand("Up to £1,000", None, 100_000),
    "1000-to-2000": AmountBand("More than £1,000, up to £2,000", 100_000, 200_000),
    "2000-to-10000": AmountBand("More than £2,000, up to £10,000", 200_000, 1_000_000),
    "over-10000": AmountBand("More than £10,000", 1_000_000, None),
}

# The columns an officer may sort by. A sort value is one of these keys, with "-" for descending;
# anything else in the query string falls back to the default rather than reaching SQL.
SORT_COLUMNS = {
    "submitted": Application.submitted_at,
    "amount": Application.amount_requested_pence,
    "reference": Application.reference,
    "group": Organisation.name,
}
DEFAULT_SORT = "-submitted"


def valid_sort(value: str | None) -> str:
    return value if value and value.removeprefix("-") in SORT_COLUMNS else DEFAULT_SORT


@dataclass(frozen=True)
class QueueFilters:
    """What the officer asked to see. Built from the query string; unknown values are ignored."""

    round_id: int | None = None
    status: ApplicationStatus | None = None
    neighbourhood_id: int | None = None
    principle_id: int | None = None
    assisted: bool | None = None
    amount_band: str | None = None
    search: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilters:
        status = args.get("status", "")
        band = args.get("amount_band", "")
        return cls(
            round_id=whole_number(args.get("round")),
            status=S(status) if status in SENT_STATUSES else None,
            neighbourhood_id=whole_number(args.get("neighbourhood")),
            principle_id=whole_number(args.get("principle")),
            assisted={"yes": True, "no": False}.get(args.get("assisted", "")),
            amount_band=band if band in AMOUNT_BANDS else None,
            search=args.get("search", "").strip()[:100],
            sort=valid_sort(args.get("sort")),
        )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _narrowed(query: Select, filters: QueueFilters) -> Select:
    if filters.round_id is not None:
        query = query.where(Application.round_id == filters.round_id)
    if filters.neighbourhood_id is not None:
        query = query.where(Application.neighbourhoods.any(id=filters.neighbourhood_id))
    if filters.principle_id is not None:
        query = query.where(Application.main_principle_id == filters.principle_id)
    if filters.assisted is not None:
        entered = Application.entered_by_id
        query = query.where(entered.is_not(None) if filters.assisted else entered.is_(None))
    if filters.amount_band:
        band = AMOUNT_BANDS[filters.amount_band]
        if band.above_pence is not None:
            query = query.where(Application.amount_requested_pence > band.above_pence)
        if band.up_to_pence is not None:
            query = query.where(Application.amount_requested_pence <= band.up_to_pence)
    if filters.search:
        pattern = _like(filters.search)
        query = query.where(
            or_(
                Application.reference.ilike(pattern, escape="\\"),
                Application.title.ilike(pattern, escape="\\"),
                Organisation.name.ilike(pattern, escape="\\"),
            )
        )
    return query


def queue_query(filters: QueueFilters) -> Select:
    """Sent applications matching ``filters``, with everything a queue row shows loaded up front,
    so a page costs the same few queries however many applications it lists."""
    column = SORT_COLUMNS[filters.sort.removeprefix("-")]
    order = column.desc() if filters.sort.startswith("-") else column.asc()
    query = (
        select(Application)
        .join(Application.organisation)
        .options(
            contains_eager(Application.organisation),
            joinedload(Application.round),
            joinedload(Application.main_principle),
            selectinload(Application.neighbourhoods),
        )
        .where(Application.status.in_([filters.status] if filters.status else SENT_STATUSES))
        .order_by(order, Application.id.desc())
    )
    return _narrowed(query, filters)


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """What the queue's round, neighbourhood and principle filters offer: one query each."""
    rounds = select(Round.id, Round.title).order_by(Round.opens_at.desc(), Round.id)
    places = select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)
    principles = select(Principle.id, Principle.name).order_by(Principle.position, Principle.id)
    return {
        name: [(str(id_), label) for id_, label in db.session.execute(query)]
        for name, query in (("round", rounds), ("neighbourhood", places), ("principle", principles))
    }


# CSV export

CSV_HEADINGS = [
    "Reference",
    "Project title",
    "Group",
    "Round",
    "Status",
    "Sent (UK time)",
    "Amount requested (£)",
    "Neighbourhoods",
    "Main principle",
    "How it reached us",
    "Entered by an officer",
]
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a cell that a spreadsheet would run as a formula read as plain text instead."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def csv_pounds(pence: int) -> str:
    """123450 -> '1234.50': the site's money formatter, without the £ and thousands commas that
    would make a spreadsheet read the amount as text."""
    return format_pence(pence).replace("£", "").replace(",", "")


def csv_row(application: Application) -> list[str]:
    sent = utc_to_uk(application.submitted_at) if application.submitted_at else None
    cells = [
        application.reference or "",
        application.title or "",
        application.organisation.name,
        application.round.title,
        application.status.label,
        sent.strftime("%Y-%m-%d %H:%M") if sent else "",
        csv_pounds(application.amount_requested_pence),
        "; ".join(n.name for n in application.neighbourhoods),
        application.main_principle.name if application.main_principle else "",
        application.channel.label,
        "Yes" if application.is_assisted else "No",
    ]
    return [neutralise(cell) for cell in cells]


def export_csv(filters: QueueFilters) -> Iterator[str]:
    """The filtered queue as CSV text, in batches: rows are read from the database a batch at a
    time and each batch is sent before the next is read, so memory stays flat for any size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")  # lets Excel read the file as UTF-8, so names like "Café" survive
    writer.writerow(CSV_HEADINGS)
    yield flush()
    query = queue_query(filters).execution_options(yield_per=EXPORT_BATCH_SIZE)
    for batch in db.session.scalars(query).partitions():
        writer.writerows(csv_row(application) for application in batch)
        yield flush()


def export_filename(today: date | None = None) -> str:
    """Named for the UK date it was made, so a day's downloads sort together."""
    return f"applications-{(today or utc_to_uk(utcnow()).date()).isoformat()}.csv"


# The officer's view of one application


def history_of(application: Application) -> list[AuditEvent]:
    """Every audited change to the application, oldest first: who did what, and when."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.object_type == "Application", AuditEvent.object_id == str(application.id))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    return list(db.session.scalars(query))


def checks_for(application: Application) -> list[EligibilityCheck]:
    query = (
        select(EligibilityCheck)
        .where(EligibilityCheck.application_id == application.id)
        .options(joinedload(EligibilityCheck.officer))
        .order_by(EligibilityCheck.created_at.desc(), EligibilityCheck.id.desc())
    )
    return list(db.session.scalars(query))


# Staff notes


def add_note(actor: User, application: Application, body: str) -> StaffNote:
    """A private note for colleagues. Audited like every other change; never shown to applicants."""
    if not actor.is_staff:
        raise NotAllowed("Only staff can add notes to an application")
    body = (body or "").strip()
    if not body:
        raise DomainError("Enter the note", field="body")
    if len(body) > NOTE_MAX_LENGTH:
        raise DomainError(f"Note must be {NOTE_MAX_LENGTH:,} characters or fewer", field="body")
    note = StaffNote(application_id=application.id, author_id=actor.id, body=body)
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "application.note_added", application, after={"note_id": note.id})
    db.session.flush()
    return note


def notes_for(application: Application) -> list[StaffNote]:
    """The application's staff notes, newest first."""
    query = (
        select(StaffNote)
        .where(StaffNote.application_id == application.id)
        .options(joinedload(StaffNote.author))
        .order_by(StaffNote.created_at.desc(), StaffNote.id.desc())
    )
    return list(db.session.scalars(query))


# Assisted applications


def assisted_query(now: datetime | None = None) -> Select:
    """Work officers may need to pick up: assisted applications still being filled in, and any
    draft whose round has closed (it can only be sent with an extension)."""
    now = now or utcnow()
    return (
        select(Application)
        .join(Application.round)
        .options(
            contains_eager(Application.round),
            joinedload(Application.organisation),
            joinedload(Application.entered_by),
        )
        .where(
            or_(
                and_(Application.entered_by_id.is_not(None), Application.status.in_(EDITABLE)),
                and_(Application.status == S.DRAFT, Round.closes_at <= now),
            )
        )
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )


# How an assisted application reached us, as the end of "Entered by <officer> ...".
HOW_IT_REACHED_US = {
    Channel.ONLINE: "online",
    Channel.PHONE: "by phone",
    Channel.PAPER: "from a paper form",
    Channel.IN_PERSON: "in person",
    Channel.VIDEO_CALL: "on a video call",
    Channel.INTERPRETER: "with a BSL or other interpreter",
}


# Reading the history

_EVENT_TEXT = {
    "started": "Started",
    "deleted": "Deleted",
    "document_saved": "Files changed",
    "extension_granted": "Deadline extended",
    "note_added": "Staff note added",
}
_SECTION_TITLES = {s.key: s.title for s in [*sections.SECTIONS, sections.DECLARATION]}


def describe_event(event: AuditEvent) -> str:
    """An audit action in words an officer reads at a glance."""
    action = event.action.removeprefix("application.")
    if action == S.SUBMITTED:
        return "Sent again" if (event.after or {}).get("resubmission") else "Sent"
    if action in {status.value for status in ApplicationStatus}:
        return f"Status changed to {S(action).label.lower()}"
    if action in _EVENT_TEXT:
        return _EVENT_TEXT[action]
    section = action.removesuffix("_saved")
    return f"{_SECTION_TITLES[section]} saved" if section in _SECTION_TITLES else event.action
