"""A group's applications, listed on the group's page. Organisations never imports applications,
so this module registers the list with ``grants.organisations.group_page``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import SENT
from grants.extensions import db
from grants.organisations import group_page
from grants.organisations.models import Organisation
from grants.organisations.services import is_member
from grants.permissions import Permission

# The group's page shows the newest few; the rest are a link away (the member's dashboard, or the
# screening queue searched by the group's name), so the page stays small however long the group
# has applied.
NEWEST = 10


@dataclass(frozen=True)
class GroupApplications:
    applications: list[Application]  # the newest NEWEST
    total: int
    for_member: bool  # members go on to work on them; staff go to read them
    for_screener: bool

    @property
    def more(self) -> bool:
        return self.total > len(self.applications)


def group_applications(actor: User, organisation: Organisation) -> GroupApplications:
    """The newest of the group's applications this person may see, with their rounds, and how
    many there are: two queries however many. The same rules as ``access.can_view``: members and
    programme officers see drafts too, other staff only what has been sent."""
    member = is_member(actor, organisation.id)
    screener = actor.can(Permission.SCREEN_APPLICATIONS)
    visible = Application.organisation_id == organisation.id
    if not (member or screener):
        visible = visible & Application.status.in_(SENT)
    newest = (
        select(Application)
        .join(Application.round)
        .options(contains_eager(Application.round))
        .where(visible)
        .order_by(Application.created_at.desc(), Application.id.desc())
        .limit(NEWEST)
    )
    return GroupApplications(
        applications=list(db.session.scalars(newest)),
        total=db.session.scalar(select(func.count(Application.id)).where(visible)),
        for_member=member,
        for_screener=screener,
    )


def register() -> None:
    group_page.register_section("applications/_group_applications.html", group_applications)
