"""Staff and panel invitations: an admin invites an address with one role; its owner makes an
account from the emailed link, or, when the address already has one, accepts the role signed in.

The admin never changes someone else's account by typing its address. The token, expiry and single
use come from :mod:`grants.invitations`. An invitation with the finance officer, bank-details viewer
or admin role is not sent until a second admin confirms it (:mod:`grants.accounts.role_grants`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants import audit, invitations
from grants.accounts import role_grants
from grants.accounts.confirmation import mark_email_proven
from grants.accounts.models import IN_EFFECT, Invitation, User, new_session_token
from grants.accounts.services import (
    LinkBuilder,
    check_manages_users,
    find_by_email,
    new_account,
    normalise_email,
)
from grants.email import queue_email
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.permissions import Role


def invite(actor: User, *, email: str, role: Role, link_for: LinkBuilder) -> Invitation:
    """An admin invites someone by email, with one role; more roles are added on the person's page.

    When the address already has an account, typing it does not give that account the role: the
    mailbox is sent a link, and the account's owner, signed in as themselves, accepts the role.
    A privileged role waits for a second admin: until then nothing is sent
    (``role_grants.is_held_back(invitation)``).
    """
    check_manages_users(actor)
    email = normalise_email(email)
    invitation = Invitation(email=email, role=role, invited_by_id=actor.id)
    token = invitations.issue(invitation)
    db.session.add(invitation)
    audit.record(
        actor, "invitation.created", invitation, after={"email": email, "role": role.value}
    )
    db.session.flush()
    grant = role_grants.record_invitation(actor, invitation)
    if grant is None or grant.status in IN_EFFECT:
        send_invitation(invitation, link_for(token))
    return invitation


def send_invitation(invitation: Invitation, link: str) -> None:
    """Email the invitation: to make an account, or, to an address that has one, to accept the
    role while signed in."""
    if find_by_email(invitation.email) is None:
        subject, template = "You have been invited", "invitation"
    else:
        subject, template = "You have been offered a new role", "role_invitation"
    queue_email(
        invitation.email,
        subject,
        template,
        invitation=invitation,
        link=link,
        days=invitations.max_age_days(),
    )


def accept_role_invitation(actor: User, token: str) -> User:
    """The owner of an existing account, signed in, takes the role an admin offered them.

    Only the account with the invited address may; following the emailed link also proves that
    address. The new role signs their other sessions out, as any change of roles does.
    """
    invitation = open_invitation(token)
    if invitation is None:
        raise DomainError(invitations.USED_OR_EXPIRED, field="token")
    if normalise_email(actor.email) != invitation.email:
        raise NotAllowed(
            f"This invitation was sent to {invitation.email}. Sign in with that email address"
        )
    invitations.use(invitation)
    mark_email_proven(actor)
    before = actor.audit_view()
    if invitation.role and invitation.role not in actor.roles:
        actor.roles.add(invitation.role)
        actor.session_token = new_session_token()
    role_grants.invitation_accepted(invitation, actor)
    audit.record(actor, "invitation.accepted", invitation, after={"user_id": actor.id})
    if actor.audit_view() != before:
        audit.record(actor, "user.roles_changed", actor, before=before, after=actor.audit_view())
    db.session.flush()
    return actor


def open_invitation(token: str) -> Invitation | None:
    """The live invitation for this link; none while its role waits for a second admin (the link
    was never sent, but nothing is taken on trust)."""
    invitation = invitations.find_live(Invitation, token)
    if invitation is None or role_grants.is_held_back(invitation):
        return None
    return invitation


def accept_invitation(token: str, *, full_name: str, password: str) -> User:
    invitation = open_invitation(token)
    if invitation is None:
        raise DomainError(invitations.USED_OR_EXPIRED, field="token")
    roles = {invitation.role} if invitation.role else set()
    # The link went to this address: following it proves it.
    user = new_account(
        email=invitation.email,
        full_name=full_name,
        password=password,
        roles=roles,
        email_proven=True,
    )
    invitations.use(invitation)
    role_grants.invitation_accepted(invitation, user)
    audit.record(user, "invitation.accepted", invitation, after={"user_id": user.id})
    audit.record(user, "user.registered", user, after=user.audit_view())
    db.session.flush()
    return user


def pending_invitations_query():
    """Staff and panel invitations nobody has accepted or revoked, newest first. Expired ones are
    listed too: the admin may send them again."""
    return (
        select(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .options(joinedload(Invitation.invited_by))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


def resend_invitation(actor: User, invitation: Invitation, link_for: LinkBuilder) -> Invitation:
    """Email a pending invitation again with a new link and a new expiry; the old link stops
    working, so a lost or forwarded email cannot be used once the new one is sent."""
    check_manages_users(actor)
    if not invitation.is_pending:
        raise DomainError(invitations.NO_LONGER_PENDING)
    if role_grants.is_held_back(invitation):
        raise DomainError(
            "This invitation is sent once another admin confirms its role. See roles waiting "
            "for confirmation"
        )
    before = {"expires_at": invitation.expires_at.isoformat()}
    token = invitations.reissue(invitation)
    audit.record(
        actor,
        "invitation.resent",
        invitation,
        before=before,
        after={"expires_at": invitation.expires_at.isoformat()},
    )
    db.session.flush()
    send_invitation(invitation, link_for(token))
    return invitation


def revoke_invitation(actor: User, invitation: Invitation) -> Invitation:
    """Stop a pending invitation's link working (an accepted one is already an account: the admin
    deactivates that instead)."""
    check_manages_users(actor)
    invitations.revoke(invitation)
    role_grants.withdraw_with_invitation(actor, invitation)
    audit.record(
        actor,
        "invitation.revoked",
        invitation,
        before={"status": "pending"},
        after={"status": "revoked"},
    )
    db.session.flush()
    return invitation
