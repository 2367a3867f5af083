"""Email: queued in the transaction, delivered after the commit; files in development, SMTP when
a server is configured."""

from __future__ import annotations

from sqlalchemy import select

from grants import transaction
from grants.email import OutboundEmail, deliver, queue_email
from grants.extensions import db
from tests.conftest import SuiteConfig

RESET = {
    "template": "password_reset",
    "user": type("U", (), {"full_name": "Sam"}),
    "link": "http://localhost/reset/abc",
    "minutes": 60,
}


def _queue(to="someone@example.org"):
    return queue_email(to, "Hello", **RESET)


def test_development_email_is_written_to_the_outbox_folder(make_app, tmp_path):
    class OutboxConfig(SuiteConfig):
        MAIL_BACKEND = "file"
        MAIL_FILE_PATH = str(tmp_path / "outbox")

    app = make_app(OutboxConfig)
    with app.test_request_context():
        _queue()
        transaction.commit()
    messages = list((tmp_path / "outbox").iterdir())
    assert len(messages) == 1
    text = messages[0].read_text()
    assert "To: someone@example.org" in text and "http://localhost/reset/abc" in text


def test_email_waits_for_the_commit(app, outbox):
    with app.test_request_context():
        _queue()
        assert outbox == []  # queued, not sent, while the transaction is open
        transaction.commit()
    assert [message.to for message in outbox] == [["someone@example.org"]]
    assert db.session.scalar(select(OutboundEmail.sent_at)) is not None


def test_a_rolled_back_transaction_sends_nothing(app, outbox):
    with app.test_request_context():
        _queue()
        transaction.rollback()
        transaction.commit()  # a later transaction does not send the forgotten message
    assert outbox == []
    assert db.session.scalar(select(OutboundEmail)) is None


def test_a_failed_delivery_stays_queued_and_is_retried(app, outbox, monkeypatch):
    from flask_mailman import EmailMessage

    with app.test_request_context():
        real_send = EmailMessage.send
        monkeypatch.setattr(EmailMessage, "send", lambda self: 1 / 0)
        _queue()
        transaction.commit()  # the change commits even though the mailer failed
        message = db.session.scalar(select(OutboundEmail))
        assert message.sent_at is None and message.attempts == 1
        assert "division by zero" in message.last_error
        monkeypatch.setattr(EmailMessage, "send", real_send)
        assert deliver() == 1
        transaction.commit()
        assert deliver() == 0  # never twice
    assert len(outbox) == 1


def test_deliver_email_command_sends_what_is_waiting(app, runner, outbox):
    with app.test_request_context():
        db.session.add(OutboundEmail(recipient="a@example.org", subject="S", body="B"))
        db.session.commit()
    result = runner.invoke(args=["deliver-email"])
    assert result.exit_code == 0, result.output
    assert "Emails sent: 1." in result.output
    assert [message.to for message in outbox] == [["a@example.org"]]


def test_smtp_is_used_when_a_mail_server_is_configured(make_app):
    class SmtpConfig(SuiteConfig):
        MAIL_BACKEND = None
        MAIL_SERVER = "smtp.example.org"

    class NoServerConfig(SuiteConfig):
        MAIL_BACKEND = None
        MAIL_SERVER = None

    assert make_app(SmtpConfig).extensions["mailman"].backend == "smtp"
    assert make_app(NoServerConfig).extensions["mailman"].backend == "file"
