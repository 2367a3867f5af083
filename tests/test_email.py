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


# Names with line breaks never stop an email, and an email that keeps failing is shown to admins


def _name_by_sql(model, row_id: int, column: str, value: str) -> None:
    """Store ``value`` as the forms never would (a row from before they refused line breaks)."""
    db.session.execute(db.update(model).where(model.id == row_id).values({column: value}))
    db.session.commit()
    db.session.expire_all()


def test_a_name_with_a_line_break_in_the_database_still_gets_its_emails_sent(app, outbox):
    from grants.accounts.models import User
    from grants.organisations import services as organisations
    from grants.organisations.models import Organisation
    from tests.factories import make_group, make_user

    ada = make_user(email="ada@example.org")
    group = make_group(ada)
    tokens = []
    with app.test_request_context():
        organisations.invite_member(ada, group, "eve@example.org", link_for=tokens.append)
        eve = make_user(email="eve@example.org")
        _name_by_sql(User, eve.id, "full_name", "Eve\r\nBcc: everyone@example.org")
        _name_by_sql(Organisation, group.id, "name", "Pemberton\nAllotments")
        outbox.clear()
        organisations.accept_group_invitation(eve, tokens[0])
        transaction.commit()
        membership = next(m for m in group.memberships if m.user_id == eve.id)
        organisations.remove_member(ada, group, membership.id)
        transaction.commit()
    sent = {message.subject.split(" – ")[0]: message.to for message in outbox}
    assert sent["Someone has joined your group"] == ["ada@example.org"]
    assert sent["You have been removed from a group"] == ["eve@example.org"]
    assert all("\n" not in message.subject and "\r" not in message.subject for message in outbox)
    assert db.session.scalar(select(OutboundEmail).where(OutboundEmail.sent_at.is_(None))) is None


def test_no_subject_can_carry_a_line_break_into_a_header(app, outbox):
    with app.test_request_context():
        queue_email("a@example.org", "Hello\r\nBcc: b@example.org", **RESET)
        db.session.add(OutboundEmail(recipient="c@example.org", subject="Old\nrow", body="B"))
        db.session.commit()
        transaction.commit()
        assert deliver() == 1  # the old row, queued before subjects were made one line
        transaction.commit()
    assert sorted(message.subject for message in outbox) == [
        "Hello Bcc: b@example.org – Community Investment Fund",
        "Old row",
    ]
    assert [message.to for message in outbox] == [["a@example.org"], ["c@example.org"]]


def test_an_email_that_keeps_failing_is_given_up_on_and_shown_to_admins(
    app, client, outbox, monkeypatch
):
    from flask_mailman import EmailMessage

    from grants.email import undelivered_count
    from grants.permissions import Role
    from tests.checks import soup_of
    from tests.factories import make_user, sign_in

    admin = make_user(Role.ADMIN)
    monkeypatch.setattr(EmailMessage, "send", lambda self: 1 / 0)
    with app.test_request_context():
        _queue("lost@example.org")
        transaction.commit()
        for _ in range(app.config["EMAIL_MAX_ATTEMPTS"] + 3):
            deliver()
            transaction.commit()
        message = db.session.scalar(
            select(OutboundEmail).where(OutboundEmail.recipient == "lost@example.org")
        )
        assert message.attempts == app.config["EMAIL_MAX_ATTEMPTS"]  # no longer retried
        assert message.given_up and undelivered_count() == 1
    sign_in(client, admin)
    home = soup_of(client.get("/home")).get_text(" ", strip=True)
    assert "1 email could not be sent" in home
    page = soup_of(client.get("/admin/undelivered-email"))
    text = page.get_text(" ", strip=True)
    assert "lost@example.org" in text and "division by zero" in text
    assert "correct horse" not in text  # never the body: it may hold a reset link
    monkeypatch.undo()
    response = client.post(f"/admin/undelivered-email/{message.id}/retry")
    assert response.status_code == 302
    assert [m.to for m in outbox if m.to == ["lost@example.org"]] == [["lost@example.org"]]
    assert "could not be sent" not in soup_of(client.get("/home")).get_text(" ", strip=True)


def test_only_admins_see_or_retry_undelivered_email(client):
    from grants.permissions import Role
    from tests.factories import make_user, sign_in

    with client.application.test_request_context():
        _queue("lost@example.org")
    message = db.session.scalar(select(OutboundEmail))
    message.attempts = 99
    db.session.commit()
    for role in (Role.FINANCE_OFFICER, Role.PROGRAMME_OFFICER, None):
        sign_in(client, make_user(role))
        assert client.get("/admin/undelivered-email").status_code == 403
        assert client.post(f"/admin/undelivered-email/{message.id}/retry").status_code == 403
    sign_in(client, make_user(Role.ADMIN))
    assert client.post("/admin/undelivered-email/99999999/retry").status_code == 404
