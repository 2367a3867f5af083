"""Setting up a round's panel: its rules, who sits on it and whom they represent, which
applications go to it, and a member declining an application they were asked to score.

Assignment itself (who scores what) is :mod:`grants.panels.assignment`. Every change here is
audited and flushed; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from grants import audit
from grants.accounts.models import User, UserRole
from grants.applications import services as applications
from grants.applications.models import Application
from grants.applications.states import Actor, ApplicationStatus
from grants.clock import LocalTimeError, parse_time, uk_to_utc
from grants.errors import DomainError, InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.funds.models import Round
from grants.panels.models import (
    Assignment,
    AssignmentStatus,
    Panel,
    PanelProfile,
    PanelSeat,
    Representation,
    ScoreSheet,
)
from grants.permissions import Permission, Role
from grants.reference.models import Neighbourhood
from grants.screening import access as screening_access

REASON_MAX_LENGTH = 1000
ORGANISATION_MAX_LENGTH = 200
# Settings an officer types as whole numbers, the smallest each may be, and how to name it.
NUMBER_SETTINGS = {
    "min_scorers": (1, "the number of scorers for each application"),
    "min_young_people": (0, "the number of young people"),
    "min_faith_members": (0, "the number of faith community members"),
    "rotation_after": (1, "the number of panels in a row"),
    "disagreement_sd": (0, "the standard deviation"),
    "disagreement_range": (0, "the range"),
}
NUMBER_LIMIT = 100  # no panel, target or threshold out of 100 needs more


def check_officer(actor: User) -> None:
    if not actor.can(Permission.MANAGE_PANELS):
        raise NotAllowed("Only programme officers can set up panels")


def panel_for(round_: Round) -> Panel | None:
    return db.session.scalar(select(Panel).where(Panel.round_id == round_.id))


def open_panel(actor: User, round_: Round) -> Panel:
    """The round's one panel, set up with the default rules the first time. Two officers (or a
    double click) opening it at once end with one panel: the loser of the race finds the winner's."""
    check_officer(actor)
    existing = panel_for(round_)
    if existing:
        return existing
    panel = Panel(round_id=round_.id)
    try:
        with db.session.begin_nested():
            db.session.add(panel)
    except IntegrityError:
        return panel_for(round_)
    audit.record(actor, "panel.opened", panel, after=panel.audit_view())
    return panel


@dataclass
class PanelSettings:
    """The rules an officer sets for a panel. Numbers may be None when nothing was typed."""

    min_scorers: int | None
    community_majority: bool
    min_young_people: int | None
    min_faith_members: int | None
    rotation_after: int | None
    disagreement_sd: int | None
    disagreement_range: int | None
    closes_on: date | None = None
    closes_at_time: str | None = None
    indicative_allocations: bool = False


def check_settings(settings: PanelSettings) -> tuple[dict[str, str], datetime | None]:
    """Every problem at once (field -> message), and the scoring window's close in UTC."""
    errors: dict[str, str] = {}
    for name, (smallest, noun) in NUMBER_SETTINGS.items():
        value = getattr(settings, name)
        if value is None:
            errors[name] = f"Enter {noun}"
        elif not smallest <= value <= NUMBER_LIMIT:
            errors[name] = f"Enter {noun} as a whole number from {smallest} to {NUMBER_LIMIT}"
    closes_at = None
    time_text = (settings.closes_at_time or "").strip()
    if settings.closes_on is None and time_text:
        errors["closes_on"] = "Enter the date scoring closes, or clear the time"
    elif settings.closes_on is not None:
        try:
            closes_at = uk_to_utc(settings.closes_on, parse_time(time_text or "17:00"))
        except LocalTimeError as error:
            errors["closes_at_time"] = error.message
    return errors, closes_at


def update_settings(actor: User, panel: Panel, settings: PanelSettings) -> Panel:
    """Change the panel's rules: scorers per application, composition targets, rotation,
    disagreement thresholds, indicative neighbourhood allocations and when scoring closes (a UK date and time; blank for no close)."""
    check_officer(actor)
    errors, closes_at = check_settings(settings)
    if errors:
        raise InvalidInput(errors)
    before = panel.audit_view()
    for name in NUMBER_SETTINGS:
        setattr(panel, name, getattr(settings, name))
    panel.community_majority = settings.community_majority
    panel.indicative_allocations = settings.indicative_allocations
    panel.scoring_closes_at = closes_at
    db.session.flush()
    audit.record(actor, "panel.settings_changed", panel, before=before, after=panel.audit_view())
    return panel


# Members ---------------------------------------------------------------------------------------


def holds_panel_role(user_id: int):
    return exists().where(UserRole.user_id == user_id, UserRole.role == Role.PANEL_MEMBER)


def candidates_query(panel: Panel, search: str = ""):
    """People holding the panel member role who are not on this panel yet, by name."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.PANEL_MEMBER, User.is_active_account.is_(True))
        .where(~exists().where(PanelSeat.panel_id == panel.id, PanelSeat.user_id == User.id))
        .order_by(User.full_name, User.id)
    )
    search = search.strip()
    if search:
        pattern = f"%{search.replace('%', '').replace('_', '')}%"
        query = query.where(User.full_name.ilike(pattern) | User.email.ilike(pattern))
    return query


def seat_member(actor: User, panel: Panel, user_id: int) -> PanelSeat:
    """Put a panel member on the panel. Adding someone twice (a double click) changes nothing."""
    check_officer(actor)
    member = db.session.get(User, user_id)
    if member is None or not db.session.scalar(select(holds_panel_role(user_id))):
        raise DomainError("Select a person who holds the panel member role", field="member")
    existing = _seat(panel, user_id)
    if existing:
        return existing
    seat = PanelSeat(panel_id=panel.id, user_id=user_id, added_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(seat)
    except IntegrityError:
        return _seat(panel, user_id)
    audit.record(actor, "panel.member_added", panel, after={"member_id": user_id})
    return seat


def _seat(panel: Panel, user_id: int) -> PanelSeat | None:
    return db.session.scalar(
        select(PanelSeat).where(PanelSeat.panel_id == panel.id, PanelSeat.user_id == user_id)
    )


def seat_of(panel: Panel, seat_id: int) -> PanelSeat:
    """One of this panel's seats; another panel's seat is not found."""
    seat = db.session.get(PanelSeat, seat_id)
    if seat is None or seat.panel_id != panel.id:
        raise NotFound("That person is not on this panel")
    return seat


def unseat_member(actor: User, panel: Panel, seat: PanelSeat) -> None:
    """Take a member off the panel, with the applications they were asked to score. Someone who
    has started scoring stays: their scores are part of the record."""
    check_officer(actor)
    if seat.panel_id != panel.id:
        raise NotFound("That person is not on this panel")
    scored = db.session.scalar(
        select(
            exists().where(
                ScoreSheet.user_id == seat.user_id,
                ScoreSheet.application_id.in_(
                    select(Assignment.application_id).where(Assignment.panel_id == panel.id)
                ),
            )
        )
    )
    if scored:
        raise DomainError(
            f"{seat.user.full_name} has started scoring, so they stay on the panel. "
            "They can decline the applications they have not scored."
        )
    assignments = list(
        db.session.scalars(
            select(Assignment).where(
                Assignment.panel_id == panel.id, Assignment.user_id == seat.user_id
            )
        )
    )
    for assignment in assignments:
        db.session.delete(assignment)
    db.session.delete(seat)
    db.session.flush()
    audit.record(
        actor,
        "panel.member_removed",
        panel,
        before={
            "member_id": seat.user_id,
            "assigned_application_ids": sorted(a.application_id for a in assignments),
        },
    )


def profile_of(user: User) -> PanelProfile | None:
    return db.session.get(PanelProfile, user.id)


def save_profile(
    actor: User,
    member: User,
    *,
    representation: str | None,
    organisation: str | None,
    neighbourhood_id: int | None,
) -> PanelProfile:
    """A member says whom they represent and where they live; an officer may record it for a
    member without a computer (kept as ``recorded_by``)."""
    if actor.id != member.id:
        check_officer(actor)
    if not db.session.scalar(select(holds_panel_role(member.id))):
        raise NotFound("That person is not a panel member")
    errors = {}
    try:
        chosen = Representation(representation or "")
    except ValueError:
        errors["representation"] = "Select whom the member represents"
    organisation = (organisation or "").strip() or None
    if organisation and len(organisation) > ORGANISATION_MAX_LENGTH:
        errors["organisation"] = (
            f"Organisation must be {ORGANISATION_MAX_LENGTH} characters or fewer"
        )
    if neighbourhood_id is not None and db.session.get(Neighbourhood, neighbourhood_id) is None:
        errors["neighbourhood"] = "Select a neighbourhood from the list"
    if errors:
        raise InvalidInput(errors)
    profile = profile_of(member)
    before = profile.audit_view() if profile else None
    if profile is None:
        profile = PanelProfile(user_id=member.id)
        db.session.add(profile)
    profile.representation = chosen
    profile.organisation = organisation
    profile.home_neighbourhood_id = neighbourhood_id
    profile.recorded_by_id = None if actor.id == member.id else actor.id
    db.session.flush()
    audit.record(actor, "panel.profile_saved", member, before=before, after=profile.audit_view())
    return profile


# Applications ----------------------------------------------------------------------------------


def eligible_query(round_: Round):
    """The round's applications found eligible and not yet with the panel."""
    return (
        select(Application)
        .options(joinedload(Application.organisation))
        .where(Application.round_id == round_.id, Application.status == ApplicationStatus.ELIGIBLE)
        .order_by(Application.reference, Application.id)
    )


def application_of(round_: Round, application_id: int) -> Application:
    """One of the round's applications; another round's is not found."""
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != round_.id:
        raise NotFound("That application is not in this round")
    return application


def move_to_panel(actor: User, panel: Panel, application: Application) -> Application:
    """Send one eligible application of the panel's round to the panel ("with the panel")."""
    check_officer(actor)
    if application.round_id != panel.round_id:
        raise NotFound("That application is not in this round")
    if application.status == ApplicationStatus.IN_PANEL_REVIEW:
        return application  # a double click: it is already there
    if application.status != ApplicationStatus.ELIGIBLE:
        raise DomainError("Only an application found eligible can go to the panel")
    screening_access.check_may_decide(actor, application)
    applications.move(actor, application, ApplicationStatus.IN_PANEL_REVIEW, Actor.OFFICER)
    db.session.flush()
    return application


def move_all_eligible(actor: User, panel: Panel) -> int:
    """Send every eligible application of the round to the panel; how many went. Any of the
    officer's own groups' applications stay behind for a colleague to send."""
    check_officer(actor)
    moved = [
        application
        for application in db.session.scalars(eligible_query(panel.round))
        if not screening_access.decision_conflict(actor, application)
    ]
    for application in moved:
        applications.move(actor, application, ApplicationStatus.IN_PANEL_REVIEW, Actor.OFFICER)
    db.session.flush()
    return len(moved)


def decline_assignment(member: User, assignment: Assignment, reason: str) -> Assignment:
    """A member asks not to score an application, saying why; the officer then sees the gap."""
    if assignment.user_id != member.id:
        raise NotAllowed("You can only decline applications you were asked to score")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why you cannot score this application", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            f"Reason must be {REASON_MAX_LENGTH:,} characters or fewer", field="reason"
        )
    if assignment.status == AssignmentStatus.DECLINED:
        return assignment  # already declined (a double click)
    submitted = db.session.scalar(
        select(ScoreSheet.submitted_at).where(
            ScoreSheet.application_id == assignment.application_id,
            ScoreSheet.user_id == member.id,
        )
    )
    if submitted is not None:
        raise DomainError("You have sent your scores for this application, so cannot decline it")
    before = {"status": assignment.status.value}
    assignment.status = AssignmentStatus.DECLINED
    assignment.declined_reason = reason
    db.session.flush()
    audit.record(
        member,
        "panel.assignment_declined",
        assignment,
        before=before,
        after={"status": assignment.status.value, "reason": reason},
    )
    return assignment
