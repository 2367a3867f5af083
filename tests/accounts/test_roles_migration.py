"""Migration 0005: each person's single old role becomes a row in user_role, without loss.

Runs the real migrations on a scratch SQLite database: up to 0004, some people with every old
role (and invitations), then up to 0005 and back down again.
"""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from config import database_url
from grants.extensions import db
from tests.conftest import SuiteConfig

OLD_ROLES = ["applicant", "panel_member", "programme_officer", "finance_officer", "admin"]


@pytest.fixture
def scratch_app(make_app, tmp_path):
    class ScratchConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{tmp_path / 'scratch.db'}")

    app = make_app(ScratchConfig)
    with app.app_context():
        upgrade(revision="0004_outbound_email")
        yield app


def _insert_old_users() -> None:
    with db.engine.begin() as connection:
        for number, role in enumerate(OLD_ROLES, start=1):
            connection.execute(
                text(
                    'INSERT INTO "user" (id, email, full_name, role, representing, '
                    "is_active_account, created_at, session_token) VALUES (:id, :email, :name, "
                    ":role, :representing, :active, '2026-01-01 00:00:00', :token)"
                ),
                {
                    "id": number,
                    "email": f"{role}@example.org",
                    "name": role.title(),
                    "role": role,
                    "representing": "Resident" if role == "panel_member" else None,
                    "active": number != 3,  # a closed account keeps its role too
                    "token": f"token{number}",
                },
            )
        for number, role in enumerate(["applicant", "finance_officer"], start=1):
            connection.execute(
                text(
                    "INSERT INTO invitation (id, email, role, token_hash, invited_by_id, "
                    "created_at, expires_at) VALUES (:id, :email, :role, :hash, 5, "
                    "'2026-01-01 00:00:00', '2099-01-01 00:00:00')"
                ),
                {
                    "id": number,
                    "email": f"invited{number}@example.org",
                    "role": role,
                    "hash": f"hash{number}",
                },
            )


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_every_old_role_but_applicant_becomes_a_user_role_row(scratch_app):
    _insert_old_users()
    upgrade(revision="0005_combinable_roles")
    assert _rows("SELECT user_id, role FROM user_role ORDER BY user_id") == [
        (2, "panel_member"),
        (3, "programme_officer"),
        (4, "finance_officer"),
        (5, "admin"),
    ]
    # Nobody was lost, and what else we knew about them is kept.
    assert _rows('SELECT id, email, representing, session_token FROM "user" ORDER BY id') == [
        (1, "applicant@example.org", None, "token1"),
        (2, "panel_member@example.org", "Resident", "token2"),
        (3, "programme_officer@example.org", None, "token3"),
        (4, "finance_officer@example.org", None, "token4"),
        (5, "admin@example.org", None, "token5"),
    ]
    columns = [row[1] for row in _rows("PRAGMA table_info('user')")]
    assert "role" not in columns
    assert _rows("SELECT id, role FROM invitation ORDER BY id") == [
        (1, None),
        (2, "finance_officer"),
    ]


def test_the_database_refuses_an_unknown_role_and_a_role_held_twice(scratch_app):
    _insert_old_users()
    upgrade(revision="0005_combinable_roles")
    for role in ("applicant", "superuser", "admin"):  # admin: user 5 holds it already
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO user_role (user_id, role) VALUES (5, :role)"), {"role": role}
            )


def test_downgrading_keeps_each_persons_most_powerful_role(scratch_app):
    _insert_old_users()
    upgrade(revision="0005_combinable_roles")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO user_role (user_id, role) VALUES (2, 'admin')"))
        connection.execute(
            text("INSERT INTO user_role (user_id, role) VALUES (4, 'programme_officer')")
        )
    downgrade(revision="0004_outbound_email")
    assert _rows('SELECT id, role FROM "user" ORDER BY id') == [
        (1, "applicant"),
        (2, "admin"),
        (3, "programme_officer"),
        (4, "programme_officer"),
        (5, "admin"),
    ]
    assert _rows("SELECT id, role FROM invitation ORDER BY id") == [
        (1, "applicant"),
        (2, "finance_officer"),
    ]
