"""Proving an email address: until a person follows a link we emailed them, their account can do
nothing but confirm (the gate is :func:`grants.permissions.enforce_access`).

Any emailed link proves the mailbox, so accepting an invitation or resetting a password confirms
the address too (:func:`mark_email_proven`).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from grants import audit
from grants.accounts.models import User
from grants.clock import utcnow
from grants.email import queue_email
from grants.errors import DomainError
from grants.extensions import db

LinkBuilder = Callable[[str], str]


def _confirmation_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirmation")


def send_confirmation(user: User, link_for: LinkBuilder) -> None:
    """Email a link that proves the person reads this mailbox. It names the address too, so a
    link sent before an address changed confirms nothing."""
    if user.email_confirmed:
        return
    token = _confirmation_serializer().dumps({"user": user.id, "email": user.email})
    queue_email(
        user.email,
        "Confirm your email address",
        "confirm_email",
        user=user,
        link=link_for(token),
        days=current_app.config["EMAIL_CONFIRMATION_MAX_AGE"] // (24 * 60 * 60),
    )


def confirm_email(token: str) -> tuple[User, bool]:
    """The account the link confirms, and whether this click confirmed it (False when it was
    confirmed already). A bad or expired link is refused."""
    try:
        data = _confirmation_serializer().loads(
            token, max_age=current_app.config["EMAIL_CONFIRMATION_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature):
        data = None
    user_id = data.get("user") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.email != data.get("email") or not user.is_active_account:
        raise DomainError("This link has expired or is not valid", field="token")
    if user.email_confirmed:
        return user, False
    mark_email_proven(user)
    return user, True


def mark_email_proven(user: User) -> None:
    """Record that the person has shown they read their mailbox (a link we emailed them)."""
    if user.email_confirmed:
        return
    user.email_confirmed_at = utcnow()
    audit.record(user, "user.email_confirmed", user, after={"email": user.email})
    db.session.flush()
