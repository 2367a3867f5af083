"""Who may see and change an application: the one answer every application page, PDF and file
download asks (``get_for_viewing``), so they can never disagree.

Seeing:
- a group's members see all their group's applications, drafts included;
- programme officers (SCREEN_APPLICATIONS) see every application, drafts included: they help
  groups who apply by phone or on paper, chase drafts left when a round closes and grant
  extensions, so they need to read a draft as the group sees it;
- other staff (finance officers, admins) see applications once they are sent; a draft is still
  the group's own work and is not theirs to read;
- anyone else gets NotFound (404), so they cannot learn that the application exists.

Changing is for the group's members, or a programme officer entering an assisted application, and
only while the life cycle allows it (``application.can_edit``).
"""

from __future__ import annotations

from sqlalchemy import exists, select

from grants.accounts.models import User
from grants.applications.models import Application
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
                    Membership.current(),
                )
            )
        )
    )


def can_view(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if is_member_of_group(user, application):
        return True
    if application.is_draft:
        return user.can(Permission.SCREEN_APPLICATIONS)
    return user.is_staff


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
    if not application.can_edit:
        raise NotAllowed(
            f"This application is {application.status.label.lower()} and can no longer be changed"
        )
    return application
