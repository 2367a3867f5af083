"""A decision's versions: every outcome an application had, who changed it and why.

``Decision`` holds the newest version (what everything else reads: the award, the budget, the
ranking); each version is also kept as its own ``DecisionVersion`` row, written once. So a
reserve-list place later funded still shows, in the record, that it was on the reserve list and
that the group was told so.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.accounts.models import User
from grants.applications.models import Application
from grants.extensions import db
from grants.money import format_pence
from grants.panels.meeting_models import Decision, DecisionOutcome, DecisionVersion


def has_decision(application: Application) -> bool:
    found = db.session.scalar(select(Decision.id).where(Decision.application_id == application.id))
    return found is not None


def new_version(decision: Decision, actor: User, change_reason: str | None) -> DecisionVersion:
    """The decision as it now stands, kept as its version ``decision.version``."""
    return DecisionVersion(
        decision_id=decision.id,
        version=decision.version,
        outcome=decision.outcome,
        amount_pence=decision.amount_pence,
        reduced_reason=decision.reduced_reason,
        conditions=list(decision.conditions or []),
        rationale=decision.rationale,
        decline_reason_id=decision.decline_reason_id,
        decline_detail=decision.decline_detail,
        departs_from_ranking=decision.departs_from_ranking,
        departure_rationale=decision.departure_rationale,
        rank_at_decision=decision.rank_at_decision,
        change_reason=change_reason,
        changed_by_id=actor.id,
        changed_at=decision.decided_at,
    )


def describe(outcome: DecisionOutcome, amount_pence: int) -> str:
    """An outcome as people read it: "Fund in full (£5,000.00)" or "Reserve list"."""
    if outcome.is_funding:
        return f"{outcome.label} ({format_pence(amount_pence)})"
    return outcome.label


def change_text(
    decision: Decision,
    earlier: tuple[DecisionOutcome, int],
    change_reason: str | None,
    actor: User,
) -> str:
    """The sentence an addendum to the record gives for a changed decision."""
    return (
        f"{decision.application.reference}: the decision changed from {describe(*earlier)} to "
        f"{describe(decision.outcome, decision.amount_pence)} (version {decision.version}). "
        f"Why: {change_reason}. Changed by {actor.full_name}."
    )


def current_version(decision: Decision) -> DecisionVersion | None:
    return next((v for v in decision.versions if v.version == decision.version), None)


def last_told(decision: Decision) -> DecisionVersion | None:
    """The newest earlier version the group was told of, if any: what a release now changes."""
    told = [v for v in decision.versions if v.version < decision.version and v.is_released]
    return told[-1] if told else None


def mark_released(decision: Decision) -> None:
    """The group is told this version (the release time on the decision is copied to it)."""
    version = current_version(decision)
    if version is not None and version.released_at is None:
        version.released_at = decision.released_at


def versions_by_application(round_id: int) -> dict[int, list[DecisionVersion]]:
    """Every version of every decision in the round, oldest first, by application id."""
    rows = db.session.execute(
        select(DecisionVersion, Decision.application_id)
        .join(Decision, Decision.id == DecisionVersion.decision_id)
        .join(Application, Application.id == Decision.application_id)
        .where(Application.round_id == round_id)
        .options(
            selectinload(DecisionVersion.changed_by), selectinload(DecisionVersion.decline_reason)
        )
        .order_by(DecisionVersion.decision_id, DecisionVersion.version)
    )
    found: dict[int, list[DecisionVersion]] = {}
    for version, application_id in rows:
        found.setdefault(application_id, []).append(version)
    return found
