"""Who may see and change an application. Every application route goes through here.

A group's members see their own applications; staff see all of them. Editing is for members, or
for a programme officer entering an assisted application, and only while the life cycle allows it.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import EDITABLE
from grants.errors import NotAllowed, NotFound
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import Permission


def is_member_of_group(user: User, application: Application) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Membership.organisation_id == application.organisation_id,
                    Membership.user_id == user.id,
                )
            )
        )
    )


def can_view(user: User, application: Application) -> bool:
    return user.is_staff or is_member_of_group(user, application)


def can_enter_for_group(user: User, application: Application) -> bool:
    """Members apply for their group; programme officers enter assisted applications for them."""
    if is_member_of_group(user, application):
        return True
    return application.is_assisted and user.can(Permission.SCREEN_APPLICATIONS)


def get_for_viewing(user: User, application_id: int) -> Application:
    """The application, or NotFound: people outside the group cannot learn that it exists."""
    application = db.session.get(Application, application_id)
    if application is None or not can_view(user, application):
        raise NotFound("Application not found")
    return application


def get_for_editing(user: User, application_id: int) -> Application:
    application = get_for_viewing(user, application_id)
    if not can_enter_for_group(user, application):
        raise NotAllowed("Only members of the group can change this application")
    if application.status not in EDITABLE:
        raise NotAllowed(
            f"This application is {application.status.label.lower()} and can no longer be changed"
        )
    return application
