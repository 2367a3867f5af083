"""Account rules: registration, sign-in, password resets, invitations and roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from grants import audit
from grants.accounts.models import Invitation, User, new_session_token
from grants.accounts.passwords import (
    hash_password,
    password_problem,
    verify_nothing,
    verify_password,
)
from grants.clock import as_aware, utcnow
from grants.email import queue_email
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.permissions import Role
from grants.tokens import hash_token, new_token

LinkBuilder = Callable[[str], str]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_password(password: str, *, email: str, full_name: str) -> None:
    problem = password_problem(password, user_inputs=[email, *full_name.split()])
    if problem:
        raise DomainError(problem, field="password")


def _new_user(*, email: str, full_name: str, password: str, role: Role) -> User:
    email = normalise_email(email)
    if find_by_email(email):
        raise DomainError("An account with this email address already exists", field="email")
    _check_password(password, email=email, full_name=full_name)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_user(*, email: str, full_name: str, password: str, role: Role) -> User:
    """An account made at the command line or by demo data, audited as made by the system."""
    user = _new_user(email=email, full_name=full_name, password=password, role=role)
    audit.record(None, "user.created", user, after=user.audit_view())
    db.session.flush()
    return user


def register_applicant(*, email: str, full_name: str, password: str) -> User:
    user = _new_user(email=email, full_name=full_name, password=password, role=Role.APPLICANT)
    audit.record(user, "user.registered", user, after=user.audit_view())
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Never says which of the two was wrong."""
    user = find_by_email(email)
    if user is None or not user.is_active_account:
        verify_nothing(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_signed_in_at = utcnow()
    db.session.flush()
    return user


# Password resets -----------------------------------------------------------------------------


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def request_password_reset(email: str, link_for: LinkBuilder) -> None:
    """Email a reset link if the account exists. The reply to the person is the same either way.

    The token names the user and their current session token; a reset changes the session token,
    so each link works once, and it expires after PASSWORD_RESET_MAX_AGE seconds.
    """
    user = find_by_email(email)
    if user is None or not user.is_active_account:
        return
    token = _reset_serializer().dumps({"user": user.id, "session": user.session_token})
    queue_email(
        user.email,
        "Reset your password",
        "password_reset",
        user=user,
        link=link_for(token),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None or user.session_token != data.get("session") or not user.is_active_account:
        return None
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise DomainError("This link has expired or has already been used", field="token")
    _check_password(new_password, email=user.email, full_name=user.full_name)
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    audit.record(user, "user.password_reset", user)
    db.session.flush()
    return user


# Invitations and roles ------------------------------------------------------------------------


def invite(actor: User, *, email: str, role: Role, link_for: LinkBuilder) -> Invitation:
    """An admin invites a member of staff or a panel member by email."""
    email = normalise_email(email)
    if find_by_email(email):
        raise DomainError(
            "An account with this email address already exists. Change its role instead",
            field="email",
        )
    token, token_hash = new_token()
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    invitation = Invitation(
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    audit.record(
        actor, "invitation.created", invitation, after={"email": email, "role": role.value}
    )
    db.session.flush()
    queue_email(
        email,
        "You have been invited",
        "invitation",
        invitation=invitation,
        link=link_for(token),
        days=days,
    )
    return invitation


def open_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None or invitation.accepted_at is not None:
        return None
    if as_aware(invitation.expires_at) < utcnow():
        return None
    return invitation


def accept_invitation(token: str, *, full_name: str, password: str) -> User:
    invitation = open_invitation(token)
    if invitation is None:
        raise DomainError("This invitation has expired or has already been used", field="token")
    user = _new_user(
        email=invitation.email, full_name=full_name, password=password, role=invitation.role
    )
    invitation.accepted_at = utcnow()
    audit.record(user, "invitation.accepted", invitation, after={"user_id": user.id})
    audit.record(user, "user.registered", user, after=user.audit_view())
    db.session.flush()
    return user


def _admin_count() -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.is_active_account)
    )


def change_role(actor: User, user: User, role: Role, *, representing: str | None = None) -> User:
    if user.role == Role.ADMIN and role != Role.ADMIN and _admin_count() <= 1:
        raise NotAllowed(
            "You cannot remove the last admin. Make someone else an admin first", field="role"
        )
    before = user.audit_view()
    user.role = role
    user.representing = representing or None
    user.session_token = new_session_token()  # the person signs in again with their new rights
    audit.record(actor, "user.role_changed", user, before=before, after=user.audit_view())
    db.session.flush()
    return user


def list_users_query():
    return select(User).order_by(User.role, User.full_name)
