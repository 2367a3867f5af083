"""Migration 0020: outcomes written before the indicator library become the group's own outcomes
with nothing lost, and going down to 0019 and up again loses nothing either (an outcome that
picked an indicator goes down as text). Run on the real migrations, on a scratch database of
the suite's kind: a temporary SQLite file, or a PostgreSQL database of its own made beside the
one TEST_DATABASE_URL names and dropped afterwards."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, create_engine, make_url, select, text

from config import database_url
from grants.extensions import db
from tests.conftest import SuiteConfig

BEFORE = "0019_single_line_text"
AFTER = "0020_indicators"
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
OLD_OUTCOMES = [
    (1, "Children eat a hot lunch", "40 children over the summer"),
    (2, "Parents make friends", ""),
    (3, "Ünïcode – and “quotes”", "About 20"),
]


def _postgresql_url() -> str | None:
    named = os.environ.get("TEST_DATABASE_URL")
    if not named:
        return None
    url = make_url(database_url(named))
    return url if url.get_backend_name() == "postgresql" else None


@pytest.fixture
def scratch_url(tmp_path):
    server = _postgresql_url()
    if server is None:
        yield database_url(f"sqlite:///{tmp_path / 'outcomes.db'}")
        return
    name = f"scratch_outcomes_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def scratch_app(make_app, scratch_url):
    class ScratchConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = scratch_url

    app = make_app(ScratchConfig)
    with app.app_context():
        upgrade(revision=BEFORE)
        yield app
        db.session.remove()
        db.engine.dispose()


def _table(name: str) -> Table:
    return Table(name, MetaData(), autoload_with=db.engine)


def _insert(table_name: str, /, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(_table(table_name).insert().values(**values))


def _rows(name: str, *columns: str) -> list[tuple]:
    table = _table(name)
    query = select(*(table.c[c] for c in columns)).order_by(table.c.id)
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def _an_application_with_old_outcomes() -> None:
    _insert(
        "user",
        id=1,
        email="eve@example.org",
        full_name="Eve",
        is_active_account=True,
        created_at=WHEN,
        session_token="t1",
    )
    _insert(
        "organisation",
        id=1,
        name="Pemberton Allotment Society",
        org_type="constituted_group",
        address_line_1="1 Orrell Road",
        town="Wigan",
        postcode="WN5 8AB",
        income_band="under_10k",
        created_at=WHEN,
        main_contact_id=1,
    )
    _insert("principle", id=1, name="See the person", description="", position=1, is_active=True)
    _insert(
        "fund",
        id=1,
        name="Community Investment Fund",
        description="",
        funder_org_id="GB-LAE-WGN",
        funder_name="Wigan Council",
        created_at=WHEN,
    )
    _insert(
        "round",
        id=1,
        fund_id=1,
        slug="small-grants",
        title="Small grants",
        guidance="",
        opens_at=WHEN,
        closes_at=datetime(2026, 3, 1, tzinfo=UTC),
        budget_pence=100_000,
        min_award_pence=100,
        max_award_pence=1_000,
        eligible_org_types=["constituted_group"],
        all_neighbourhoods=True,
        allows_recordings=False,
        blind_panel=False,
        allows_several_applications=False,
        created_at=WHEN,
    )
    _insert(
        "application",
        id=1,
        round_id=1,
        organisation_id=1,
        status="draft",
        channel="online",
        created_by_id=1,
        beneficiary_groups=[],
        amount_requested_pence=0,
        group_details_confirmed=False,
        created_at=WHEN,
        updated_at=WHEN,
    )
    for outcome_id, words, target in OLD_OUTCOMES:
        _insert(
            "outcome",
            id=outcome_id,
            application_id=1,
            indicator=words,
            target=target,
            principle_id=1,
        )


def test_old_outcomes_become_own_outcomes_and_survive_down_and_up(scratch_app):
    _an_application_with_old_outcomes()

    upgrade(revision=AFTER)
    own = [(i, words, target, None, None) for i, words, target in OLD_OUTCOMES]
    columns = ("id", "description", "target", "indicator_id", "target_value")
    assert _rows("outcome", *columns) == own

    # An outcome that picks an indicator, made once the library exists.
    _insert(
        "fund_indicator",
        id=7,
        fund_id=1,
        name="People taking part",
        definition="Count each person once.",
        unit="people",
        principle_id=1,
        is_active=True,
        created_at=WHEN,
    )
    _insert(
        "fund_indicator",
        id=8,
        fund_id=1,
        name="People feeling less isolated",
        definition="Ask them at the end.",
        unit="percentage",
        principle_id=1,
        is_active=False,
        created_at=WHEN,
    )
    _insert("outcome", id=4, application_id=1, indicator_id=7, target_value=40, principle_id=1)
    _insert("outcome", id=5, application_id=1, indicator_id=8, target_value=75, principle_id=1)

    downgrade(revision=BEFORE)
    assert _rows("outcome", "id", "indicator", "target", "principle_id") == [
        *[(i, words, target, 1) for i, words, target in OLD_OUTCOMES],
        (4, "People taking part", "40 people", 1),
        (5, "People feeling less isolated", "75%", 1),
    ]

    upgrade(revision=AFTER)
    assert _rows("outcome", *columns) == [
        *own,
        (4, "People taking part", "40 people", None, None),
        (5, "People feeling less isolated", "75%", None, None),
    ]
    upgrade()  # and on to the newest revision
