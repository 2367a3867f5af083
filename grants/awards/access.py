"""Who may see and act on an award: the one answer every award page, document and payment asks.

- the group's members see their own group's awards, accept or decline the offer and give bank
  details; nobody else learns an award exists (NotFound);
- staff who see every group (programme and finance officers, admins) may read awards;
- only finance officers (MANAGE_PAYMENTS) act on them, and never on an award to a group they
  belong to, or have belonged to since its application was made (grants.applications.conflicts):
  nobody prepares, verifies, raises, approves or pays money for their own group.
"""

from __future__ import annotations

from grants.accounts.models import User
from grants.applications.conflicts import check_no_conflict
from grants.awards.models import Award
from grants.errors import NotAllowed, NotFound
from grants.extensions import db
from grants.organisations.services import is_member
from grants.permissions import Permission

OWN_GROUP = "You belong to this group, so another finance officer must do this"


def is_group_member(user: User, award: Award) -> bool:
    return user.is_authenticated and is_member(user, award.organisation_id)


def can_view(user: User, award: Award) -> bool:
    if not user.is_authenticated:
        return False
    return user.can(Permission.VIEW_ALL_GROUPS) or is_group_member(user, award)


def get_for_viewing(user: User, award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or not can_view(user, award):
        raise NotFound("Award not found")
    return award


def check_finance(user: User, award: Award | None = None) -> None:
    """A finance officer, acting on an award to a group they do not belong to."""
    if not user.can(Permission.MANAGE_PAYMENTS):
        raise NotAllowed("Only finance officers can do this")
    if award is not None:
        check_no_conflict(user, award.application, "handle the money for", "finance officer")


def check_group_member(user: User, award: Award) -> None:
    if not is_group_member(user, award):
        raise NotAllowed("Only a member of the group can do this")
