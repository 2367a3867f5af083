"""One transaction per request, command or job.

Services add, change and ``flush``; they never commit. The boundary commits exactly once: a
request when its response is a success, a CLI command or job when it returns. Anything else (an
exception, an error page, a refusal shown on a form) rolls the whole unit back, so services compose:
when the second of two fails, the first leaves nothing behind either.

Side effects that cannot be rolled back (sending email, deleting files) are registered with
:func:`after_commit` and run only once the commit has succeeded; a rollback forgets them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from grants.extensions import db

log = logging.getLogger(__name__)
_AFTER_COMMIT = "grants.after_commit"
_AFTER_ROLLBACK = "grants.after_rollback"


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` after the current transaction commits; never if it rolls back."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def after_rollback(callback: Callable[[], None]) -> None:
    """Run ``callback`` if the current transaction rolls back (say, to delete a file it wrote).

    The callback must not use the database: it runs inside the rollback.
    """
    db.session.info.setdefault(_AFTER_ROLLBACK, []).append(callback)


@event.listens_for(Session, "after_rollback")
def _undo_side_effects(session: Session) -> None:
    """A rolled-back transaction sends nothing and deletes nothing (savepoints do not count); it
    cleans up what it wrote outside the database."""
    session.info.pop(_AFTER_COMMIT, None)
    for callback in session.info.pop(_AFTER_ROLLBACK, []):
        try:
            callback()
        except Exception:
            log.exception("Cleaning up after a rollback failed")


def commit() -> None:
    """Commit the unit of work, then run its side effects.

    A side effect may itself write (an email marked as sent); that is committed as its own small
    transaction. A failing side effect is logged and does not undo the commit before it.
    """
    db.session.commit()
    db.session.info.pop(_AFTER_ROLLBACK, None)
    callbacks = db.session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        try:
            callback()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("A side effect after commit failed")


def rollback() -> None:
    """Abandon the unit of work: nothing it flushed is kept and none of its side effects run."""
    db.session.rollback()


def transactional(function: Callable) -> Callable:
    """Make a CLI command or job one unit of work."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with unit_of_work():
            return function(*args, **kwargs)

    return run


@contextmanager
def unit_of_work() -> Iterator[None]:
    """The boundary for CLI commands and jobs: commit on success, roll back on any exception."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def claim(instance, **expected) -> bool:
    """Lock ``instance``'s row if its columns still hold ``expected``; False if another
    transaction changed them first.

    This is how two requests at once (a double click, two members pressing "Send") are put in
    order on both databases: a no-op UPDATE takes PostgreSQL's row lock or SQLite's write lock,
    and its WHERE clause is checked again once the other transaction has committed. The winner
    carries on with fresh data; the loser learns it lost without changing anything.
    """
    model = type(instance)
    statement = (
        update(model)
        .where(model.id == instance.id, *(getattr(model, k) == v for k, v in expected.items()))
        .values(expected)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(statement).rowcount != 1:
        return False
    db.session.refresh(instance)
    return True


def register(app: Flask) -> None:
    """The request boundary: commit after a successful response, roll back after any other."""

    @app.after_request
    def finish_transaction(response: Response) -> Response:
        if response.status_code < 400:
            commit()
        else:
            rollback()
        return response

    @app.teardown_request
    def discard_unfinished(error: BaseException | None) -> None:
        # An exception that never became a response skipped after_request: undo its work too.
        if error is not None:
            rollback()
