"""Account rules: registration, sign-in, password resets, invitations and roles."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from grants import audit, invitations
from grants.accounts.models import Invitation, User, UserRole, new_session_token
from grants.accounts.passwords import (
    hash_password,
    password_problem,
    verify_nothing,
    verify_password,
)
from grants.clock import utcnow
from grants.email import queue_email
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.permissions import Permission, Role

LinkBuilder = Callable[[str], str]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_password(password: str, *, email: str, full_name: str) -> None:
    problem = password_problem(password, user_inputs=[email, *full_name.split()])
    if problem:
        raise DomainError(problem, field="password")


def _new_user(*, email: str, full_name: str, password: str, roles: Iterable[Role]) -> User:
    email = normalise_email(email)
    if find_by_email(email):
        raise DomainError("An account with this email address already exists", field="email")
    _check_password(password, email=email, full_name=full_name)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
    )
    user.roles.update(roles)
    db.session.add(user)
    db.session.flush()
    return user


def create_user(*, email: str, full_name: str, password: str, roles: Iterable[Role] = ()) -> User:
    """An account made at the command line or by demo data, audited as made by the system."""
    user = _new_user(email=email, full_name=full_name, password=password, roles=roles)
    audit.record(None, "user.created", user, after=user.audit_view())
    db.session.flush()
    return user


def register_applicant(*, email: str, full_name: str, password: str) -> User:
    """Anyone may register. They start with no role: creating or joining a group is what lets them
    apply, and only an admin grants roles."""
    user = _new_user(email=email, full_name=full_name, password=password, roles=())
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
    """An admin invites someone new, with one role; more roles are added on the person's page.

    People who already have an account are not invited: an admin gives them the role directly.
    """
    email = normalise_email(email)
    if find_by_email(email):
        raise DomainError(
            "An account with this email address already exists. Give them the role on their page "
            "in People and roles instead",
            field="email",
        )
    invitation = Invitation(email=email, role=role, invited_by_id=actor.id)
    token = invitations.issue(invitation)
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
        days=invitations.max_age_days(),
    )
    return invitation


def open_invitation(token: str) -> Invitation | None:
    return invitations.find_live(Invitation, token)


def accept_invitation(token: str, *, full_name: str, password: str) -> User:
    invitation = open_invitation(token)
    if invitation is None:
        raise DomainError(invitations.USED_OR_EXPIRED, field="token")
    roles = {invitation.role} if invitation.role else set()
    user = _new_user(email=invitation.email, full_name=full_name, password=password, roles=roles)
    invitations.use(invitation)
    audit.record(user, "invitation.accepted", invitation, after={"user_id": user.id})
    audit.record(user, "user.registered", user, after=user.audit_view())
    db.session.flush()
    return user


def _active_admin_count() -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.is_active_account)
    )


def set_roles(
    actor: User, user: User, roles: Iterable[Role], *, representing: str | None = None
) -> User:
    """Grant and remove roles so the person holds exactly ``roles``; note who they represent.

    The last active admin keeps the admin role, so the service never locks everyone out of user
    management. Any change of roles signs the person out everywhere: they sign in again and get
    exactly their new rights, with no session holding on to the old ones.
    """
    if not actor.can(Permission.MANAGE_USERS):
        raise NotAllowed("Only admins can change someone's roles")
    wanted = set(roles)
    unknown = [role for role in wanted if not isinstance(role, Role)]
    if unknown:
        raise DomainError("Select roles from the list", field="roles")
    if (
        Role.ADMIN in user.roles
        and Role.ADMIN not in wanted
        and user.is_active_account
        and _active_admin_count() <= 1
    ):
        raise NotAllowed(
            "You cannot remove the last admin. Make someone else an admin first", field="roles"
        )
    before = user.audit_view()
    added, removed = wanted - set(user.roles), set(user.roles) - wanted
    for role in removed:
        user.roles.discard(role)
    user.roles.update(added)
    user.representing = (representing or "").strip() or None
    if added or removed:
        user.session_token = new_session_token()
    after = user.audit_view()
    if after != before:
        audit.record(
            actor,
            "user.roles_changed",
            user,
            before=before,
            after={
                **after,
                "granted": sorted(role.value for role in added),
                "removed": sorted(role.value for role in removed),
            },
        )
    db.session.flush()
    return user


def grant_role(actor: User, user: User, role: Role) -> User:
    """Add one role, keeping the others (used by demo data and tests of combinations)."""
    return set_roles(actor, user, {*user.roles, role}, representing=user.representing)


def remove_role(actor: User, user: User, role: Role) -> User:
    return set_roles(actor, user, set(user.roles) - {role}, representing=user.representing)


def list_users_query():
    return select(User).order_by(func.lower(User.full_name), User.id)
