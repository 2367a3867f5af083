"""A group's applications, listed on the group's page. Organisations never imports applications,
so this module registers the list with ``grants.organisations.group_page``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import SENT
from grants.extensions import db
from grants.organisations import group_page
from grants.organisations.models import Organisation
from grants.organisations.services import is_member
from grants.permissions import Permission


@dataclass(frozen=True)
class GroupApplications:
    applications: list[Application]
    for_member: bool  # members go on to work on them; staff go to read them


def group_applications(actor: User, organisation: Organisation) -> GroupApplications:
    """The group's applications this person may see, newest first, with their rounds, in one
    query. The same rules as ``access.can_view``: members and programme officers see drafts too,
    other staff only what has been sent."""
    member = is_member(actor, organisation.id)
    query = (
        select(Application)
        .join(Application.round)
        .options(contains_eager(Application.round))
        .where(Application.organisation_id == organisation.id)
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    if not (member or actor.can(Permission.SCREEN_APPLICATIONS)):
        query = query.where(Application.status.in_(SENT))
    return GroupApplications(list(db.session.scalars(query)), for_member=member)


def register() -> None:
    group_page.register_section("applications/_group_applications.html", group_applications)
