"""Meeting test data: a round whose panel has scored its applications, and an open, quorate
meeting."""

from __future__ import annotations

from dataclasses import dataclass

from grants.applications.models import Application
from grants.clock import utcnow
from grants.extensions import db
from grants.funds.models import Criterion, Round
from grants.panels import meetings
from grants.panels import services as panels
from grants.panels.meeting_models import DeclineReason, Meeting
from grants.panels.models import Panel, Representation, Score, ScoreSheet
from grants.permissions import Role
from tests.factories import make_user
from tests.panels.factories import eligible_application, make_panel, panel_member, scoring_round


@dataclass
class Scored:
    officer: object
    round: Round
    panel: Panel
    members: list
    applications: list[Application]  # best scored first
    meeting: Meeting | None = None


def with_panel(application: Application, officer, panel: Panel) -> Application:
    return panels.move_to_panel(officer, panel, application)


def score(application: Application, member, values: list[int | None]) -> ScoreSheet:
    """A submitted sheet: one value per criterion in position order (None is n/a)."""
    criteria = (
        db.session.query(Criterion)
        .filter_by(round_id=application.round_id)
        .order_by(Criterion.position)
        .all()
    )
    sheet = ScoreSheet(application_id=application.id, user_id=member.id, submitted_at=utcnow())
    for criterion, value in zip(criteria, values, strict=True):
        sheet.scores.append(
            Score(criterion_id=criterion.id, score=value, not_applicable=value is None)
        )
    db.session.add(sheet)
    db.session.flush()
    return sheet


def scored_round(
    levels=(5, 4, 3), *, budget_pence: int = 6_000_000, amount_pence: int = 150_000, members=4
) -> Scored:
    """One application per level (every member scores it that level on each criterion), with the
    panel; best first. Every member is a resident, so a meeting they all attend is quorate."""
    officer = make_user(Role.PROGRAMME_OFFICER)
    round_ = scoring_round(budget_pence=budget_pence)
    seated = [panel_member(Representation.RESIDENT) for _ in range(members)]
    panel = make_panel(round_, seated)
    applications = []
    for level in levels:
        application = with_panel(eligible_application(round_, officer), officer, panel)
        application.amount_requested_pence = amount_pence
        for member in seated:
            score(application, member, [level, level, level])
        applications.append(application)
    db.session.flush()
    return Scored(officer, round_, panel, seated, applications)


def quorate_meeting(scored: Scored) -> Meeting:
    meeting = meetings.open_meeting(scored.officer, scored.panel, min_members=3)
    meetings.record_attendance(
        scored.officer, meeting, [m.id for m in scored.members], min_members=3
    )
    scored.meeting = meeting
    return meeting


def decline_reason(label: str = "Scored below the funding line") -> DeclineReason:
    """The active reason with this label (the database may already hold the starting list)."""
    reason = db.session.query(DeclineReason).filter_by(label=label).one_or_none()
    if reason is None:
        reason = DeclineReason(label=label)
        db.session.add(reason)
    reason.is_active = True
    db.session.flush()
    return reason
