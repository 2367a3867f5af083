"""One invitation mechanism for everyone we invite by email: staff and panel members (accounts),
members of a community group (organisations), and next, members of a panel.

Each kind keeps its own table, because each carries its own payload (a role to grant, a group to
join), but the secret, the expiry and the single use are the same rules and live here once:

- the link carries a random token; the database keeps only its SHA-256 hash;
- an invitation works for ``INVITATION_MAX_AGE_DAYS`` days;
- it works once: :func:`use` marks it with a conditional update, so two people opening the same
  link at the same moment cannot both get in;
- until it is used, whoever manages invitations may :func:`revoke` it (the link stops working) or
  :func:`reissue` it (a new link and a new expiry; the old link stops working).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app
from sqlalchemy import DateTime, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from grants.clock import as_aware, utcnow
from grants.errors import DomainError
from grants.extensions import db
from grants.tokens import hash_token, new_token

USED_OR_EXPIRED = "This invitation has expired or has already been used"
NO_LONGER_PENDING = "This invitation has already been accepted or revoked"


class InvitationMixin:
    """The columns every invitation table shares. Subclasses add the email and their payload."""

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_pending(self) -> bool:
        """Neither used nor revoked: it can still be sent again or revoked, even once expired."""
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return as_aware(self.expires_at) < utcnow()

    @property
    def is_live(self) -> bool:
        """Pending and not expired: the link works."""
        return self.is_pending and not self.is_expired


Invitation = TypeVar("Invitation", bound=InvitationMixin)


def max_age_days() -> int:
    return current_app.config["INVITATION_MAX_AGE_DAYS"]


def issue(invitation: InvitationMixin) -> str:
    """Give a new invitation its secret and its expiry. Returns the token for the emailed link;
    the token itself is never stored."""
    token, invitation.token_hash = new_token()
    invitation.expires_at = utcnow() + timedelta(days=max_age_days())
    return token


def find_live(model: type[Invitation], token: str) -> Invitation | None:
    """The live invitation this token opens, or None (unknown, used or expired: all look alike)."""
    invitation = db.session.scalar(select(model).where(model.token_hash == hash_token(token)))
    if invitation is None or not invitation.is_live:
        return None
    return invitation


def use(invitation: InvitationMixin) -> None:
    """Mark the invitation used, exactly once, or refuse.

    The update only matches a row nobody has used or revoked yet, so of two acceptances racing
    each other one wins and the other is told the invitation has been used.
    """
    if not invitation.is_live:
        raise DomainError(USED_OR_EXPIRED, field="token")
    if not _mark_if_pending(invitation, accepted_at=utcnow()):
        raise DomainError(USED_OR_EXPIRED, field="token")


def revoke(invitation: InvitationMixin) -> None:
    """Stop the link working, unless it has been used (or revoked) already. The same conditional
    update as :func:`use`, so a revocation and an acceptance racing each other cannot both win."""
    if not _mark_if_pending(invitation, revoked_at=utcnow()):
        raise DomainError(NO_LONGER_PENDING)


def reissue(invitation: InvitationMixin) -> str:
    """A new secret and a new expiry for a pending invitation; the old link stops working.
    Returns the new token for the emailed link."""
    if not _mark_if_pending(invitation):
        raise DomainError(NO_LONGER_PENDING)
    return issue(invitation)


def _mark_if_pending(invitation: InvitationMixin, **values: datetime) -> bool:
    """Set ``values`` on the invitation's row only while it is neither used nor revoked, and
    lock the row until the transaction ends. False if another transaction got there first."""
    model = type(invitation)
    pending = (model.id == invitation.id, model.accepted_at.is_(None), model.revoked_at.is_(None))
    result = db.session.execute(
        update(model)
        .where(*pending)
        .values(values or {"accepted_at": None})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    for name, value in values.items():
        set_committed_value(invitation, name, value)
    return True
