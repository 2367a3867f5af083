"""Sending email. SMTP when configured; in development, files in the outbox folder."""

from __future__ import annotations

from flask import current_app, render_template
from flask_mailman import EmailMessage


def send_email(to: str, subject: str, template: str, **context) -> None:
    """Render ``templates/email/<template>.txt`` and send it as plain text."""
    body = render_template(f"email/{template}.txt", **context)
    message = EmailMessage(
        subject=f"{subject} – {current_app.config['SERVICE_NAME']}",
        body=body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
    )
    message.send()
