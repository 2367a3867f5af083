"""Two officers deciding at once, from their own connections, cannot over-commit the round's
budget or decide one application twice. PostgreSQL only: SQLite has a single writer anyway, and
the point is the row lock that PostgreSQL needs."""

from __future__ import annotations

import time

import pytest

from grants import transaction
from grants.accounts.models import User
from grants.applications.models import Application
from grants.audit import AuditEvent
from grants.extensions import db
from grants.panels import decisions
from grants.panels.decisions import DecisionInput
from grants.panels.meeting_models import Decision, DecisionVersion
from grants.panels.models import Panel
from grants.permissions import Role
from tests.concurrency import at_once
from tests.factories import make_user
from tests.panels.meeting_setup import quorate_meeting, scored_round

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture(autouse=True)
def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set TEST_DATABASE_URL)")


@pytest.fixture
def slow_budget_check(monkeypatch):
    """Widen the race: each decision pauses after adding up what is committed, so without the
    round lock both would see the same total and both would award."""
    original = decisions.committed_pence

    def slow(*args, **kwargs):
        total = original(*args, **kwargs)
        time.sleep(0.3)
        return total

    monkeypatch.setattr(decisions, "committed_pence", slow)


FUND = DecisionInput(outcome="fund", rationale="Strong bid")


def _deciding(officer_id: int, panel_id: int, application_id: int, choice: DecisionInput):
    def prepare():
        officer = db.session.get(User, officer_id)
        panel = db.session.get(Panel, panel_id)
        application = db.session.get(Application, application_id)
        return lambda: decisions.decide(officer, panel, application, choice)

    return prepare


def test_two_awards_at_once_cannot_take_the_round_over_budget(app, slow_budget_check):
    scored = scored_round(levels=(5, 4), budget_pence=250_000)
    quorate_meeting(scored)
    second_officer = make_user(Role.PROGRAMME_OFFICER)
    first, second = scored.applications
    transaction.commit()
    results = at_once(
        app,
        [
            _deciding(scored.officer.id, scored.panel.id, first.id, FUND),
            _deciding(second_officer.id, scored.panel.id, second.id, FUND),
        ],
    )
    refused = [error for error in results if error is not None]
    assert len(refused) == 1 and "over its budget" in str(refused[0])
    db.session.expire_all()
    assert decisions.committed_pence(scored.round.id) == 150_000
    assert db.session.query(Decision).count() == 1


def test_one_application_decided_twice_at_once_has_one_decision(app, slow_budget_check):
    """The second waits for the first's round lock, then finds its decision: changing it would
    need a reason the second officer never gave, so it is refused rather than silently replacing
    the first, adding another or counting the money twice."""
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    second_officer = make_user(Role.PROGRAMME_OFFICER)
    application = scored.applications[0]
    transaction.commit()
    results = at_once(
        app,
        [
            _deciding(scored.officer.id, scored.panel.id, application.id, FUND),
            _deciding(second_officer.id, scored.panel.id, application.id, FUND),
        ],
    )
    refused = [error for error in results if error is not None]
    assert len(refused) == 1 and "just recorded a decision" in str(refused[0])
    db.session.expire_all()
    assert db.session.query(Decision).count() == 1
    assert db.session.query(DecisionVersion).count() == 1
    assert decisions.committed_pence(scored.round.id) == 150_000
    recorded = db.session.query(AuditEvent).filter_by(action="decision.recorded").all()
    assert len(recorded) == 1
