"""The one conflict rule every domain asks: nobody acts on an application of a group they belong
to now, or belonged to at any time between the application's creation and the action.

Membership is kept with dates (ended, never deleted), so leaving a group, acting on its bid and
rejoining does not escape the rule. Screening, panels, awards and monitoring each call
``check_no_conflict`` (one place per domain) before any step that touches an application, and the
bulk forms below serve pages and assignment runs that look at many applications at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.errors import NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership

OWN_GROUP = (
    "You belong to {group}, or have done since this application was made, so another {colleague}"
    " must {verb} this application"
)


def belongs_or_belonged(user: User, application: Application) -> bool:
    """Whether the person is, or was at any time since the application was made, in its group."""
    if user is None or not getattr(user, "id", None):
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Membership.user_id == user.id,
                    Membership.organisation_id == application.organisation_id,
                    Membership.held_since(application.created_at),
                )
            )
        )
    )


def own_group_conflict(
    user: User, application: Application, verb: str, colleague: str = "programme officer"
) -> str | None:
    """Why this person may not ``verb`` this application, or None when the rule lets them."""
    if belongs_or_belonged(user, application):
        return OWN_GROUP.format(group=application.organisation.name, verb=verb, colleague=colleague)
    return None


def check_no_conflict(
    user: User, application: Application, verb: str, colleague: str = "programme officer"
) -> None:
    """Refuse (403) anyone the rule keeps away from this application."""
    conflict = own_group_conflict(user, application, verb, colleague)
    if conflict:
        raise NotAllowed(conflict)


def conflicted_pairs(application_condition, user_ids: Iterable[int] | None = None):
    """A query of (application id, user id) for every person inside an application's window,
    over the applications matching ``application_condition``; optionally only these people."""
    query = (
        select(Application.id, Membership.user_id)
        .join(Membership, Membership.organisation_id == Application.organisation_id)
        .where(application_condition, Membership.held_since(Application.created_at))
        .distinct()
    )
    if user_ids is not None:
        query = query.where(Membership.user_id.in_(list(user_ids)))
    return query


def conflicted_application_ids(user: User, application_condition) -> set[int]:
    """Of the applications matching the condition, those this person may not act on."""
    query = conflicted_pairs(application_condition, [user.id])
    return {application_id for application_id, _ in db.session.execute(query)}
