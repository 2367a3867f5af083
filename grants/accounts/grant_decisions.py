"""A second admin confirms or refuses a proposed privileged role; its proposer may withdraw it.

The second admin is neither the proposer nor the person the role is for. Confirming gives an
existing account the role at once (signing them out everywhere, as any change of roles does),
or sends the invitation the role came with. Each decision is claimed on the grant's row, so two
admins pressing at once decide it once, and the second hears what happened.
"""

from __future__ import annotations

from grants import audit, invitations, transaction
from grants.accounts.models import (
    GRANTS,
    GrantActor,
    GrantStatus,
    RoleGrant,
    User,
    new_session_token,
)
from grants.accounts.services import LinkBuilder, check_manages_users, normalise_email
from grants.accounts.staff_invitations import send_invitation
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db

OWN_PROPOSAL = "You proposed this role, so another admin must confirm or refuse it"
OWN_ROLE = "This role is for you, so another admin must decide it"


def get_grant(actor: User, grant_id: int) -> RoleGrant:
    check_manages_users(actor)
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound("Role grant not found")
    return grant


def is_for(actor: User, grant: RoleGrant) -> bool:
    """The role would be the actor's own: their account, or an invitation to their address."""
    if grant.user_id is not None:
        return grant.user_id == actor.id
    return grant.invitation is not None and grant.invitation.email == normalise_email(actor.email)


def _as(actor: User, grant: RoleGrant) -> GrantActor:
    if actor.id == grant.proposed_by_id:
        return GrantActor.PROPOSER
    if is_for(actor, grant):
        raise NotAllowed(OWN_ROLE)
    return GrantActor.OTHER_ADMIN


def _decide(actor: User, grant: RoleGrant, target: GrantStatus) -> dict:
    """Check the move, claim the row, stamp the decision. Returns the grant's view before."""
    who = _as(actor, grant)
    if who == GrantActor.PROPOSER and target != GrantStatus.WITHDRAWN:
        raise NotAllowed(OWN_PROPOSAL)
    if grant.status != GrantStatus.PROPOSED:
        raise DomainError(f"This role has already been {grant.status.label.lower()}")
    GRANTS.check(grant.status, target, who)
    if not transaction.claim(grant, status=GrantStatus.PROPOSED):
        db.session.refresh(grant)
        raise DomainError(f"This role has already been {grant.status.label.lower()}")
    before = grant.audit_view()
    grant.status = target
    grant.decided_by_id = actor.id
    grant.decided_at = utcnow()
    return before


def confirm(actor: User, grant: RoleGrant, *, link_for: LinkBuilder) -> RoleGrant:
    """Give the role now, or send the invitation it came with (``link_for`` builds its link)."""
    check_manages_users(actor)
    invitation = grant.invitation
    if invitation is not None and not invitation.is_pending:
        raise DomainError(invitations.NO_LONGER_PENDING)
    before = _decide(actor, grant, GrantStatus.CONFIRMED)
    if grant.user is not None:
        _give_role(actor, grant)
    db.session.flush()
    audit.record(actor, "role_grant.confirmed", grant, before=before, after=grant.audit_view())
    if grant.user is None and invitation is not None:
        token = invitations.reissue(invitation)  # the first link was never sent
        db.session.flush()
        send_invitation(invitation, link_for(token))
    return grant


def _give_role(actor: User, grant: RoleGrant) -> None:
    user = grant.user
    grant.took_effect_at = utcnow()
    if grant.role in user.roles:
        return
    before = user.audit_view()
    user.roles.add(grant.role)
    user.session_token = new_session_token()
    db.session.flush()
    audit.record(
        actor,
        "user.roles_changed",
        user,
        before=before,
        after={**user.audit_view(), "granted": [grant.role.value], "removed": []},
    )


def refuse(actor: User, grant: RoleGrant) -> RoleGrant:
    """Say no: the person does not get the role, and an invitation it came with is revoked.
    Its proposer withdraws it instead."""
    check_manages_users(actor)
    target = GrantStatus.WITHDRAWN if actor.id == grant.proposed_by_id else GrantStatus.REFUSED
    before = _decide(actor, grant, target)
    if grant.invitation is not None and grant.invitation.is_pending:
        invitations.revoke(grant.invitation)
    db.session.flush()
    action = "role_grant.withdrawn" if target == GrantStatus.WITHDRAWN else "role_grant.refused"
    audit.record(actor, action, grant, before=before, after=grant.audit_view())
    return grant
