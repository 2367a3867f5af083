"""The applicant's list of their groups' applications, loaded in a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.accounts.models import User
from grants.applications.models import Application
from grants.organisations.models import Membership


def applications_query(user: User):
    """Every application of every group the user belongs to, newest first."""
    return (
        select(Application)
        .join(Membership, Membership.organisation_id == Application.organisation_id)
        .where(Membership.user_id == user.id, Membership.current())
        .options(joinedload(Application.round), joinedload(Application.organisation))
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
