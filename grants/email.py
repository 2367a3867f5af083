"""Email through an outbox table: queued inside the transaction, delivered after it commits.

A service that decides to tell someone something calls :func:`queue_email`; the message is a row
written in the same transaction as the change it describes. So a rolled-back change sends
nothing, and a committed one is delivered once (inline after the commit today; by a worker or
``flask deliver-email`` for anything that failed). SMTP when configured; in development, files in
the outbox folder.

A subject is an email header, so it is made one line here, once, for every message: a name
with a line break in it can never stop an email being sent. A message that still fails
``EMAIL_MAX_ATTEMPTS`` times is given up on and listed for admins (:func:`undelivered_query`),
never left to fail in silence.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app, render_template
from flask_mailman import EmailMessage
from sqlalchemy import DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from grants import transaction
from grants.clock import utcnow
from grants.extensions import db
from grants.single_line import single_line

log = logging.getLogger(__name__)


class OutboundEmail(db.Model):
    """One message to one address. ``sent_at`` is empty until it has been handed to the mailer."""

    __tablename__ = "outbound_email"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(400))

    @property
    def given_up(self) -> bool:
        """Failed as many times as the service tries: it waits for an admin to try again."""
        return self.sent_at is None and self.attempts >= max_attempts()


def max_attempts() -> int:
    return current_app.config["EMAIL_MAX_ATTEMPTS"]


def header_text(text: str) -> str:
    """Text made safe for one header line: whatever it holds, never a line break."""
    return single_line(text)


def queue_email(to: str, subject: str, template: str, **context) -> OutboundEmail:
    """Render ``templates/email/<template>.txt`` and queue it to go once the transaction commits.

    Write ``subject`` as fixed text: the body is the place for names, which people type."""
    message = OutboundEmail(
        recipient=to,
        subject=header_text(f"{subject} – {current_app.config['SERVICE_NAME']}"),
        body=render_template(f"email/{template}.txt", **context),
    )
    db.session.add(message)
    db.session.flush()
    message_id = message.id
    transaction.after_commit(lambda: deliver([message_id]))
    return message


def deliver(ids: list[int] | None = None) -> int:
    """Send unsent messages (these ids, or every unsent one not yet given up on) and mark them
    sent. Returns how many went. A message that fails stays unsent with its error, for the next
    attempt, until it has failed ``EMAIL_MAX_ATTEMPTS`` times."""
    query = select(OutboundEmail).where(OutboundEmail.sent_at.is_(None)).order_by(OutboundEmail.id)
    if ids is not None:
        query = query.where(OutboundEmail.id.in_(ids))
    else:
        query = query.where(OutboundEmail.attempts < max_attempts())
    sent = 0
    for message in db.session.scalars(query):
        message.attempts += 1
        try:
            EmailMessage(
                subject=header_text(message.subject),  # also for messages queued before
                body=message.body,
                from_email=current_app.config["MAIL_DEFAULT_SENDER"],
                to=[message.recipient],
            ).send()
        except Exception as error:  # the mailer's errors vary by backend; keep the message
            message.last_error = str(error)[:400]
            log.warning("Email %s could not be sent: %s", message.id, error)
            if message.given_up:
                log.error(
                    "Email %s failed %s times; admins are shown it", message.id, max_attempts()
                )
        else:
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    return sent


def undelivered_query():
    """Messages given up on, newest first: what admins are shown."""
    return (
        select(OutboundEmail)
        .where(OutboundEmail.sent_at.is_(None), OutboundEmail.attempts >= max_attempts())
        .order_by(OutboundEmail.queued_at.desc(), OutboundEmail.id.desc())
    )


def undelivered_count() -> int:
    return db.session.scalar(select(func.count()).select_from(undelivered_query().subquery()))
