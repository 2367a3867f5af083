"""Test fixtures: one migrated database per run (per worker, under pytest-xdist), emptied after
every test.

SQLite by default (a temporary file, so a browser test's server thread sees the same data);
set TEST_DATABASE_URL to run the same suite on PostgreSQL. Each xdist worker gets a database of
its own there too (``test_gw0``, ``test_gw1``…), made on first use next to the one named.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, make_url, text

from config import TestConfig, database_url
from grants import create_app, transaction
from grants.extensions import db, limiter
from tests.checks import CheckedClient

_TMP = Path(tempfile.mkdtemp(prefix="grants-tests-"))

# CI runs every property test on the same bounded set of examples, with no deadline: a slow first
# example on a busy machine is not a failure, and a failure reproduces exactly. Tests that name
# their own number of examples keep it.
settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _suite_database_url() -> str:
    """The database this process tests against: a worker of its own under pytest-xdist, so two
    workers never empty each other's tables. Processes a test spawns inherit the worker's name."""
    named = os.environ.get("TEST_DATABASE_URL")
    if not named:
        return f"sqlite:///{_TMP / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = make_url(database_url(named))
    if not worker or url.get_backend_name() != "postgresql":
        return url.render_as_string(hide_password=False)
    return url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


def _create_worker_database(url: str) -> None:
    """Make the worker's PostgreSQL database if it is not there yet (from the one named)."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    worker_url = make_url(url)
    named = make_url(database_url(os.environ["TEST_DATABASE_URL"]))
    if worker_url.get_backend_name() != "postgresql" or worker_url.database == named.database:
        return
    engine = create_engine(named, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": worker_url.database},
            )
            if not found:
                connection.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
    finally:
        engine.dispose()


class SuiteConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = _suite_database_url()
    MAIL_FILE_PATH = str(_TMP / "outbox")
    UPLOAD_FOLDER = str(_TMP / "uploads")


def _empty_schema() -> None:
    """Start PostgreSQL runs from nothing, so the migrations are what builds the schema."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app():
    _create_worker_database(SuiteConfig.SQLALCHEMY_DATABASE_URI)
    app = create_app(SuiteConfig)
    app.test_client_class = CheckedClient
    with app.app_context():
        _empty_schema()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app():
    """Build extra apps (say, under ProductionConfig) whose connections are closed afterwards."""
    made = []

    def build(config=SuiteConfig):
        made.append(create_app(config))
        return made[-1]

    yield build
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


def _truncate_all() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    # DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of every table costs a new file per table on
    # each of thousands of tests, while deleting a test's few rows is nearly free. Ids are not
    # reset on either database, so no test may rely on them starting at 1. The audit log refuses
    # DELETE on PostgreSQL (it is append-only), so it alone is truncated, and only when written.
    postgresql = db.engine.dialect.name == "postgresql"
    for name in tables:
        if postgresql and name == "audit_event":
            if db.session.scalar(text('SELECT EXISTS (SELECT 1 FROM "audit_event")')):
                db.session.execute(text('TRUNCATE "audit_event"'))
        else:
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


@pytest.fixture(autouse=True)
def _fresh_state(app):
    """Each test gets an app context, an empty database, an empty outbox and fresh rate limits."""
    with app.app_context():
        limiter.reset()
        app.extensions["mailman"].outbox = []
        yield
        db.session.rollback()
        db.session.remove()
        _truncate_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Emails sent during the test (flask_mailman EmailMessage objects)."""
    return app.extensions["mailman"].outbox


@pytest.fixture
def reference_data():
    """Wigan's wards and the six principles, as `flask import-geography` loads them."""
    from grants.reference import importer, services

    importer.import_geography()
    services.seed_principles()


@pytest.fixture
def count_queries():
    """count_queries(action) -> how many SQL statements the action ran, starting from a cold session."""
    from sqlalchemy import event

    def run(action) -> int:
        statements: list[str] = []
        transaction.commit()  # the test's set-up (and its emails) are done before counting
        db.session.expire_all()  # start cold, as a new request would

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            action()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    return run
