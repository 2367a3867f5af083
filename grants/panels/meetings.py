"""The moderation meeting: opening it, attendance and quorum, the ranking method, moderated scores,
and the meeting view's ranked list.

The ranked list is built from the submitted score sheets of members without a standing conflict
(``declarations.counting_filter``), loaded in a fixed number of queries however many applications
the round has, and handed to ``grants.panels.aggregation`` for the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, load_only, selectinload

from grants import audit
from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import PANEL_STARTED
from grants.clock import utcnow
from grants.errors import DomainError, InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.funds.models import Criterion
from grants.organisations.models import Organisation
from grants.panels import aggregation
from grants.panels.conflicts import check_officer_may_act
from grants.panels.declarations import counting_filter
from grants.panels.meeting_models import Decision, Meeting, MeetingAttendance, ModeratedScore
from grants.panels.models import Panel, PanelProfile, PanelSeat, RankingMethod, Score, ScoreSheet
from grants.permissions import Permission
from grants.transaction import claim

REASON_MAX_LENGTH = 5000
ALREADY_CLOSED = "The meeting has closed"


def check_officer(actor: User) -> None:
    if not actor.can(Permission.MANAGE_PANELS):
        raise NotAllowed("Only programme officers can run panel meetings")


def load_panel(panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None:
        raise NotFound("Panel not found")
    return panel


def meeting_of(panel: Panel) -> Meeting | None:
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.panel_id == panel.id)
        .options(selectinload(Meeting.attendance))
    )


def members_of(panel: Panel) -> list[User]:
    """The people on the panel, by name: who may be recorded as attending its meeting."""
    return list(
        db.session.scalars(
            select(User)
            .join(PanelSeat, PanelSeat.user_id == User.id)
            .where(PanelSeat.panel_id == panel.id)
            .order_by(User.full_name, User.id)
        )
    )


def open_meeting(actor: User, panel: Panel, *, min_members: int = 3) -> Meeting:
    """Open the round's one meeting (opening it twice is a no-op)."""
    check_officer(actor)
    meeting = meeting_of(panel)
    if meeting is not None:
        return meeting
    _check_min_members(min_members)
    meeting = Meeting(panel_id=panel.id, opened_by_id=actor.id, min_members=min_members)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting.opened", meeting, after=meeting.audit_view())
    return meeting


def _check_min_members(min_members: int | None) -> None:
    if min_members is None or not 1 <= min_members <= 100:
        raise DomainError(
            "Enter the minimum number of members for quorum, from 1 to 100", field="min_members"
        )


def check_open(meeting: Meeting | None) -> Meeting:
    if meeting is None:
        raise DomainError("Open the meeting first")
    if not meeting.is_open:
        raise DomainError(ALREADY_CLOSED)
    return meeting


def record_attendance(
    actor: User, meeting: Meeting, user_ids: list[int], *, min_members: int | None
) -> Meeting:
    """Who is in the room (only the panel's members count) and the quorum's minimum."""
    check_officer(actor)
    check_open(meeting)
    seated = set(
        db.session.scalars(select(PanelSeat.user_id).where(PanelSeat.panel_id == meeting.panel_id))
    )
    wanted = set(user_ids)
    errors = {}
    if wanted - seated:
        errors["attending"] = "Choose members of this panel"
    try:
        _check_min_members(min_members)
    except DomainError as error:
        errors["min_members"] = error.message
    if errors:
        raise InvalidInput(errors)
    before = meeting.audit_view()
    meeting.min_members = min_members
    for attendance in list(meeting.attendance):
        if attendance.user_id not in wanted:
            meeting.attendance.remove(attendance)
    present = {a.user_id for a in meeting.attendance}
    for user_id in sorted(wanted - present):
        meeting.attendance.append(MeetingAttendance(user_id=user_id))
    db.session.flush()
    audit.record(actor, "meeting.attendance", meeting, before=before, after=meeting.audit_view())
    return meeting


@dataclass(frozen=True)
class Quorum:
    attending: int
    community: int
    min_members: int

    @property
    def enough_members(self) -> bool:
        return self.attending >= self.min_members

    @property
    def community_half(self) -> bool:
        return self.attending > 0 and 2 * self.community >= self.attending

    @property
    def met(self) -> bool:
        return self.enough_members and self.community_half


def quorum(meeting: Meeting) -> Quorum:
    """Minimum members present, and community members (not council or partner) at least half of
    those present. A member without a recorded representation does not count as community."""
    attending = [a.user_id for a in meeting.attendance]
    profiles = db.session.scalars(
        select(PanelProfile).where(PanelProfile.user_id.in_(attending))
    ).all()
    community = sum(1 for p in profiles if p.representation.is_community)
    return Quorum(len(attending), community, meeting.min_members)


def override_quorum(actor: User, meeting: Meeting, reason: str | None) -> Meeting:
    """Let decisions be recorded without quorum; the reason goes into the decision record."""
    check_officer(actor)
    check_open(meeting)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the meeting may decide without quorum", field="reason")
    before = meeting.audit_view()
    meeting.quorum_override_reason = reason[:REASON_MAX_LENGTH]
    meeting.quorum_overridden_by_id = actor.id
    meeting.quorum_overridden_at = utcnow()
    db.session.flush()
    audit.record(
        actor, "meeting.quorum_overridden", meeting, before=before, after=meeting.audit_view()
    )
    return meeting


def check_may_decide(meeting: Meeting | None) -> Meeting:
    meeting = check_open(meeting)
    if meeting.quorum_overridden_at is None and not quorum(meeting).met:
        raise DomainError(
            "The meeting is not quorate. Record who is attending, or record why it may decide "
            "without quorum"
        )
    return meeting


# Called with (actor, meeting) as a meeting closes, in its transaction: the decision record is
# drawn and stored then (``record.store_at_close``), and commits with the close or not at all.
_close_listeners: list[Callable[[User, Meeting], object]] = []


def on_close(listener: Callable[[User, Meeting], object]) -> None:
    if listener not in _close_listeners:
        _close_listeners.append(listener)


def close_meeting(actor: User, meeting: Meeting) -> Meeting:
    """Close the meeting: the round's panel work is frozen (``freeze``) and its record stored.
    Closing twice at once (a double click) closes it once: the second finds it closed."""
    check_officer(actor)
    check_open(meeting)
    if not claim(meeting, closed_at=None):
        raise DomainError(ALREADY_CLOSED)
    meeting.closed_at = utcnow()
    db.session.flush()
    audit.record(actor, "meeting.closed", meeting, after=meeting.audit_view())
    for listener in _close_listeners:
        listener(actor, meeting)
    return meeting


def choose_ranking_method(actor: User, panel: Panel, method: str | RankingMethod) -> Panel:
    check_officer(actor)
    try:
        chosen = RankingMethod(method)
    except ValueError:
        raise DomainError("Choose how to rank the applications", field="method") from None
    before = {"ranking_method": panel.ranking_method.value}
    panel.ranking_method = chosen
    db.session.flush()
    audit.record(
        actor, "panel.ranking_method", panel, before=before, after={"ranking_method": chosen.value}
    )
    return panel


def moderate(actor: User, application: Application, score: int | None, reason: str | None):
    """Store a score agreed in discussion beside the originals, which never change."""
    check_officer(actor)
    check_officer_may_act(actor, application, "moderate the score of")
    if application.status not in PANEL_STARTED:
        raise DomainError("Only an application with the panel can have a moderated score")
    check_open(
        db.session.scalar(select(Meeting).join(Panel).where(Panel.round_id == application.round_id))
    )
    decision = db.session.scalar(select(Decision).where(Decision.application_id == application.id))
    if decision is not None and not decision.can_be_decided_again:
        raise DomainError("The decision has been released, so the score can no longer change")
    errors = {}
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
        errors["score"] = "Enter a moderated score from 0 to 100"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter why the panel moderated the score"
    if errors:
        raise InvalidInput(errors)
    moderated = ModeratedScore(
        application_id=application.id,
        score=score,
        reason=reason[:REASON_MAX_LENGTH],
        moderated_by_id=actor.id,
    )
    db.session.add(moderated)
    db.session.flush()
    audit.record(
        actor, "application.score_moderated", application, after={"score": score, "reason": reason}
    )
    return moderated


# The ranked list -------------------------------------------------------------------------------


def scoring_inputs(round_id: int) -> tuple[list, list]:
    """The aggregation's inputs for a round in two queries: the criteria, and every submitted
    sheet that counts (its member has no standing conflict) as ``aggregation.WeightedSheet``.

    The database adds up each sheet's weighted score (n/a and criteria of other rounds left out
    of both sums, as ``aggregation.weighted_score`` does), so a round of 500 applications with 7
    scorers and 5 criteria reads 3,500 rows rather than 17,500 scores; they are read as plain
    rows on the session's connection, since building ORM result rows costs more than the query.
    (The criteria query has just autoflushed, so the connection sees every pending change.)
    """
    criteria = db.session.execute(
        select(Criterion.id, Criterion.weight, Criterion.max_score).where(
            Criterion.round_id == round_id
        )
    ).all()
    if not criteria:
        return [], []
    # Each score's criterion's weight and maximum, written into the query: joining the criteria
    # leads SQLite to a plan several times slower.
    # Each score is normalised to its maximum on the criteria's common scale, in integers.
    scale = aggregation.common_scale([aggregation.CriterionSpec(*c) for c in criteria])
    weight_of = case({id_: w * (scale // m) for id_, w, m in criteria}, value=Score.criterion_id)
    possible_of = case({id_: w * scale for id_, w, _ in criteria}, value=Score.criterion_id)
    maximum_of = case({id_: m for id_, _, m in criteria}, value=Score.criterion_id)
    query = (
        select(
            ScoreSheet.user_id,
            ScoreSheet.application_id,
            func.sum(weight_of * Score.score),
            func.sum(possible_of),
            func.max(Score.score - maximum_of),
        )
        .join(Score, Score.sheet_id == ScoreSheet.id)
        .join(Application, Application.id == ScoreSheet.application_id)
        .where(
            Application.round_id == round_id,
            Application.status.in_(PANEL_STARTED),
            ScoreSheet.submitted_at.is_not(None),
            counting_filter(),
            Score.score.is_not(None),
        )
        .group_by(ScoreSheet.id, ScoreSheet.user_id, ScoreSheet.application_id)
    )
    sheets = []
    rows = db.session.connection().execute(query)
    for user_id, application_id, awarded, possible, over in rows:
        if possible is None:  # scored only criteria of another round
            continue
        if over > 0:  # the scoring service refuses such a score: a figure above 100 is a bug
            raise ValueError(f"a score on sheet ({user_id}, {application_id}) is above its maximum")
        sheets.append(aggregation.WeightedSheet(user_id, application_id, awarded, possible))
    specs = [
        aggregation.CriterionSpec(id=id_, weight=weight, max_score=max_score)
        for id_, weight, max_score in criteria
    ]
    return sheets, specs


def _ranked_columns() -> tuple:
    """Loader options for what a ranked list shows of each application (built when first used:
    at import the models may not all be mapped yet)."""
    return (
        load_only(
            Application.round_id,
            Application.organisation_id,
            Application.reference,
            Application.title,
            Application.status,
            Application.amount_requested_pence,
        ),
        contains_eager(Application.organisation).load_only(Organisation.name),
    )


@dataclass
class Row:
    """One application in the meeting view."""

    application: Application
    aggregate: object | None  # aggregation.ApplicationAggregate, or None before any score
    moderated: ModeratedScore | None
    decision: Decision | None
    rank: int = 0
    score: float | None = None  # what it is ranked by: the moderated score, else the method's

    @property
    def flagged(self) -> bool:
        return bool(self.aggregate and self.aggregate.disagreement)


@dataclass
class RankedList:
    method: RankingMethod
    rows: list[Row] = field(default_factory=list)

    @property
    def flagged(self) -> list[Row]:
        return [row for row in self.rows if row.flagged]

    def rank_of(self, application_id: int) -> int | None:
        return next((r.rank for r in self.rows if r.application.id == application_id), None)


def ranked_list(panel: Panel, *, with_neighbourhoods: bool = False) -> RankedList:
    """Every application with the panel, best first by the panel's ranking method (a moderated
    score, when there is one, takes the place of the computed one). Constant queries.

    Each application is loaded with only what a ranked list shows (a round may have hundreds),
    and its neighbourhoods only when asked for (the equity split)."""
    round_id = panel.round_id
    sheets, specs = scoring_inputs(round_id)
    aggregates = aggregation.aggregate(
        sheets, specs, sd_threshold=panel.disagreement_sd, range_threshold=panel.disagreement_range
    )
    applications = db.session.scalars(
        select(Application)
        .join(Application.organisation)
        .where(Application.round_id == round_id, Application.status.in_(PANEL_STARTED))
        .options(*_ranked_columns())
        .options(*([selectinload(Application.neighbourhoods)] if with_neighbourhoods else []))
    ).all()
    moderated = _latest_moderated(round_id)
    decisions = {
        d.application_id: d
        for d in db.session.scalars(
            select(Decision)
            .join(Application, Application.id == Decision.application_id)
            .where(Application.round_id == round_id)
        )
    }
    rows = []
    for application in applications:
        aggregate = aggregates.get(application.id)
        row = Row(
            application, aggregate, moderated.get(application.id), decisions.get(application.id)
        )
        if row.moderated:
            row.score = float(row.moderated.score)
        elif aggregate:
            row.score = aggregation.ranking_score(aggregate, panel.ranking_method)
        rows.append(row)
    # As aggregation.ranked orders them: ties go to the higher mean, then the earlier application.
    rows.sort(
        key=lambda r: (
            r.score is None,
            -round(r.score or 0, 9),
            -round(r.aggregate.mean if r.aggregate else 0, 9),
            r.application.id,
        )
    )
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return RankedList(panel.ranking_method, rows)


def _latest_moderated(round_id: int) -> dict[int, ModeratedScore]:
    latest = (
        select(func.max(ModeratedScore.id))
        .join(Application, Application.id == ModeratedScore.application_id)
        .where(Application.round_id == round_id)
        .group_by(ModeratedScore.application_id)
    )
    return {
        m.application_id: m
        for m in db.session.scalars(select(ModeratedScore).where(ModeratedScore.id.in_(latest)))
    }


def moderation_history(application: Application) -> list[ModeratedScore]:
    return list(
        db.session.scalars(
            select(ModeratedScore)
            .where(ModeratedScore.application_id == application.id)
            .options(selectinload(ModeratedScore.moderated_by))
            .order_by(ModeratedScore.id)
        )
    )
