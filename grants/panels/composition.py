"""Who is on a panel: each member's representation against the officer's targets, and each
member's history across rounds, flagged for rotation when they sat on the last few panels (the
guard against the same insiders deciding every round)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.accounts.models import User
from grants.extensions import db
from grants.funds.models import Round
from grants.panels.models import Panel, PanelProfile, PanelSeat, Representation


@dataclass
class Member:
    """One seated member, with their profile (None until they or an officer record it)."""

    seat: PanelSeat
    user: User
    profile: PanelProfile | None
    earlier_rounds: list[Round] = field(default_factory=list)  # newest first
    due_for_rotation: bool = False


@dataclass
class Composition:
    members: list[Member]
    counts: dict[Representation, int]
    community: int
    warnings: list[str]

    @property
    def without_profile(self) -> int:
        return sum(1 for member in self.members if member.profile is None)


def members_of(panel: Panel) -> list[Member]:
    """The panel's members with their profiles and rotation history, in two queries."""
    rows = db.session.execute(
        select(PanelSeat, User, PanelProfile)
        .join(User, User.id == PanelSeat.user_id)
        .outerjoin(PanelProfile, PanelProfile.user_id == PanelSeat.user_id)
        .options(joinedload(PanelProfile.home_neighbourhood))
        .where(PanelSeat.panel_id == panel.id)
        .order_by(User.full_name, User.id)
    ).all()
    members = [Member(seat, user, profile) for seat, user, profile in rows]
    _add_history(panel, members)
    return members


def _add_history(panel: Panel, members: list[Member]) -> None:
    """Earlier panels each member sat on; flag those who sat on each of the ``rotation_after``
    panels of the rounds that opened just before this one."""
    this_round = db.session.get(Round, panel.round_id)
    earlier = db.session.execute(
        select(PanelSeat.user_id, Panel.id, Round)
        .join(Panel, Panel.id == PanelSeat.panel_id)
        .join(Round, Round.id == Panel.round_id)
        .where(Round.opens_at < this_round.opens_at)
        .order_by(Round.opens_at.desc(), Round.id.desc())
    ).all()
    recent_panels = list(
        db.session.scalars(
            select(Panel.id)
            .join(Round, Round.id == Panel.round_id)
            .where(Round.opens_at < this_round.opens_at)
            .order_by(Round.opens_at.desc(), Round.id.desc())
            .limit(panel.rotation_after)
        )
    )
    sat_on: dict[int, set[int]] = defaultdict(set)
    rounds: dict[int, list[Round]] = defaultdict(list)
    for user_id, panel_id, round_ in earlier:
        sat_on[user_id].add(panel_id)
        rounds[user_id].append(round_)
    for member in members:
        member.earlier_rounds = rounds[member.user.id]
        member.due_for_rotation = (
            len(recent_panels) == panel.rotation_after
            and set(recent_panels) <= sat_on[member.user.id]
        )


def composition(panel: Panel, members: list[Member]) -> Composition:
    """Counts by representation and a warning for each target the panel misses."""
    counts = dict.fromkeys(Representation, 0)
    for member in members:
        if member.profile:
            counts[member.profile.representation] += 1
    community = sum(n for kind, n in counts.items() if kind.is_community)
    warnings = []
    if panel.community_majority and community * 2 <= len(members):
        warnings.append(
            f"Community members should be a majority: {community} of {len(members)} are "
            "residents, VCFSE, young people or faith community members"
        )
    young = counts[Representation.YOUNG_PERSON]
    if young < panel.min_young_people:
        warnings.append(
            f"The panel needs at least {_people(panel.min_young_people, 'young person', 'young people')}"
            f" (under 25): it has {young}"
        )
    faith = counts[Representation.FAITH]
    if faith < panel.min_faith_members:
        warnings.append(
            f"The panel needs at least {_people(panel.min_faith_members, 'faith community member', 'faith community members')}"
            f": it has {faith}"
        )
    unknown = sum(1 for member in members if member.profile is None)
    if unknown:
        warnings.append(
            f"{_people(unknown, 'member has', 'members have')} not said whom they represent "
            "yet, so they are not counted"
        )
    return Composition(members, counts, community, warnings)


def _people(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
