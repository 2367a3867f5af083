"""Two app processes approving increases at the same moment cannot take a round over budget.

Each increase fits the round alone, but not both together. Two separate processes (the spawn
context: fresh interpreters, each with its own app and connection pool, as two gunicorn workers
would be) approve one each, released together by a barrier; each pauses after adding up what the
round has committed, so without the round's row lock both would see room and both would commit.
PostgreSQL only: SQLite has a single writer anyway, and the point is PostgreSQL's row lock.
"""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from grants import transaction
from grants.awards import variations
from grants.awards.ledger import committed_in_round
from grants.awards.models import Variation, VariationKind, VariationStatus
from grants.extensions import db
from tests.awards.factories import finance_officer, released_awards
from tests.awards.test_variations import in_force

pytestmark = pytest.mark.usefixtures("reference_data")

WORKERS = 2


@pytest.fixture(autouse=True)
def _postgresql_only():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the round's row lock is tested on PostgreSQL (set TEST_DATABASE_URL)")


def approve_in_own_process(variation_id: int, approver_id: int, barrier, results) -> None:
    """Runs in a fresh process: its own app, session and connection."""
    from grants import create_app
    from grants.accounts.models import User
    from grants.awards import ledger, services
    from tests.conftest import SuiteConfig

    original = ledger.committed_in_round

    def slow(*args, **kwargs):
        total = original(*args, **kwargs)
        time.sleep(0.5)
        return total

    services.ledger.committed_in_round = slow
    app = create_app(SuiteConfig)
    with app.app_context():
        outcome = "approved"
        try:
            variation = db.session.get(Variation, variation_id)
            approver = db.session.get(User, approver_id)
            barrier.wait(timeout=30)
            variations.approve(approver, variation, link="/")
            transaction.commit()
        except Exception as error:  # reported to the test
            transaction.rollback()
            outcome = f"{type(error).__name__}: {error}"
        finally:
            db.session.remove()
            db.engine.dispose()
        results.put((variation_id, outcome))


def test_two_processes_cannot_together_take_the_round_over_budget():
    first, second = (f.award for f in released_awards([500_000, 500_000], budget_pence=1_200_000))
    proposer = finance_officer()
    approvers = [finance_officer(), finance_officer()]
    proposed = []
    for award in (first, second):
        in_force(award)
        proposed.append(
            variations.propose(
                proposer,
                award,
                variations.Proposal(VariationKind.AMOUNT, "More", amount_change_pence=150_000),
            )
        )
    round_id = first.round_id
    transaction.commit()  # the other processes must see it

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [
        context.Process(
            target=approve_in_own_process, args=(variation.id, approver.id, barrier, results)
        )
        for variation, approver in zip(proposed, approvers, strict=True)
    ]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    approved = [v for v, outcome in outcomes.items() if outcome == "approved"]
    refused = [outcome for outcome in outcomes.values() if outcome != "approved"]
    assert len(approved) == 1, outcomes
    assert len(refused) == 1 and "over its budget" in refused[0], outcomes
    db.session.expire_all()
    statuses = sorted(db.session.get(Variation, v.id).status for v in proposed)
    assert statuses == sorted([VariationStatus.APPROVED, VariationStatus.PROPOSED])
    assert committed_in_round(round_id) == 1_150_000 <= first.round.budget_pence
