"""Who scores which application: all to all, or balanced so that each application has at least
the panel's number of independent scorers with the load spread evenly; the gaps declines and
conflicts leave; reassigning; and each application's and member's progress.

A member is never assigned an application from a group they belong to: that conflict is recorded
as a declaration instead, so it also appears in the register of interests.

Active scorers of an application are its members still assigned (not declined) who have no
conflict with it. Every figure below is computed in a fixed number of queries.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, select

from grants import audit, transaction
from grants.accounts.models import User
from grants.applications.conflicts import conflicted_pairs
from grants.applications.models import Application
from grants.applications.states import PANEL_STARTED, ApplicationStatus
from grants.errors import DomainError, NotFound
from grants.extensions import db
from grants.organisations.models import Membership
from grants.panels.conflicts import (
    check_officer_may_act,
    conflict_found_automatically,
    officer_conflicted_ids,
)
from grants.panels.design import Coverage, coverage, plan_balanced
from grants.panels.models import (
    Assignment,
    AssignmentStatus,
    Declaration,
    InterestKind,
    Panel,
    PanelSeat,
    ScoreSheet,
)
from grants.panels.services import check_officer


class AssignmentMode(enum.StrEnum):
    BALANCED = "balanced"
    ALL_TO_ALL = "all_to_all"

    @property
    def label(self) -> str:
        return {
            AssignmentMode.BALANCED: "Balanced: each application gets the panel's number of "
            "scorers, with the work spread evenly",
            AssignmentMode.ALL_TO_ALL: "All to all: every member scores every application",
        }[self]


Pair = tuple[int, int]  # (application id, member id)


def plan_all_to_all(
    application_ids: Iterable[int], member_ids: Iterable[int], *, excluded: set[Pair]
) -> list[Pair]:
    return [
        (application_id, member)
        for application_id in sorted(set(application_ids))
        for member in sorted(set(member_ids))
        if (application_id, member) not in excluded
    ]


@dataclass
class PanelState:
    """What assignment needs to know about a panel, loaded in a fixed number of queries."""

    applications: list  # rows: id, reference, title, status
    member_ids: list[int]
    assignments: list  # rows: application_id, user_id, status
    conflicts: set[Pair]  # declared (or found) conflicts, not waived
    group_members: set[Pair]  # members of the applying group, declared or not

    @property
    def active(self) -> dict[int, set[int]]:
        scorers: dict[int, set[int]] = defaultdict(set)
        for assignment in self.assignments:
            pair = (assignment.application_id, assignment.user_id)
            blocked = pair in self.conflicts or pair in self.group_members
            if assignment.status == AssignmentStatus.ASSIGNED and not blocked:
                scorers[assignment.application_id].add(assignment.user_id)
        return scorers

    @property
    def load(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for scorers in self.active.values():
            for member in scorers:
                counts[member] += 1
        return counts

    @property
    def excluded(self) -> set[Pair]:
        existing = {(a.application_id, a.user_id) for a in self.assignments}
        return existing | self.conflicts | self.group_members


def panel_state(panel: Panel, statuses=(ApplicationStatus.IN_PANEL_REVIEW,)) -> PanelState:
    """The panel's applications in these statuses, its members, their assignments, conflicts and
    group memberships, in five queries of plain rows: a round may have hundreds of applications
    and thousands of assignments, and these pages only read a few columns of each. Each row has
    the attributes the state's rules read (``id``, ``reference``, ``title``, ``status``; and
    ``application_id``, ``user_id``, ``status`` for assignments)."""
    in_state = and_(Application.round_id == panel.round_id, Application.status.in_(statuses))
    applications = rows_of(
        select(Application.id, Application.reference, Application.title, Application.status)
        .where(in_state)
        .order_by(Application.reference, Application.id)
    )
    member_ids = [
        user_id
        for (user_id,) in rows_of(select(PanelSeat.user_id).where(PanelSeat.panel_id == panel.id))
    ]
    assignments = rows_of(
        select(Assignment.application_id, Assignment.user_id, Assignment.status)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.panel_id == panel.id, in_state)
    )
    conflicts = set(
        rows_of(
            select(Declaration.application_id, Declaration.user_id)
            .join(Application, Application.id == Declaration.application_id)
            .where(in_state, Declaration.kind != InterestKind.NONE, Declaration.waived_at.is_(None))
        )
    )
    group_members = set(
        rows_of(
            conflicted_pairs(in_state)
            .join(PanelSeat, PanelSeat.user_id == Membership.user_id)
            .where(PanelSeat.panel_id == panel.id)
        )
    )
    return PanelState(applications, member_ids, assignments, conflicts, group_members)


def rows_of(query) -> list:
    """Plain rows straight from the session's connection (after the flush a session query would
    make), without the ORM's work on each of thousands of rows."""
    db.session.flush()
    return db.session.connection().execute(query).all()


@dataclass
class AssignmentResult:
    assigned: int = 0
    conflicts_recorded: int = 0
    left_for_colleague: int = 0  # applications of the officer's own groups, not touched
    short: list[Application] = field(default_factory=list)  # still below the panel's number


def assign(actor: User, panel: Panel, mode: AssignmentMode) -> AssignmentResult:
    """Assign the applications with the panel to its members. Running it again after new
    applications or members arrive only tops up; two runs at once (a double click) are put in
    order on the panel's row, so the second finds the first's assignments and adds nothing."""
    check_officer(actor)
    if not transaction.claim(panel, round_id=panel.round_id):
        raise NotFound("That panel no longer exists")
    state = panel_state(panel)
    result = AssignmentResult()
    own = officer_conflicted_ids(actor, panel.round_id)
    result.left_for_colleague = sum(a.id in own for a in state.applications)
    state.applications = [a for a in state.applications if a.id not in own]
    result.conflicts_recorded = _record_group_conflicts(actor, state)
    if mode == AssignmentMode.ALL_TO_ALL:
        plan = plan_all_to_all(
            [a.id for a in state.applications], state.member_ids, excluded=state.excluded
        )
    else:
        plan = plan_balanced(
            [a.id for a in state.applications],
            state.member_ids,
            min_scorers=panel.min_scorers,
            active=state.active,
            excluded=state.excluded,
            load=state.load,
        )
    for application_id, member_id in plan:
        db.session.add(
            Assignment(
                panel_id=panel.id,
                application_id=application_id,
                user_id=member_id,
                assigned_by_id=actor.id,
            )
        )
    db.session.flush()
    result.assigned = len(plan)
    active = panel_state(panel).active if plan or result.conflicts_recorded else state.active
    result.short = [a for a in state.applications if len(active[a.id]) < panel.min_scorers]
    audit.record(
        actor,
        "panel.assigned",
        panel,
        after={
            "mode": mode.value,
            "assignments": [list(pair) for pair in plan],
            "conflicts_recorded": result.conflicts_recorded,
        },
    )
    return result


def _record_group_conflicts(actor: User, state: PanelState) -> int:
    """Record, once, each member's membership of an applying group (now, or since it applied) as
    a conflict, replacing any "no conflict" they declared (found by the service, so
    ``recorded_by`` is empty; the audit trail names the officer who ran it)."""
    ids = {a.id for a in state.applications}
    standing = {
        (d.application_id, d.user_id)
        for d in db.session.scalars(
            select(Declaration).where(
                Declaration.application_id.in_(ids),
                Declaration.kind == InterestKind.GROUP_MEMBER,
                Declaration.waived_at.is_(None),
            )
        )
    }
    found = sorted(pair for pair in state.group_members - standing if pair[0] in ids)
    recorded = [
        pair
        for pair in found
        if conflict_found_automatically(pair[0], pair[1], actor=actor) is not None
    ]
    state.conflicts |= set(recorded)
    return len(recorded)


def reassign(actor: User, panel: Panel, application_id: int, member_id: int) -> Assignment:
    """Ask one more member to score an application (after a decline or a conflict)."""
    check_officer(actor)
    state = panel_state(panel)
    application = next((a for a in state.applications if a.id == application_id), None)
    if application is None:
        raise NotFound("That application is not with this panel")
    check_officer_may_act(actor, db.session.get(Application, application_id), "assign")
    if member_id not in state.member_ids:
        raise DomainError("Select a member of this panel", field="member")
    pair = (application_id, member_id)
    if pair in state.group_members or pair in state.conflicts:
        raise DomainError(
            "That member has a conflict of interest with this application", field="member"
        )
    if any((a.application_id, a.user_id) == pair for a in state.assignments):
        raise DomainError(
            "That member has already been asked to score this application", field="member"
        )
    assignment = Assignment(
        panel_id=panel.id,
        application_id=application_id,
        user_id=member_id,
        assigned_by_id=actor.id,
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        actor,
        "panel.reassigned",
        assignment,
        after={"application_id": application_id, "member_id": member_id},
    )
    return assignment


def reassign_choices(panel: Panel, application_id: int) -> list[User]:
    """The panel's members who may be asked to score this application, least loaded first."""
    state = panel_state(panel)
    load = state.load
    excluded = state.excluded
    allowed = [m for m in state.member_ids if (application_id, m) not in excluded]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(allowed)))}
    return sorted(users.values(), key=lambda u: (load.get(u.id, 0), u.full_name, u.id))


# Progress --------------------------------------------------------------------------------------


@dataclass
class ApplicationProgress:
    application: object  # a row of panel_state: id, reference, title, status
    submitted: int
    active: int
    declined: int
    conflicted: int
    below_minimum: bool

    @property
    def label(self) -> str:
        return f"{self.submitted} of {self.active}"


@dataclass
class MemberProgress:
    member_id: int
    submitted: int
    active: int

    @property
    def label(self) -> str:
        return f"{self.submitted} of {self.active} scored"


@dataclass
class Progress:
    applications: list[ApplicationProgress]
    members: dict[int, MemberProgress]
    coverage: Coverage | None = None  # whether scores can be compared across the panel

    @property
    def gaps(self) -> list[ApplicationProgress]:
        return [p for p in self.applications if p.below_minimum]


def submitted_pairs(panel: Panel) -> set[Pair]:
    """(application, member) for every submitted sheet of an application with the panel."""
    return set(
        rows_of(
            select(ScoreSheet.application_id, ScoreSheet.user_id)
            .join(Application, Application.id == ScoreSheet.application_id)
            .where(
                Application.round_id == panel.round_id,
                Application.status.in_(PANEL_STARTED),
                ScoreSheet.submitted_at.is_not(None),
            )
        )
    )


def progress(panel: Panel) -> Progress:
    """Scores in for each application ("2 of 5": submitted sheets of its active scorers) and
    each member's progress ("4 of 9 scored"), in a fixed number of queries."""
    state = panel_state(panel, statuses=tuple(PANEL_STARTED))
    submitted = submitted_pairs(panel)
    active = state.active
    members = {m: MemberProgress(m, 0, 0) for m in state.member_ids}
    declined: dict[int, int] = defaultdict(int)
    conflicted: dict[int, int] = defaultdict(int)
    for assignment in state.assignments:
        pair = (assignment.application_id, assignment.user_id)
        if assignment.status == AssignmentStatus.DECLINED:
            declined[assignment.application_id] += 1
        elif pair in state.conflicts or pair in state.group_members:
            conflicted[assignment.application_id] += 1
    for application_id, scorers in active.items():
        for member in scorers:
            progress_of = members.setdefault(member, MemberProgress(member, 0, 0))
            progress_of.active += 1
            progress_of.submitted += (application_id, member) in submitted
    rows = []
    for application in state.applications:
        scorers = active.get(application.id, set())
        rows.append(
            ApplicationProgress(
                application=application,
                submitted=sum((application.id, m) in submitted for m in scorers),
                active=len(scorers),
                declined=declined[application.id],
                conflicted=conflicted[application.id],
                below_minimum=application.status == ApplicationStatus.IN_PANEL_REVIEW
                and len(scorers) < panel.min_scorers,
            )
        )
    return Progress(applications=rows, members=members, coverage=coverage(state.member_ids, active))
