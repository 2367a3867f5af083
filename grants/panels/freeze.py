"""When the panel's work on an application is fixed.

Once an application's decision has been released to the group, or the round's meeting has closed
(whichever comes first), what the decision rests on must stay as it was: no score for it may be
sent or reopened, no conflict waived and no declaration recorded. Otherwise a sheet of zeros sent
after the release would rewrite the mean the record gave. Every service that would change one of
those asks :func:`check_not_frozen`; pages ask :func:`is_frozen` so they do not offer the action.

A decision itself may still change after this point (a reserve funded later): that is a new
version and an addendum to the stored record, never a rewrite.
"""

from __future__ import annotations

from sqlalchemy import exists, or_, select

from grants.applications.models import Application
from grants.errors import NotAllowed
from grants.extensions import db
from grants.panels.meeting_models import Decision, DecisionVersion, Meeting
from grants.panels.models import Panel

FROZEN = (
    "The panel's decision on this application has been released or its meeting has closed, "
    "so its scores and declarations can no longer change"
)


def _meeting_closed(round_id):
    return exists(
        select(Meeting.id)
        .join(Panel, Panel.id == Meeting.panel_id)
        .where(Panel.round_id == round_id, Meeting.closed_at.is_not(None))
    )


def _ever_released(application_id):
    """Released now, or an earlier version was (a reserve decided again is unreleased until the
    group is told the new outcome, but it was told the first one)."""
    return or_(
        exists(
            select(Decision.id).where(
                Decision.application_id == application_id, Decision.released_at.is_not(None)
            )
        ),
        exists(
            select(DecisionVersion.id)
            .join(Decision, Decision.id == DecisionVersion.decision_id)
            .where(
                Decision.application_id == application_id,
                DecisionVersion.released_at.is_not(None),
            )
        ),
    )


def is_frozen(application: Application) -> bool:
    return bool(
        db.session.scalar(
            select(or_(_meeting_closed(application.round_id), _ever_released(application.id)))
        )
    )


def frozen_ids(round_id: int) -> set[int]:
    """The round's applications whose panel work is frozen, for a page listing many."""
    applications = select(Application.id).where(Application.round_id == round_id)
    if db.session.scalar(select(_meeting_closed(round_id))):
        return set(db.session.scalars(applications))
    released = (
        select(Decision.application_id)
        .outerjoin(DecisionVersion, DecisionVersion.decision_id == Decision.id)
        .join(Application, Application.id == Decision.application_id)
        .where(
            Application.round_id == round_id,
            or_(Decision.released_at.is_not(None), DecisionVersion.released_at.is_not(None)),
        )
    )
    return set(db.session.scalars(released))


def check_not_frozen(application: Application) -> None:
    if is_frozen(application):
        raise NotAllowed(FROZEN)
