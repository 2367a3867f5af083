"""Two app processes committing money at the same moment (sending two offers, or approving two
increases) cannot take a round over budget.

Each offer or increase fits the round alone, but not both together. Two separate processes (the spawn
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
from grants.awards import services, variations
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


def act_in_own_process(action: str, object_id: int, actor_id: int, barrier, results) -> None:
    """Runs in a fresh process: its own app, session and connection. ``action`` is "approve" (a
    variation) or "offer" (send an award's offer)."""
    from grants import create_app
    from grants.accounts.models import User
    from grants.awards import ledger, offers, services
    from grants.awards.models import Award
    from tests.conftest import SuiteConfig

    original = ledger.committed_in_round

    def slow(*args, **kwargs):
        total = original(*args, **kwargs)
        time.sleep(0.5)
        return total

    services.ledger.committed_in_round = slow
    app = create_app(SuiteConfig)
    with app.app_context():
        outcome = "approved" if action == "approve" else "offered"
        try:
            actor = db.session.get(User, actor_id)
            if action == "approve":
                variation = db.session.get(Variation, object_id)
                barrier.wait(timeout=30)
                variations.approve(actor, variation, link="/")
            else:
                award = db.session.get(Award, object_id)
                barrier.wait(timeout=30)
                offers.send_offer(actor, award, lambda a: "/")
            transaction.commit()
        except Exception as error:  # reported to the test
            transaction.rollback()
            outcome = f"{type(error).__name__}: {error}"
        finally:
            db.session.remove()
            db.engine.dispose()
        results.put((object_id, outcome))


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

    outcomes = _at_once("approve", [(v.id, a.id) for v, a in zip(proposed, approvers, strict=True)])
    approved = [v for v, outcome in outcomes.items() if outcome == "approved"]
    refused = [outcome for outcome in outcomes.values() if outcome != "approved"]
    assert len(approved) == 1, outcomes
    assert len(refused) == 1 and "over its budget" in refused[0], outcomes
    db.session.expire_all()
    statuses = sorted(db.session.get(Variation, v.id).status for v in proposed)
    assert statuses == sorted([VariationStatus.APPROVED, VariationStatus.PROPOSED])
    assert committed_in_round(round_id) == 1_150_000 <= first.round.budget_pence


def _at_once(action: str, jobs: list[tuple[int, int]]) -> dict[int, str]:
    """Run ``action`` on each (object id, actor id) in its own process, all released together."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [
        context.Process(
            target=act_in_own_process, args=(action, object_id, actor_id, barrier, results)
        )
        for object_id, actor_id in jobs
    ]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    return outcomes


def test_two_processes_sending_offers_cannot_together_take_the_round_over_budget():
    first, second = (f.award for f in released_awards([500_000, 500_000], budget_pence=1_200_000))
    preparer, approver = finance_officer(), finance_officer()
    for award in (first, second):  # finance raises each award before the offer goes
        services.adjust(
            preparer,
            award,
            services.AwardChanges(
                700_000, award.start_date, award.end_date, amount_reason="Costs rose"
            ),
        )
        services.approve_increase(approver, award, 700_000)  # the second pair of eyes
    senders = [finance_officer(), finance_officer()]
    round_id = first.round_id
    transaction.commit()

    outcomes = _at_once("offer", [(first.id, senders[0].id), (second.id, senders[1].id)])
    offered = [a for a, outcome in outcomes.items() if outcome == "offered"]
    refused = [outcome for outcome in outcomes.values() if outcome != "offered"]
    assert len(offered) == 1, outcomes
    assert len(refused) == 1 and "over its budget" in refused[0], outcomes
    db.session.expire_all()
    assert committed_in_round(round_id) == 700_000 <= first.round.budget_pence
