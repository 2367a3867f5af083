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
from dataclasses import dataclass

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
from grants.panels import decision_history, meetings
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
    before = {"feedback": decision.feedback, "for_version": decision.feedback_version}
    decision.feedback = text[:FEEDBACK_MAX_LENGTH]
    # Saving is the officer's confirmation that this feedback fits the decision as it now is.
    decision.feedback_version = decision.version
    db.session.flush()
    audit.record(
        actor,
        "decision.feedback",
        decision,
        before=before,
        after={"feedback": text, "for_version": decision.version},
    )
    return decision


def release_blockers(pending: list[Decision]) -> list[str]:
    """Why the pending decisions cannot be released yet: feedback missing, or written before the
    decision last changed and not yet confirmed (it may describe the earlier outcome)."""
    problems = []
    missing = [d.application.reference or "draft" for d in pending if not d.feedback]
    if missing:
        problems.append(
            "Write feedback for every decision before releasing them. Missing: "
            + ", ".join(sorted(missing))
        )
    changed = [d.application.reference or "draft" for d in pending if d.feedback_needs_review]
    if changed:
        problems.append(
            "These decisions changed after their feedback was written. Check each one's feedback "
            "fits the new decision and save it: " + ", ".join(sorted(changed))
        )
    return problems


def change_told(decision: Decision) -> dict:
    """For a group already told an earlier outcome: what it was told, what it is now, and why,
    so the message says plainly that the decision changed. Empty for a first release."""
    told = decision_history.last_told(decision)
    if told is None:
        return {}
    current = decision_history.current_version(decision)
    return {
        "changed_from": decision_history.describe(told.outcome, told.amount_pence),
        "changed_to": decision_history.describe(decision.outcome, decision.amount_pence),
        "change_reason": current.change_reason if current else None,
    }


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
    releasable, pending = _releasable_by(actor, panel)
    if releasable and not pending:
        raise DomainError(LEFT_FOR_COLLEAGUE)
    if not pending:
        raise DomainError(NOTHING_TO_RELEASE)
    problems = release_blockers(pending)
    if problems:
        raise DomainError(" ".join(problems))
    released = []
    now = utcnow()
    for decision in pending:
        if not claim(decision, released_at=None):
            continue
        application = decision.application
        decision.released_at = now
        decision.released_by_id = actor.id
        decision_history.mark_released(decision)
        changed = change_told(decision)
        applications.move(actor, application, decision.outcome.moves_to, Actor.OFFICER)
        audit.record(
            actor,
            "decision.released",
            decision,
            after={"released": True, "version": decision.version, **changed},
        )
        for listener in _release_listeners:
            listener(actor, decision)
        applications.email_group(
            application,
            "The decision on your application has changed"
            if changed
            else "Decision on your application",
            "panel_decision",
            decision=decision,
            next_step=next_steps(application.status),
            link=link_for(application),
            **changed,
        )
        released.append(decision)
    if not released:
        raise DomainError(NOTHING_TO_RELEASE)
    db.session.flush()
    return released


@dataclass(frozen=True)
class ReleasePlan:
    """What releasing now would do, for the page that asks the officer to confirm it."""

    pending: list[Decision]
    emailed: int  # groups that will be emailed
    letters: int  # groups without email, told by a printed letter
    changed: int  # groups told that a decision they heard has changed
    blockers: list[str]


def _releasable_by(actor: User, panel: Panel) -> tuple[list[Decision], list[Decision]]:
    """The round's decisions still to release, and those of them this officer may release (not
    their own groups' applications: a colleague releases those)."""
    own = officer_conflicted_ids(actor, panel.round_id)
    releasable = [d for d in round_decisions(panel) if can_release(d)]
    return releasable, [d for d in releasable if d.application_id not in own]


def release_plan(actor: User, panel: Panel) -> ReleasePlan:
    """What releasing would do if this officer confirmed now: the same decisions, counted the
    same way, as ``release`` then acts on."""
    _, pending = _releasable_by(actor, panel)
    emailed = sum(1 for d in pending if d.application.organisation.contact_email_address)
    return ReleasePlan(
        pending=pending,
        emailed=emailed,
        letters=len(pending) - emailed,
        changed=sum(1 for d in pending if decision_history.last_told(d)),
        blockers=release_blockers(pending),
    )


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
