"""Migration 0007: everyone who had an account before addresses were confirmed counts as confirmed
from when their account was made; nobody is locked out by the upgrade."""

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
        upgrade(revision="0006_integrity")
        yield app


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_existing_people_are_confirmed_from_when_their_account_was_made(scratch_app):
    with db.engine.begin() as connection:
        for number, made in enumerate(["2025-03-01 09:00:00", "2026-01-02 10:30:00"], start=1):
            connection.execute(
                text(
                    'INSERT INTO "user" (id, email, full_name, is_active_account, created_at, '
                    "session_token) VALUES (:id, :email, 'A Person', 1, :made, 'token')"
                ),
                {"id": number, "email": f"person{number}@example.org", "made": made},
            )
    upgrade(revision="0007_accounts_security")
    assert _rows('SELECT id, email_confirmed_at, created_at FROM "user" ORDER BY id') == [
        (1, "2025-03-01 09:00:00", "2025-03-01 09:00:00"),
        (2, "2026-01-02 10:30:00", "2026-01-02 10:30:00"),
    ]
    downgrade(revision="0006_integrity")
    columns = [row[1] for row in _rows("PRAGMA table_info('user')")]
    assert "email_confirmed_at" not in columns and "email" in columns
    assert len(_rows('SELECT id FROM "user"')) == 2
