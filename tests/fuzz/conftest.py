"""Fixtures for the fuzz tests, and the Hypothesis profile they run under.

The profile (the parent of ``harness.FUZZ``; not loaded globally, so it never changes the settings
of other tests) is derandomised, so CI tries the same examples on every run and a failure reproduces
exactly, and keeps no example database. Hypothesis's other caches (constants it collects from the
source, Unicode tables) go to a temporary directory, so nothing is written to .hypothesis and no
cache left by an older checkout can change which examples are tried.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import event

from grants.extensions import db
from grants.permissions import Role
from tests.factories import make_user, sign_in

settings.register_profile("fuzz", derandomize=True, database=None, deadline=None)
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="grants-hypothesis-"))


@pytest.fixture(autouse=True)
def _commits_without_fsync(app):
    """SQLite waits for the disk on every commit, and fuzzing commits thousands of times; the
    data is thrown away after each test, so these tests skip that wait (and restore it after)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        yield
        return

    def no_fsync(connection, _record, _proxy):
        connection.execute("PRAGMA synchronous = OFF")

    def restore(connection, _record):
        connection.execute("PRAGMA synchronous = FULL")

    event.listen(engine, "checkout", no_fsync)
    event.listen(engine, "checkin", restore)
    yield
    db.session.close()  # hands its connection back, restored, before the listeners go
    event.remove(engine, "checkout", no_fsync)
    event.remove(engine, "checkin", restore)


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path: Path, monkeypatch) -> Path:
    """This test's own upload folder, four levels down its temporary directory, so a file that a
    traversing name such as ../../etc/passwd managed to write would land where the test looks.

    The size limits are small so files over them are cheap to make.
    """
    folder = tmp_path / "a" / "b" / "c" / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    monkeypatch.setitem(app.config, "MAX_DOCUMENT_BYTES", 32 * 1024)
    monkeypatch.setitem(app.config, "MAX_RECORDING_BYTES", 32 * 1024)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    return folder


@pytest.fixture
def officer(client):
    user = make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")
    sign_in(client, user)
    return user
