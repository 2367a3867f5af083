"""Email: files in the outbox folder in development, SMTP when a server is configured."""

from __future__ import annotations

from grants.email import send_email
from tests.conftest import SuiteConfig


def test_development_email_is_written_to_the_outbox_folder(make_app, tmp_path):
    class OutboxConfig(SuiteConfig):
        MAIL_BACKEND = "file"
        MAIL_FILE_PATH = str(tmp_path / "outbox")

    app = make_app(OutboxConfig)
    with app.test_request_context():
        send_email(
            "someone@example.org",
            "Hello",
            "password_reset",
            user=type("U", (), {"full_name": "Sam"}),
            link="http://localhost/reset/abc",
            minutes=60,
        )
    messages = list((tmp_path / "outbox").iterdir())
    assert len(messages) == 1
    text = messages[0].read_text()
    assert "To: someone@example.org" in text and "http://localhost/reset/abc" in text


def test_smtp_is_used_when_a_mail_server_is_configured(make_app):
    class SmtpConfig(SuiteConfig):
        MAIL_BACKEND = None
        MAIL_SERVER = "smtp.example.org"

    class NoServerConfig(SuiteConfig):
        MAIL_BACKEND = None
        MAIL_SERVER = None

    assert make_app(SmtpConfig).extensions["mailman"].backend == "smtp"
    assert make_app(NoServerConfig).extensions["mailman"].backend == "file"
