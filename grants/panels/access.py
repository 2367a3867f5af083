"""What a panel member may see of an application: the one place the member-side rules live.

Every member page, score, document, PDF and export asks here. A member may declare an interest in
an application only when it is assigned to them (and not declined) by the panel of the
application's own round, and it is not of a group they belong to or have belonged to since it
was made (grants.applications.conflicts). They may open it, its scores and its
documents only once they have also declared no conflict (or an officer waived the interest they
declared). Seeing anyone else's scores waits until their own are submitted and the scoring window
has closed, so nobody is swayed.
"""

from __future__ import annotations

from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.conflicts import belongs_or_belonged
from grants.applications.models import Application
from grants.clock import as_aware, utcnow
from grants.errors import NotAllowed, NotFound
from grants.extensions import db
from grants.panels.models import (
    Assignment,
    AssignmentStatus,
    Declaration,
    Panel,
    ScoreSheet,
)

NOT_ASSIGNED = "This application is not one you have been asked to score"
DECLINED = "You declined to score this application"
OWN_GROUP = (
    "You belong to the group that applied, or have done since it applied, so you cannot score"
    " this application"
)
DECLARE_FIRST = "Tell us whether you have a conflict of interest before you open this application"
CONFLICTED = (
    "You declared a conflict of interest in this application, so you cannot see or score it"
)


def panel_of(application: Application) -> Panel | None:
    return db.session.scalar(select(Panel).where(Panel.round_id == application.round_id))


def load(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound("Application not found")
    return application


def assignment_of(user: User, application: Application) -> Assignment | None:
    """The member's assignment to this application by its own round's panel."""
    return db.session.scalar(
        select(Assignment)
        .join(Panel, Panel.id == Assignment.panel_id)
        .where(
            Assignment.application_id == application.id,
            Assignment.user_id == user.id,
            Panel.round_id == application.round_id,
        )
    )


def declaration_of(user: User, application: Application) -> Declaration | None:
    return db.session.scalar(
        select(Declaration).where(
            Declaration.application_id == application.id, Declaration.user_id == user.id
        )
    )


def sheet_of(user: User, application: Application) -> ScoreSheet | None:
    return db.session.scalar(
        select(ScoreSheet).where(
            ScoreSheet.application_id == application.id, ScoreSheet.user_id == user.id
        )
    )


def declare_refusal(user: User, application: Application) -> str | None:
    """Why this person may not even be asked about their interests in the application, or None."""
    assignment = assignment_of(user, application)
    if assignment is None:
        return NOT_ASSIGNED
    if assignment.status == AssignmentStatus.DECLINED:
        return DECLINED
    if belongs_or_belonged(user, application):
        return OWN_GROUP
    return None


def open_refusal(user: User, application: Application) -> str | None:
    """Why this person may not open the application's detail, scores or documents, or None."""
    refusal = declare_refusal(user, application)
    if refusal:
        return refusal
    declaration = declaration_of(user, application)
    if declaration is None:
        return DECLARE_FIRST
    if declaration.is_conflict:
        return CONFLICTED
    return None


def check_may_declare(user: User, application: Application) -> Assignment:
    refusal = declare_refusal(user, application)
    if refusal:
        raise NotAllowed(refusal)
    return assignment_of(user, application)


def check_may_open(user: User, application: Application) -> None:
    refusal = open_refusal(user, application)
    if refusal:
        raise NotAllowed(refusal)


def scoring_window_closed(application: Application) -> bool:
    panel = panel_of(application)
    closes_at = panel.scoring_closes_at if panel else None
    return closes_at is not None and utcnow() >= as_aware(closes_at)


def may_see_others(user: User, application: Application) -> bool:
    """Independence: others' scores and comments stay hidden from a member until they have
    submitted their own and the scoring window has closed."""
    if open_refusal(user, application):
        return False
    sheet = sheet_of(user, application)
    return bool(sheet and sheet.is_submitted and scoring_window_closed(application))
