"""Migration 0019: names and other single-line text written before forms refused line breaks
are made one line, on the real migrations (a scratch SQLite database; the PostgreSQL lane runs
the same revision when it builds its schema)."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from config import database_url
from grants.extensions import db
from tests.conftest import SuiteConfig


@pytest.fixture
def scratch_app(make_app, tmp_path):
    class ScratchConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{tmp_path / 'scratch.db'}")

    app = make_app(ScratchConfig)
    with app.app_context():
        upgrade(revision="0018_decision_history")
        yield app


def _insert(sql: str, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(sql), values)


def _one(sql: str):
    with db.engine.connect() as connection:
        return connection.execute(text(sql)).one()


def test_line_breaks_become_spaces_and_empty_optional_answers_become_null(scratch_app):
    _insert(
        'INSERT INTO "user" (id, email, full_name, representing, is_active_account, created_at, '
        "session_token) VALUES (1, 'eve@example.org', :name, :representing, 1, "
        "'2026-01-01 00:00:00', 't1')",
        name=" Eve\r\n Bcc: all@example.org\t",
        representing="\n",
    )
    _insert(
        "INSERT INTO organisation (id, name, org_type, address_line_1, town, postcode, "
        "income_band, created_at, main_contact_id, contact_phone) VALUES (1, :name, "
        "'constituted_group', :line, 'Wigan', 'WN1 1AA', 'under_10k', '2026-01-01 00:00:00', 1, "
        "'01942 000000')",
        name="Pemberton\u2028Allotments\x85Society",
        line="1 Orrell Road",
    )
    _insert(
        "INSERT INTO outbound_email (id, recipient, subject, body, queued_at, attempts) VALUES "
        "(1, 'a@example.org', :subject, :body, '2026-01-01 00:00:00', 3)",
        subject="Eve\r\n has joined",
        body="Lines\nin a body stay",
    )
    upgrade(revision="0019_single_line_text")
    assert _one('SELECT full_name, representing FROM "user"') == (
        "Eve Bcc: all@example.org",
        None,
    )
    assert _one("SELECT name, address_line_1 FROM organisation") == (
        "Pemberton Allotments Society",
        "1 Orrell Road",  # untouched
    )
    assert _one("SELECT subject, body FROM outbound_email") == (
        "Eve has joined",
        "Lines\nin a body stay",
    )
    downgrade(revision="0018_decision_history")
    upgrade()
