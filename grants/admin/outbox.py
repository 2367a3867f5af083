"""Email the service gave up sending, for admins to see and try again.

A message that fails ``EMAIL_MAX_ATTEMPTS`` times (a mail server refusing an address, say) would
otherwise be lost in silence: a group never hears its bank details changed. Admins see each one
with its last error, never its body (which may hold a password reset link).
"""

from __future__ import annotations

from grants import audit, transaction
from grants.accounts.models import User
from grants.accounts.services import check_manages_users
from grants.email import OutboundEmail, deliver
from grants.errors import DomainError, NotFound
from grants.extensions import db


def get_undelivered(actor: User, message_id: int) -> OutboundEmail:
    check_manages_users(actor)
    message = db.session.get(OutboundEmail, message_id)
    if message is None:
        raise NotFound("Email not found")
    return message


def retry(actor: User, message: OutboundEmail) -> OutboundEmail:
    """Try once more, after this request commits; a failure leaves it on the list with the new
    error, and a success takes it off."""
    check_manages_users(actor)
    if message.sent_at is not None:
        raise DomainError("This email has already been sent")
    audit.record(
        actor,
        "email.retried",
        message,
        before={"recipient": message.recipient, "attempts": message.attempts},
    )
    db.session.flush()
    message_id = message.id
    transaction.after_commit(lambda: deliver([message_id]))
    return message
