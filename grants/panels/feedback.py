"""Feedback to groups and the release of decisions.

The officer starts each group's feedback from the panel's comments, grouped by criterion and never
with a panellist's name, edits it, then releases every decision at once. Release is when each
application moves to its outcome and each group is emailed its own decision and feedback (built
from that one decision, so a bulk release cannot mix messages up). Groups without email get a
printable letter. The group then sees the outcome on its application page. An officer's own
groups' decisions (grants.panels.conflicts) are left for a colleague to write and release.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import audit
from grants.accounts.models import User
from grants.applications import outcome_page
from grants.applications import services as applications
from grants.applications.access import can_view
from grants.applications.models import Application
from grants.applications.states import APPLICATIONS, Actor, next_steps
from grants.clock import utcnow
from grants.errors import DomainError
from grants.extensions import db
from grants.funds.models import Criterion
from grants.organisations.models import Organisation
from grants.panels import meetings
from grants.panels.conflicts import check_officer_may_act, officer_conflicted_ids
from grants.panels.declarations import counting_filter
from grants.panels.meeting_models import Decision
from grants.panels.models import Panel, Score, ScoreSheet
from grants.transaction import claim

FEEDBACK_MAX_LENGTH = 10_000
NOTHING_TO_RELEASE = "Every decision has already been released"
LEFT_FOR_COLLEAGUE = (
    "The decisions still to release are on applications of groups you belong to, or have belonged"
    " to since they applied: another programme officer must release them"
)

# Later domains (awards) act on each released decision in the same transaction, so a decision
# and what follows from it (an award ready to prepare) commit together or not at all.
_release_listeners: list[Callable[[User, Decision], object]] = []


def on_release(listener: Callable[[User, Decision], object]) -> None:
    """Call ``listener(actor, decision)`` for every decision released. Registering twice is a
    no-op."""
    if listener not in _release_listeners:
        _release_listeners.append(listener)


def panel_comments(application: Application) -> dict[str, list[str]]:
    """Comments on counting, submitted sheets, by criterion in the round's order. Names are never
    loaded, so they cannot leak into feedback."""
    rows = db.session.execute(
        select(Criterion.name, Score.comment)
        .join(Score, Score.criterion_id == Criterion.id)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .where(
            ScoreSheet.application_id == application.id,
            ScoreSheet.submitted_at.is_not(None),
            Score.comment.is_not(None),
            counting_filter(),
        )
        .order_by(Criterion.position, ScoreSheet.id)
    ).all()
    comments: dict[str, list[str]] = defaultdict(list)
    for criterion, comment in rows:
        if comment.strip():
            comments[criterion].append(comment.strip())
    return dict(comments)


def draft_feedback(application: Application) -> str:
    """A starting point for the officer to edit: the panel's comments under each criterion."""
    parts = []
    for criterion, comments in panel_comments(application).items():
        parts.append(f"{criterion}:\n" + "\n".join(f"- {comment}" for comment in comments))
    return "\n\n".join(parts)


def save_feedback(actor: User, decision: Decision, text: str | None) -> Decision:
    meetings.check_officer(actor)
    check_officer_may_act(actor, decision.application, "write the feedback on")
    if decision.is_released:
        raise DomainError("The decision has been released, so its feedback cannot change")
    text = (text or "").strip()
    if not text:
        raise DomainError("Enter the feedback for the group", field="feedback")
    before = {"feedback": decision.feedback}
    decision.feedback = text[:FEEDBACK_MAX_LENGTH]
    db.session.flush()
    audit.record(actor, "decision.feedback", decision, before=before, after={"feedback": text})
    return decision


def round_decisions(panel: Panel) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .join(Application, Application.id == Decision.application_id)
            .where(Application.round_id == panel.round_id)
            .options(
                selectinload(Decision.application)
                .selectinload(Application.organisation)
                .selectinload(Organisation.main_contact),
                selectinload(Decision.decline_reason),
            )
            .order_by(Decision.id)
        )
    )


def can_release(decision: Decision) -> bool:
    """Not yet released, and its application can still move to the outcome (a group that has
    withdrawn is not told a decision)."""
    return not decision.is_released and APPLICATIONS.allowed(
        decision.application.status, decision.outcome.moves_to, Actor.OFFICER
    )


def release(actor: User, panel: Panel, *, link_for) -> list[Decision]:
    """Release every decision not yet released: move each application to its outcome and email
    its group. Every one needs feedback first. Releasing twice (a double click) tells nobody
    twice: each decision is claimed while still unreleased, and a lost claim is skipped."""
    meetings.check_officer(actor)
    own = officer_conflicted_ids(actor, panel.round_id)
    releasable = [d for d in round_decisions(panel) if can_release(d)]
    pending = [d for d in releasable if d.application_id not in own]
    if releasable and not pending:
        raise DomainError(LEFT_FOR_COLLEAGUE)
    if not pending:
        raise DomainError(NOTHING_TO_RELEASE)
    missing = [d.application.reference for d in pending if not d.feedback]
    if missing:
        raise DomainError(
            "Write feedback for every decision before releasing them. Missing: "
            + ", ".join(sorted(r or "draft" for r in missing))
        )
    released = []
    now = utcnow()
    for decision in pending:
        if not claim(decision, released_at=None):
            continue
        application = decision.application
        decision.released_at = now
        decision.released_by_id = actor.id
        applications.move(actor, application, decision.outcome.moves_to, Actor.OFFICER)
        audit.record(actor, "decision.released", decision, after={"released": True})
        for listener in _release_listeners:
            listener(actor, decision)
        applications.email_group(
            application,
            "Decision on your application",
            "panel_decision",
            decision=decision,
            next_step=next_steps(application.status),
            link=link_for(application),
        )
        released.append(decision)
    if not released:
        raise DomainError(NOTHING_TO_RELEASE)
    db.session.flush()
    return released


def letters_to_print(panel: Panel) -> list[Decision]:
    """Released decisions for groups without an email address: they are told by letter."""
    return [
        d
        for d in round_decisions(panel)
        if d.is_released and not d.application.organisation.contact_email_address
    ]


def released_decision(viewer: User, application: Application) -> Decision | None:
    """What the application page shows about the decision: only once released, and only to
    someone who may see the application. Never scores or panellists' names."""
    if not can_view(viewer, application):
        return None
    decision = db.session.scalar(select(Decision).where(Decision.application_id == application.id))
    return decision if decision and decision.is_released else None


outcome_page.register_section("panels/meeting/_outcome.html", released_decision)
