"""The screening queue: every sent application, filtered, sorted and paged for officers.

The queue page and the CSV export (grants.screening.export) build their query here, in one place,
so the file an officer downloads holds exactly the applications they filtered to on screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from grants.applications.models import Application
from grants.applications.states import SENT, ApplicationStatus
from grants.extensions import db
from grants.funds.models import Round
from grants.numbers import whole_number
from grants.organisations.models import Organisation
from grants.reference.models import Neighbourhood, Principle
from grants.textsearch import contains_text

S = ApplicationStatus
QUEUE_PAGE_SIZE = 50

# Everything an officer screens has been sent at least once; drafts belong to their group.
SENT_STATUSES = tuple(status for status in ApplicationStatus if status in SENT)


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
        query = query.where(
            or_(
                contains_text(Application.reference, filters.search),
                contains_text(Application.title, filters.search),
                contains_text(Organisation.name, filters.search),
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
