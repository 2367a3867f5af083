"""Account rules: registration, sign-in, password resets, roles and closing accounts.

Staff invitations are in :mod:`grants.accounts.staff_invitations`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from grants import audit, single_line, transaction
from grants.accounts import role_grants, throttle
from grants.accounts.confirmation import mark_email_proven, send_confirmation
from grants.accounts.models import User, UserRole, new_session_token
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
from grants.textsearch import contains_text

LinkBuilder = Callable[[str], str]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_password(password: str, *, email: str, full_name: str) -> None:
    problem = password_problem(password, user_inputs=[email, *full_name.split()])
    if problem:
        raise DomainError(problem, field="password")


def new_account(
    *, email: str, full_name: str, password: str, roles: Iterable[Role], email_proven: bool
) -> User:
    """``email_proven``: the address is known to be the person's (an emailed link brought them
    here, or an admin made the account), so it needs no confirmation."""
    email = normalise_email(email)
    single_line.check(full_name=("Full name", full_name))
    if find_by_email(email):
        raise DomainError("An account with this email address already exists", field="email")
    _check_password(password, email=email, full_name=full_name)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        email_confirmed_at=utcnow() if email_proven else None,
    )
    user.roles.update(roles)
    db.session.add(user)
    db.session.flush()
    return user


def create_user(*, email: str, full_name: str, password: str, roles: Iterable[Role] = ()) -> User:
    """An account made at the command line or by demo data, audited as made by the system."""
    user = new_account(
        email=email, full_name=full_name, password=password, roles=roles, email_proven=True
    )
    audit.record(None, "user.created", user, after=user.audit_view())
    db.session.flush()
    return user


def register_applicant(
    *, email: str, full_name: str, password: str, link_for: LinkBuilder
) -> User | None:
    """Anyone may register. They start with no role: creating or joining a group is what lets them
    apply, and only an admin grants roles.

    The new account is sent a confirmation link and can do nothing else until it is followed.
    Whether the address already has an account is never shown to whoever is registering: its
    owner is emailed instead (and None returned), with the same effort spent either way.
    """
    email = normalise_email(email)
    _check_password(password, email=email, full_name=full_name)
    owner = find_by_email(email)
    if owner is not None:
        verify_nothing(password)
        queue_email(
            owner.email,
            "Someone tried to create an account with your email address",
            "registration_attempt",
            user=owner,
        )
        return None
    user = new_account(
        email=email, full_name=full_name, password=password, roles=(), email_proven=False
    )
    audit.record(user, "user.registered", user, after=user.audit_view())
    db.session.flush()
    send_confirmation(user, link_for)
    return user


def register_invited(*, email: str, full_name: str, password: str) -> User:
    """Register from an invitation emailed to ``email``: following its link proved the address,
    so the account is confirmed at once."""
    user = new_account(
        email=email, full_name=full_name, password=password, roles=(), email_proven=True
    )
    audit.record(user, "user.registered", user, after=user.audit_view())
    db.session.flush()
    return user


SIGN_IN_FAILED = "Enter a correct email address and password"


def _password_owner(email: str, password: str) -> User | None:
    """The account these credentials open, active or not. Costs the same whether or not the
    address has an account, so timing does not tell."""
    user = find_by_email(email)
    if user is None:
        verify_nothing(password)
        return None
    return user if verify_password(user.password_hash, password) else None


def _signed_in(user: User) -> User:
    user.last_signed_in_at = utcnow()
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user for these credentials, or None. Never says which of the two was wrong."""
    user = _password_owner(email, password)
    if user is None or not user.is_active_account:
        return None
    return _signed_in(user)


def sign_in(email: str, password: str, *, address: str) -> User:
    """The person signing in from ``address`` (their network address), or a refusal.

    Failures count against the account and the address (:mod:`grants.accounts.throttle`); while
    either is over its limit even the right password is refused. Whoever the address belongs to
    is told only by the right password that their account is closed.
    """
    email = normalise_email(email)
    if throttle.account_locked(email) or throttle.address_blocked(address):
        raise DomainError(
            f"Too many attempts to sign in. Try again in {throttle.lock_minutes()} minutes "
            "or reset your password",
            field="email",
        )
    user = _password_owner(email, password)
    if user is None:
        if throttle.record_failure(email, address):
            _warn_of_lock(email)
        raise DomainError(SIGN_IN_FAILED, field="email")
    if not user.is_active_account:
        raise DomainError(
            "Your account has been closed, so you cannot sign in. If you think this is wrong, "
            f"email {current_app.config['SERVICE_EMAIL']}",
            field="email",
        )
    return _signed_in(user)


def _warn_of_lock(email: str) -> None:
    """Tell the owner, once per lock, that someone kept trying their password."""
    user = find_by_email(email)
    if user is not None and user.is_active_account:
        queue_email(
            user.email,
            "Someone tried to sign in to your account",
            "sign_in_locked",
            user=user,
            minutes=throttle.lock_minutes(),
        )


def end_sessions(user: User) -> None:
    """Signing out ends the session for good: a copy of the cookie taken before (on a shared
    computer, say) no longer signs anyone in. A new session token does that, and signs the person
    out of their other browsers too, which is what people expect of "Sign out" on a shared PC."""
    user.session_token = new_session_token()
    db.session.flush()


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
    """Set the new password and, once that has committed, lift any lock on the account: the
    reset link proves the mailbox, so a lock someone else caused no longer keeps its owner out."""
    user = user_for_reset_token(token)
    if user is None:
        raise DomainError("This link has expired or has already been used", field="token")
    _check_password(new_password, email=user.email, full_name=user.full_name)
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    audit.record(user, "user.password_reset", user)
    mark_email_proven(user)  # the reset link was emailed to them
    db.session.flush()
    email = user.email
    transaction.after_commit(lambda: throttle.lift_account_lock(email))
    return user


# Invitations and roles ------------------------------------------------------------------------


def _active_admin_count() -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.is_active_account)
    )


def set_roles(
    actor: User, user: User, roles: Iterable[Role], *, representing: str | None = None
) -> User:
    """Grant and remove roles so the person holds ``roles``; note who they represent.

    Adding the finance officer, bank-details viewer or admin role only proposes it, for another
    admin to confirm (:mod:`grants.accounts.role_grants`); ``role_grants.pending_for(user)`` says
    what waits. The last active admin keeps the admin role, so the service never locks everyone
    out of user management. Any change of roles signs the person out everywhere: they sign in
    again and get exactly their new rights, with no session holding on to the old ones.
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
    single_line.check(representing=("Who they represent", representing))
    before = user.audit_view()
    added, removed = wanted - set(user.roles), set(user.roles) - wanted
    added -= role_grants.hold_back(actor, user, added)
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


def list_users_query(matching: str = ""):
    """Everyone, by name; or those whose name or email address contains ``matching``."""
    query = select(User).order_by(func.lower(User.full_name), User.id)
    if matching.strip():
        text = matching.strip()
        query = query.where(
            or_(contains_text(User.full_name, text), contains_text(User.email, text))
        )
    return query


# Administration: pending invitations and closing accounts ------------------------------------


def check_manages_users(actor: User) -> None:
    if not actor.can(Permission.MANAGE_USERS):
        raise NotAllowed("Only admins can manage people and invitations")


def deactivate_user(actor: User, user: User, *, reason: str | None = None) -> User:
    """Close someone's account: they cannot sign in, every session they have open ends, and
    everything they did stays on record under their name.

    Nobody closes their own account here (an admin could lock themselves out mid-task), and the
    last active admin stays, so someone can always manage people.
    """
    check_manages_users(actor)
    if user.id == actor.id:
        raise NotAllowed("You cannot deactivate your own account. Ask another admin")
    if not user.is_active_account:
        raise DomainError(f"{user.full_name}'s account is already deactivated")
    if Role.ADMIN in user.roles and _active_admin_count() <= 1:
        raise NotAllowed("You cannot deactivate the last admin. Make someone else an admin first")
    before = user.audit_view()
    user.is_active_account = False
    user.session_token = new_session_token()
    after = {**user.audit_view(), "reason": (reason or "").strip() or None}
    audit.record(actor, "user.deactivated", user, before=before, after=after)
    db.session.flush()
    return user


def reactivate_user(actor: User, user: User) -> User:
    """Let a deactivated person sign in again, with the roles they held before."""
    check_manages_users(actor)
    if user.is_active_account:
        raise DomainError(f"{user.full_name}'s account is already active")
    before = user.audit_view()
    user.is_active_account = True
    audit.record(actor, "user.reactivated", user, before=before, after=user.audit_view())
    db.session.flush()
    return user
