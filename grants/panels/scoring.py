"""Independent scoring: a member's score sheet for one application.

A sheet is a draft until submitted: "Save draft" keeps whatever was typed, however partial, so
nothing is lost. Submitting needs every criterion that is not optional scored, then locks the
sheet; only an officer can reopen it, with a reason. Nobody scores after the panel's scoring
window closes unless an officer reopened their sheet. An officer may type in a member's paper
scores for them (``entered_by``), also after the window: the scores were given on paper in time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from grants import audit, transaction
from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import DECIDED, ApplicationStatus
from grants.clock import utcnow
from grants.email import queue_email
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.funds import locks
from grants.funds.models import Criterion, Round
from grants.panels import access, aggregation, blind, freeze
from grants.panels.conflicts import check_officer_may_act
from grants.panels.declarations import counting_filter
from grants.panels.models import (
    Assignment,
    AssignmentStatus,
    Declaration,
    Panel,
    Score,
    ScoreSheet,
)
from grants.permissions import Permission

COMMENT_MAX_LENGTH = 3000
REASON_MAX_LENGTH = 2000
SUBMITTED = "You have submitted your scores for this application, so they cannot change"
WINDOW_CLOSED = "Scoring for this panel has closed"


@dataclass
class Entry:
    """What was typed for one criterion: a score (text, as sent), n/a, and a comment."""

    score: str | int | None = None
    not_applicable: bool = False
    comment: str | None = None


@dataclass
class ScoreValues:
    entries: dict[int, Entry] = field(default_factory=dict)  # by criterion id


def criteria_of(application: Application) -> list[Criterion]:
    return sorted(application.round.criteria, key=lambda c: (c.position, c.id))


def _check_may_score(actor: User, member: User, application: Application, sheet) -> None:
    on_paper = actor.id != member.id
    if on_paper and not actor.can(Permission.MANAGE_PANELS):
        raise NotAllowed("Only programme officers can enter scores for a panel member")
    if on_paper:
        check_officer_may_act(actor, application, "enter scores for")
    if not on_paper and not member.can(Permission.SCORE_APPLICATIONS):
        raise NotAllowed("Only panel members can score applications")
    access.check_may_open(member, application)
    freeze.check_not_frozen(application)
    if sheet is not None and sheet.is_submitted:
        raise NotAllowed(SUBMITTED)
    reopened = sheet is not None and sheet.reopened_at is not None
    if not on_paper and not reopened and access.scoring_window_closed(application):
        raise NotAllowed(WINDOW_CLOSED)


def _parse(criterion: Criterion, entry: Entry, errors: dict[str, str]):
    """(score, not_applicable, comment) for one criterion, adding any error in GOV.UK words."""
    name = f"score-{criterion.id}"
    comment = (entry.comment or "").strip() or None
    if comment and len(comment) > COMMENT_MAX_LENGTH:
        errors[f"comment-{criterion.id}"] = (
            f"Comment on ‘{criterion.name}’ must be {COMMENT_MAX_LENGTH} characters or fewer"
        )
    if entry.not_applicable:
        if not criterion.optional:
            errors[name] = f"‘{criterion.name}’ must be scored: it cannot be marked not applicable"
        return None, True, comment
    raw = entry.score
    if raw is None or str(raw).strip() == "":
        return None, False, comment
    try:
        score = int(str(raw).strip())
    except ValueError:
        score = None
    if score is None or not 0 <= score <= criterion.max_score:
        errors[name] = (
            f"Score for ‘{criterion.name}’ must be a whole number from 0 to {criterion.max_score}"
        )
        return None, False, comment
    return score, False, comment


def _write(actor: User, member: User, application: Application, values: ScoreValues) -> ScoreSheet:
    sheet = access.sheet_of(member, application)
    _check_may_score(actor, member, application, sheet)
    errors: dict[str, str] = {}
    parsed = {
        criterion.id: _parse(criterion, values.entries.get(criterion.id, Entry()), errors)
        for criterion in criteria_of(application)
    }
    if errors:
        raise InvalidInput(errors)
    before = _audit_view(sheet) if sheet else None
    if sheet is None:
        sheet = ScoreSheet(application_id=application.id, user_id=member.id)
        db.session.add(sheet)
    sheet.entered_by_id = actor.id
    existing = {score.criterion_id: score for score in sheet.scores}
    for criterion_id, (score, not_applicable, comment) in parsed.items():
        row = existing.get(criterion_id)
        if row is None:
            row = Score(criterion_id=criterion_id)
            sheet.scores.append(row)
        row.score, row.not_applicable, row.comment = score, not_applicable, comment
    sheet.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "panel.scores_saved", sheet, before=before, after=_audit_view(sheet))
    return sheet


def _audit_view(sheet: ScoreSheet) -> dict:
    return {
        "member_id": sheet.user_id,
        "entered_by_id": sheet.entered_by_id,
        "submitted": sheet.is_submitted,
        "scores": {
            str(s.criterion_id): ("n/a" if s.not_applicable else s.score) for s in sheet.scores
        },
        "comments": {str(s.criterion_id): s.comment for s in sheet.scores if s.comment},
    }


def save_draft(actor: User, member: User, application: Application, values: ScoreValues):
    """Keep what was typed, however partial. Wrong values (a score above the maximum, n/a on a
    criterion that must be scored) are still refused: they could never be submitted."""
    return _write(actor, member, application, values)


def submit(actor: User, member: User, application: Application, values: ScoreValues):
    """Save, then lock the sheet once every criterion that must be scored has a score."""
    sheet = _write(actor, member, application, values)
    scored = {s.criterion_id for s in sheet.scores if s.score is not None}
    errors = {
        f"score-{criterion.id}": f"Select a score for ‘{criterion.name}’"
        for criterion in criteria_of(application)
        if not criterion.optional and criterion.id not in scored
    }
    if errors:
        raise InvalidInput(errors)
    if not transaction.claim(sheet, submitted_at=None):
        raise NotAllowed(SUBMITTED)
    sheet.submitted_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "panel.scores_submitted",
        sheet,
        before={"submitted": False},
        after={"submitted": True, "entered_by_id": actor.id},
    )
    return sheet


def reopen(officer: User, sheet: ScoreSheet, reason: str | None, link: str | None = None):
    """An officer unlocks a submitted sheet (a mistake, a paper form misread), with a reason.
    The member is told by email, in words that keep a blind round blind."""
    if not officer.can(Permission.MANAGE_PANELS):
        raise NotAllowed("Only programme officers can reopen scores")
    check_officer_may_act(officer, sheet.application, "reopen scores for")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "Enter why these scores are being reopened"})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput({"reason": f"Reason must be {REASON_MAX_LENGTH} characters or fewer"})
    freeze.check_not_frozen(sheet.application)
    if not sheet.is_submitted or not transaction.claim(sheet, submitted_at=sheet.submitted_at):
        raise NotAllowed("These scores have not been submitted, so there is nothing to reopen")
    sheet.submitted_at = None
    sheet.reopened_at = utcnow()
    sheet.reopened_by_id = officer.id
    sheet.reopen_reason = reason
    db.session.flush()
    audit.record(
        officer,
        "panel.scores_reopened",
        sheet,
        before={"submitted": True},
        after={"submitted": False, "reason": reason},
    )
    view = blind.member_view(sheet.application)
    queue_email(
        sheet.user.email,
        "Your scores have been reopened",
        "panel_scores_reopened",
        member=sheet.user,
        application=view,
        reason=reason,
        link=link,
    )
    return sheet


# --- the member's list --------------------------------------------------------------------


@dataclass
class Row:
    assignment: Assignment
    declaration: Declaration | None
    sheet: ScoreSheet | None

    @property
    def application(self) -> Application:
        return self.assignment.application

    @property
    def view(self) -> blind.MemberView:
        return blind.member_view(self.application)

    @property
    def state(self) -> str:
        if self.assignment.status == AssignmentStatus.DECLINED:
            return "Declined"
        if self.declaration is None:
            return "Declare interests first"
        if self.declaration.is_conflict:
            return "Conflict declared"
        if self.sheet is None:
            return "Not started"
        return "Submitted" if self.sheet.is_submitted else "Draft"

    @property
    def tag_colour(self) -> str:
        return {
            "Submitted": "green",
            "Draft": "yellow",
            "Declare interests first": "blue",
            "Not started": "blue",
        }.get(self.state, "grey")

    @property
    def counts_for_progress(self) -> bool:
        return self.state not in ("Declined", "Conflict declared")


@dataclass
class Progress:
    rows: list[Row]

    @property
    def to_score(self) -> int:
        return sum(1 for row in self.rows if row.counts_for_progress)

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.state == "Submitted")


# Applications a panel has finished with: decided, or withdrawn by the group.
FINISHED = frozenset({*DECIDED, ApplicationStatus.WITHDRAWN})


def progress_of(member: User) -> Progress:
    """The member's assignments on panels still open (no decision yet), in a fixed number of
    queries."""
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .join(Panel, Panel.id == Assignment.panel_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(
                Assignment.user_id == member.id,
                Panel.round_id == Application.round_id,
                Application.status.not_in(FINISHED),
            )
            .options(
                joinedload(Assignment.application).joinedload(Application.round),
                joinedload(Assignment.application).joinedload(Application.organisation),
                joinedload(Assignment.panel),
            )
            .order_by(Application.reference, Application.id)
        )
    )
    ids = [a.application_id for a in assignments]
    declarations = {
        d.application_id: d
        for d in db.session.scalars(
            select(Declaration).where(
                Declaration.user_id == member.id, Declaration.application_id.in_(ids)
            )
        )
    }
    sheets = {
        s.application_id: s
        for s in db.session.scalars(
            select(ScoreSheet).where(
                ScoreSheet.user_id == member.id, ScoreSheet.application_id.in_(ids)
            )
        )
    }
    return Progress(
        [
            Row(a, declarations.get(a.application_id), sheets.get(a.application_id))
            for a in assignments
        ]
    )


def counted_sheets(application: Application) -> list[ScoreSheet]:
    """Submitted sheets that count towards the application's figures: conflicts left out."""
    return list(
        db.session.scalars(
            select(ScoreSheet)
            .where(
                ScoreSheet.application_id == application.id,
                ScoreSheet.submitted_at.is_not(None),
                counting_filter(),
            )
            .options(joinedload(ScoreSheet.scores))
            .order_by(ScoreSheet.id)
        ).unique()
    )


def summary_of(application: Application) -> aggregation.ApplicationAggregate | None:
    """The application's figures from the sheets that count (None before any)."""
    panel = access.panel_of(application)
    criteria = [
        aggregation.CriterionSpec(c.id, c.weight, c.max_score) for c in criteria_of(application)
    ]
    sheets = [
        aggregation.Sheet(
            sheet.user_id,
            application.id,
            {s.criterion_id: s.score for s in sheet.scores},
        )
        for sheet in counted_sheets(application)
    ]
    figures = aggregation.aggregate(
        sheets,
        criteria,
        sd_threshold=panel.disagreement_sd,
        range_threshold=panel.disagreement_range,
    )
    return figures.get(application.id)


def scores_in(application: Application) -> tuple[int, int]:
    """("2 of 5"): counted submitted sheets, of the assignments still standing."""
    submitted = len(counted_sheets(application))
    assigned = db.session.scalar(
        select(func.count(Assignment.id)).where(
            Assignment.application_id == application.id,
            Assignment.status == AssignmentStatus.ASSIGNED,
        )
    )
    return submitted, assigned


# --- criteria lock ------------------------------------------------------------------------


def round_has_scores(round_: Round) -> bool:
    """The criteria lock from the first score recorded (a draft counts: the member scored
    against these criteria)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(Score.criterion_id == Criterion.id, Criterion.round_id == round_.id)
            )
        )
    )


def register() -> None:
    locks.register_usage_check(locks.Fact.PANEL_STARTED, round_has_scores)


register()
