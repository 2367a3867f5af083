"""Privileged roles need two people: one admin proposes, another confirms.

The finance officer, bank-details viewer and admin roles move or reveal money. If one admin could
grant them alone, that admin could invite an alias as a finance officer and approve, through it,
the payments they raise themselves. So granting one of them, to an existing account or by
inviting an address, is a proposal (:class:`~grants.accounts.models.RoleGrant`) that a different
admin (neither the proposer nor the person given the role) confirms or refuses
(:mod:`grants.accounts.grant_decisions`). Every other admin is emailed that it waits. Other roles
(panel member, programme officer) and removing any role stay one step.

A deployment with a single admin may set ``TWO_PERSON_ROLE_GRANTS`` off. Grants then take effect
at once, and every finance officer, bank-details viewer and admin is emailed about each one, so
an alias is at least seen.

Either way the grant is kept, so :func:`granted_by_within` can answer whether someone was given
a finance role by a given person lately: for 7 days they cannot approve that person's payments.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from grants import audit
from grants.accounts.models import (
    GRANTS,
    IN_EFFECT,
    GrantActor,
    GrantStatus,
    Invitation,
    RoleGrant,
    User,
    UserRole,
)
from grants.clock import utcnow
from grants.email import queue_email
from grants.extensions import db
from grants.permissions import Role

PRIVILEGED_ROLES = frozenset({Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER, Role.ADMIN})
FINANCE_ROLES = frozenset({Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER})
RECENT_GRANT_DAYS = 7
# Who is told about a grant made by one admin alone.
WATCHERS = frozenset({Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER, Role.ADMIN})


def two_person_grants() -> bool:
    return bool(current_app.config["TWO_PERSON_ROLE_GRANTS"])


def needs_second_admin(role: Role | None) -> bool:
    return role in PRIVILEGED_ROLES and two_person_grants()


def hold_back(actor: User, user: User, added: Iterable[Role]) -> set[Role]:
    """For a change of ``user``'s roles adding ``added``: record each privileged grant, and
    return the roles that must wait for a second admin instead of being granted now."""
    held: set[Role] = set()
    for role in [role for role in Role if role in set(added) & PRIVILEGED_ROLES]:
        if two_person_grants():
            propose(actor, role, user=user)
            held.add(role)
        else:
            _granted_alone(actor, role, user=user)
    return held


def propose(
    actor: User, role: Role, *, user: User | None = None, invitation: Invitation | None = None
) -> RoleGrant:
    """A proposal to give ``role`` to ``user`` (or to whoever accepts ``invitation``); the
    other admins are emailed. Proposing again what already waits changes nothing."""
    if user is not None:
        waiting = _proposed_for(user, role)
        if waiting is not None:
            return waiting
    grant = RoleGrant(
        role=role,
        user_id=user.id if user else None,
        invitation_id=invitation.id if invitation else None,
        status=GrantStatus.PROPOSED,
        proposed_by_id=actor.id,
        proposed_at=utcnow(),
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, "role_grant.proposed", grant, after=grant.audit_view())
    for admin in _other_admins(actor, user, invitation):
        queue_email(
            admin.email,
            "A role is waiting for your confirmation",
            "role_grant_proposed",
            admin=admin,
            grant=grant,
            proposer=actor,
        )
    return grant


def _granted_alone(
    actor: User, role: Role, *, user: User | None = None, invitation: Invitation | None = None
) -> RoleGrant:
    """Two-person grants are off: the grant takes effect now (or when the invitation is
    accepted), and every finance officer, bank-details viewer and admin is told."""
    now = utcnow()
    grant = RoleGrant(
        role=role,
        user_id=user.id if user else None,
        invitation_id=invitation.id if invitation else None,
        status=GrantStatus.GRANTED_ALONE,
        proposed_by_id=actor.id,
        proposed_at=now,
        took_effect_at=now if user else None,
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, "role_grant.granted_alone", grant, after=grant.audit_view())
    for watcher in _watchers(also=user):
        queue_email(
            watcher.email,
            "Someone has been given a finance or admin role",
            "role_granted_alone",
            watcher=watcher,
            grant=grant,
            granter=actor,
        )
    return grant


def record_invitation(actor: User, invitation: Invitation) -> RoleGrant | None:
    """An invitation with a privileged role is a grant too. While the grant is proposed, the
    invitation is not sent: a second admin's confirmation sends it."""
    if invitation.role not in PRIVILEGED_ROLES:
        return None
    if two_person_grants():
        return propose(actor, invitation.role, invitation=invitation)
    return _granted_alone(actor, invitation.role, invitation=invitation)


def grant_of(invitation: Invitation) -> RoleGrant | None:
    return db.session.scalar(select(RoleGrant).where(RoleGrant.invitation_id == invitation.id))


def held_back_ids(invitation_ids: Iterable[int]) -> set[int]:
    """Of these invitations, those waiting for a second admin (or refused), in one query."""
    return set(
        db.session.scalars(
            select(RoleGrant.invitation_id).where(
                RoleGrant.invitation_id.in_(list(invitation_ids)),
                RoleGrant.status.not_in(list(IN_EFFECT)),
            )
        )
    )


def is_held_back(invitation: Invitation) -> bool:
    """The invitation waits for a second admin (or was refused): its link must not work."""
    grant = grant_of(invitation)
    return grant is not None and grant.status not in IN_EFFECT


def withdraw_with_invitation(actor: User, invitation: Invitation) -> None:
    """A revoked invitation takes its waiting grant with it."""
    grant = grant_of(invitation)
    if grant is None or grant.status != GrantStatus.PROPOSED:
        return
    GRANTS.check(grant.status, GrantStatus.WITHDRAWN, GrantActor.SYSTEM)
    before = grant.audit_view()
    grant.status = GrantStatus.WITHDRAWN
    grant.decided_at = utcnow()
    db.session.flush()
    audit.record(actor, "role_grant.withdrawn", grant, before=before, after=grant.audit_view())


def invitation_accepted(invitation: Invitation, user: User) -> None:
    """The person now holds the role the invitation carried: the grant says who and since when."""
    grant = grant_of(invitation)
    if grant is not None:
        grant.user_id = user.id
        grant.took_effect_at = utcnow()
        db.session.flush()


# Who is told ---------------------------------------------------------------------------------


def _active_with_roles(roles: Iterable[Role]):
    return (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role.in_(list(roles)),
            User.is_active_account,
            User.email_confirmed_at.is_not(None),
        )
        .distinct()
        .order_by(User.id)
    )


def _other_admins(actor: User, grantee: User | None, invitation: Invitation | None) -> list[User]:
    """Admins who could confirm: not the proposer, not the person given the role."""
    admins = db.session.scalars(_active_with_roles({Role.ADMIN}))
    return [
        admin
        for admin in admins
        if admin.id != actor.id
        and not (grantee is not None and admin.id == grantee.id)
        and not (invitation is not None and admin.email == invitation.email)
    ]


def _watchers(also: User | None) -> list[User]:
    watchers = list(db.session.scalars(_active_with_roles(WATCHERS)))
    if also is not None and also.is_active_account and all(w.id != also.id for w in watchers):
        watchers.append(also)  # the person given the role hears of it too
    return watchers


# Questions others ask -------------------------------------------------------------------------


def _proposed_for(user: User, role: Role) -> RoleGrant | None:
    return db.session.scalar(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id,
            RoleGrant.role == role,
            RoleGrant.status == GrantStatus.PROPOSED,
        )
    )


def pending_for(user: User) -> list[RoleGrant]:
    """Roles proposed for this person that wait for a second admin."""
    return list(
        db.session.scalars(
            select(RoleGrant)
            .where(RoleGrant.user_id == user.id, RoleGrant.status == GrantStatus.PROPOSED)
            .options(joinedload(RoleGrant.proposed_by))
            .order_by(RoleGrant.id)
        )
    )


def pending_query():
    """Every grant waiting for a second admin, oldest first: it has waited longest."""
    return (
        select(RoleGrant)
        .where(RoleGrant.status == GrantStatus.PROPOSED)
        .options(
            joinedload(RoleGrant.user),
            joinedload(RoleGrant.invitation),
            joinedload(RoleGrant.proposed_by),
        )
        .order_by(RoleGrant.proposed_at, RoleGrant.id)
    )


def pending_count() -> int:
    return db.session.scalar(
        select(func.count(RoleGrant.id)).where(RoleGrant.status == GrantStatus.PROPOSED)
    )


def granted_by_within(user: User, other_user_id: int | None, days: int = RECENT_GRANT_DAYS) -> bool:
    """Did ``other_user_id`` give ``user`` a finance role (by proposing or confirming it, or by
    inviting them with it) that took effect in the last ``days`` days?

    Finance asks before someone approves a payment or variation: a person brought in by the
    raiser is not yet the independent second pair of eyes four-eyes needs.
    """
    if other_user_id is None:
        return False
    since = utcnow() - timedelta(days=days)
    return bool(
        db.session.scalar(
            select(RoleGrant.id)
            .where(
                RoleGrant.user_id == user.id,
                RoleGrant.role.in_(list(FINANCE_ROLES)),
                RoleGrant.status.in_(list(IN_EFFECT)),
                RoleGrant.took_effect_at >= since,
                or_(
                    RoleGrant.proposed_by_id == other_user_id,
                    RoleGrant.decided_by_id == other_user_id,
                ),
            )
            .limit(1)
        )
    )
