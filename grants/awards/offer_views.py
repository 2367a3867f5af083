"""What an award's pages show: the list of awards for finance, an award loaded for its page, and
the actions each viewer may take on it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, selectinload

from grants.accounts.models import User
from grants.applications import outcome_page
from grants.awards import access
from grants.awards.models import Award
from grants.awards.offers import has_lapsed, is_awaiting_acceptance
from grants.awards.states import AwardStatus
from grants.errors import NotAllowed
from grants.extensions import db
from grants.funds.models import Round
from grants.organisations.models import Organisation

S = AwardStatus
INDEX_PAGE_SIZE = 25


@dataclass(frozen=True)
class Actions:
    """What the viewer may do to the award now: the buttons and links its page shows."""

    adjust: bool = False
    approve_increase: bool = False
    send_offer: bool = False
    reissue: bool = False
    paper_acceptance: bool = False
    record_decline: bool = False
    withdraw: bool = False
    accept: bool = False
    decline: bool = False

    @property
    def any_finance(self) -> bool:
        return any(
            (
                self.adjust,
                self.approve_increase,
                self.send_offer,
                self.reissue,
                self.paper_acceptance,
                self.record_decline,
                self.withdraw,
            )
        )


def actions_for(viewer: User, award: Award) -> Actions:
    try:
        access.check_finance(viewer, award)
        finance = True
    except NotAllowed:
        finance = False
    member = access.is_group_member(viewer, award)
    preparing = award.status == S.PREPARING
    offered = award.status == S.OFFERED
    open_offer = is_awaiting_acceptance(award)
    return Actions(
        adjust=finance and preparing,
        approve_increase=finance
        and preparing
        and award.increase_awaits_approval
        and award.increase_proposed_by_id != viewer.id,
        send_offer=finance and preparing and not award.increase_awaits_approval,
        reissue=finance and offered,
        paper_acceptance=finance and open_offer,
        record_decline=finance and offered,
        withdraw=finance and (preparing or offered),
        accept=member and open_offer,
        decline=member and open_offer,
    )


@dataclass(frozen=True)
class IndexFilters:
    status: AwardStatus | None = None
    round_id: int | None = None


def index_query(filters: IndexFilters) -> Select:
    """Every award matching ``filters``, newest first, with its group and round loaded in the same
    query, so a page costs the same few queries however many awards there are."""
    query = (
        select(Award)
        .join(Award.organisation)
        .join(Award.round)
        .options(contains_eager(Award.organisation), contains_eager(Award.round))
        .order_by(Award.created_at.desc(), Award.id.desc())
    )
    if filters.status is not None:
        query = query.where(Award.status == filters.status)
    if filters.round_id is not None:
        query = query.where(Award.round_id == filters.round_id)
    return query


def round_choices() -> list[tuple[str, str]]:
    """Rounds that have awards, for the list's filter."""
    rows = db.session.execute(
        select(Round.id, Round.title)
        .where(Round.id.in_(select(Award.round_id)))
        .order_by(Round.opens_at.desc(), Round.id)
    )
    return [(str(id_), title) for id_, title in rows]


def load_for_page(viewer: User, award_id: int) -> Award:
    """The award with what its page draws loaded up front; NotFound for anyone who may not see
    it."""
    award = access.get_for_viewing(viewer, award_id)
    db.session.scalars(
        select(Award)
        .where(Award.id == award.id)
        .options(
            selectinload(Award.payments),
            selectinload(Award.reports),
            selectinload(Award.documents),
            selectinload(Award.organisation).selectinload(Organisation.main_contact),
        )
    ).all()
    return award


@dataclass(frozen=True)
class ApplicationAward:
    award: Award
    for_group: bool
    lapsed: bool
    awaiting: bool


def application_award(viewer: User, application) -> ApplicationAward | None:
    """The award on its application's page, for whoever may see the award."""
    award = db.session.scalar(select(Award).where(Award.application_id == application.id))
    if award is None or not access.can_view(viewer, award):
        return None
    return ApplicationAward(
        award=award,
        for_group=access.is_group_member(viewer, award),
        lapsed=has_lapsed(award),
        awaiting=is_awaiting_acceptance(award),
    )


outcome_page.register_section("awards/_application_award.html", application_award)
