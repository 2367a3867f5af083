"""Requests at the same moment: each from its own thread, app context and database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest

from grants import transaction
from grants.extensions import db

# Loads what it needs in its own session and returns the action to run once every thread is ready.
Prepare = Callable[[], Callable[[], object]]


def at_once(app, calls: Sequence[Prepare]) -> list[BaseException | None]:
    """Prepare each call in its own thread, release every action together, and commit each as
    its request would (rolling back on an error). What each raised, or None."""
    barrier = threading.Barrier(len(calls))
    results: list[BaseException | None] = [None] * len(calls)

    def run(index: int, prepare: Prepare) -> None:
        with app.app_context():
            try:
                action = prepare()
                barrier.wait(timeout=10)
                action()
                transaction.commit()
            except BaseException as error:  # reported to the test thread
                transaction.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def postgresql_only() -> None:
    """Skip on SQLite, whose one writer at a time cannot race: two requests at once are tested
    on PostgreSQL (set TEST_DATABASE_URL), as the CI's PostgreSQL lane does."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two requests at once are tested on PostgreSQL (set TEST_DATABASE_URL)")
