"""Benchmark finance's pages as the awards grow: the finance home, the ledger, the awards and
payments lists (first page), one award's page, and the ledger exported as CSV and as XLSX (the
time to the whole body, and the peak memory Python allocated while streaming it). Prints the
median time (and the median CPU time of this process) and the SQL statements per request at
each size.

    .venv/bin/python benchmarks/awards.py [--sizes 100,1000,5000] [--repeat 9]

The awards are spread over 2 funds of 3 rounds each (each fund with 3 contributors, every third
award paid from one of them), two awards to a group, across every neighbourhood and principle.
Each has 1 to 3 instalments in states that fit its own (scheduled, raised, approved, in a run,
paid, held, cancelled); some have variations and money returned, and every group has encrypted
bank details (some replaced, some waiting to be verified). Rows are inserted in bulk: the services
are not what is timed. Uses a temporary SQLite file, or PostgreSQL when BENCH_DATABASE_URL is set
(its public schema is dropped and rebuilt).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import g  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, insert, select, text  # noqa: E402

from benchmarks.lists import PASSWORD, build_app  # noqa: E402
from grants.accounts import services as accounts  # noqa: E402
from grants.applications.models import Application, application_neighbourhood  # noqa: E402
from grants.applications.states import ApplicationStatus  # noqa: E402
from grants.awards import crypto  # noqa: E402
from grants.awards.models import (  # noqa: E402
    Award,
    BankDetails,
    Payment,
    PaymentRun,
    Recovery,
    ReleaseCondition,
    ReportDue,
    Variation,
)
from grants.awards.schedule import instalment_amounts  # noqa: E402
from grants.awards.states import AwardStatus, PaymentStatus  # noqa: E402
from grants.clock import uk_today, utcnow  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.funds.models import Contribution, Fund, Round  # noqa: E402
from grants.organisations.models import Organisation  # noqa: E402
from grants.panels.meeting_models import Decision, DecisionOutcome, Meeting  # noqa: E402
from grants.panels.models import Panel  # noqa: E402
from grants.permissions import Role  # noqa: E402
from grants.reference import importer  # noqa: E402
from grants.reference import services as reference  # noqa: E402
from grants.reference.models import Neighbourhood, Principle  # noqa: E402

A, P = AwardStatus, PaymentStatus
# The mix of award states: most are being paid, some wait for an answer or have finished.
AWARD_STATES = [*[A.ACTIVE] * 3, *[A.ACCEPTED] * 2, *[A.OFFERED] * 2, A.PREPARING, A.COMPLETED,
                A.CLOSED_EARLY, A.DECLINED, A.WITHDRAWN, A.EXPIRED]  # fmt: skip
# The instalment after the last one paid, by award number: a mix of everything finance meets.
NEXT_PAYMENT = [P.RAISED, P.APPROVED, P.SENT, P.HELD, P.SCHEDULED, P.RAISED, P.APPROVED]
CONDITIONS = [ReleaseCondition.ON_ACCEPTANCE, ReleaseCondition.INTERIM_REPORT,
              ReleaseCondition.FINAL_REPORT]  # fmt: skip
SPLITS = {1: [100], 2: [50, 50], 3: [50, 40, 10]}
CONTRIBUTORS = [("Wigan Council", "GB-LAE-WGN", 10**10), ("NHS Wigan", "GB-NHS-02H", 10**9),
                ("Greater Manchester Police", "GB-GOR-PF43", 10**9)]  # fmt: skip


def prepare():
    """An empty database with the reference data, the people, 2 funds and their 6 rounds."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade()
    importer.import_geography()
    reference.seed_principles()

    def person(email: str, name: str, *roles: Role):
        return accounts.create_user(email=email, full_name=name, password=PASSWORD, roles=roles)

    finance = person("finance@example.org", "Fay", Role.FINANCE_OFFICER)
    other = person("finance2@example.org", "Omar", Role.FINANCE_OFFICER)
    officer = person("officer@example.org", "Owen", Role.PROGRAMME_OFFICER)
    applicant = person("applicant@example.org", "Alex")
    rounds = []
    for f in range(2):
        fund = Fund(
            name=f"Benchmark fund {f + 1}",
            contributions=[
                Contribution(contributor_name=name, contributor_org_id=org_id,
                             amount_pence=amount, received_on=date(2026, 4, 1))
                for name, org_id, amount in CONTRIBUTORS
            ],
        )  # fmt: skip
        for r in range(3):
            round_ = Round(
                fund=fund,
                slug=f"bench-{f}-{r}",
                title=f"Benchmark round {f + 1}.{r + 1}",
                opens_at=utcnow() - timedelta(days=200),
                closes_at=utcnow() - timedelta(days=100),
                budget_pence=10**10,
                min_award_pence=25_000,
                max_award_pence=2_500_000,
                eligible_org_types=[],
            )
            db.session.add(round_)
            db.session.flush()
            panel = Panel(round_id=round_.id)
            db.session.add(panel)
            db.session.flush()
            db.session.add(Meeting(panel_id=panel.id, opened_by_id=officer.id))
            rounds.append(round_.id)
    db.session.commit()
    return finance, other, officer, applicant, rounds


def _bulk(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` and return their ids, in order."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def _award_row(n: int, status: AwardStatus, now, people) -> dict:
    finance, other, officer, applicant = people
    amount = 100_000 + (n * 7919) % 900_000 // 100 * 100
    row = {"reference": f"CIF-AWD-{n:06d}", "status": status.value, "amount_pence": amount,
           "conditions": ["Share a safeguarding policy"] if n % 4 == 0 else [],
           "start_date": date(2026, 4, 1) + timedelta(days=n % 90),
           "end_date": date(2027, 3, 31) + timedelta(days=n % 90),
           "created_by_id": finance.id, "created_at": now}  # fmt: skip
    if status != A.PREPARING:
        row |= {"offered_at": now - timedelta(days=40 + n % 20), "offered_by_id": finance.id,
                "offer_expires_on": uk_today() + timedelta(days=n % 30 - 10)}  # fmt: skip
    if status in (A.ACCEPTED, A.ACTIVE, A.COMPLETED, A.CLOSED_EARLY):
        row |= {"accepted_at": now - timedelta(days=30), "accepted_by_id": applicant.id,
                "signatory_name": "Sam Signer", "signatory_role": "Chair",
                "accepted_on_paper": n % 9 == 0}  # fmt: skip
    if status in (A.DECLINED, A.WITHDRAWN, A.CLOSED_EARLY):
        row |= {"ended_reason": "No longer going ahead", "ended_at": now,
                "ended_by_id": finance.id}  # fmt: skip
    return row


def _payment_states(status: AwardStatus, count: int, n: int) -> list[PaymentStatus]:
    if status == A.COMPLETED:
        return [P.PAID] * count
    if status == A.CLOSED_EARLY:
        return [P.PAID] + [P.CANCELLED] * (count - 1)
    if status in (A.DECLINED, A.WITHDRAWN, A.EXPIRED):
        return [P.CANCELLED] * count
    if status in (A.PREPARING, A.OFFERED):
        return [P.SCHEDULED] * count
    paid = [P.PAID] if status == A.ACTIVE else []
    return (paid + [NEXT_PAYMENT[n % len(NEXT_PAYMENT)]] + [P.SCHEDULED] * count)[:count]


def _payment_row(award_id, number, amount, state, n, run_id, now, people) -> dict:
    finance, other, _officer, _applicant = people
    row = {"award_id": award_id, "number": number, "amount_pence": amount,
           "due_on": uk_today() + timedelta(days=(n % 60) - 20 + 90 * (number - 1)),
           "release_condition": CONDITIONS[number - 1].value, "status": state.value,
           "status_changed_at": now - timedelta(days=n % 5)}  # fmt: skip
    raiser, approver = (finance, other) if n % 2 else (other, finance)
    if state in (P.RAISED, P.APPROVED, P.SENT, P.PAID):
        row |= {"raised_by_id": raiser.id, "raised_at": now - timedelta(days=3)}
    if state in (P.APPROVED, P.SENT, P.PAID):
        row |= {"approved_by_id": approver.id, "approved_at": now - timedelta(days=2)}
    if state == P.SENT or (state == P.PAID and n % 3 == 0):
        row["run_id"] = run_id
    if state == P.PAID:
        row |= {"paid_on": uk_today() - timedelta(days=n % 20), "paid_recorded_by_id": raiser.id,
                "remittance_reference": f"BACS-{n:06d}-{number}"}  # fmt: skip
    if state == P.HELD:
        row |= {"hold_kind": "manual", "hold_reason": "Checking the invoice",
                "held_from": P.SCHEDULED.value, "held_by_id": finance.id}  # fmt: skip
    if state == P.CANCELLED:
        row["cancelled_reason"] = "Award closed"
    return row


def grow_to(size: int, people, rounds: list[int], groups: dict[int, int]) -> None:
    """Insert awards, with everything that follows them, in bulk until there are ``size``.
    Award ``n`` goes to group ``n // 2``; ``groups`` maps those numbers to the groups' ids."""
    finance, other, officer, applicant = people
    have = db.session.scalar(select(func.count(Award.id)))
    if size <= have:
        return
    now = utcnow()
    numbers = range(have, size)
    wards = list(db.session.scalars(select(Neighbourhood.id)))
    principles = list(db.session.scalars(select(Principle.id)))
    meetings = dict(db.session.execute(select(Panel.round_id, Meeting.id).join(Meeting)).all())
    contributions = {r: [c.id for c in db.session.get(Round, r).fund.contributions] for r in rounds}
    new_groups = sorted({n // 2 for n in numbers} - groups.keys())
    new_ids = _bulk(Organisation, [_group_row(g, applicant, now) for g in new_groups])
    groups.update(zip(new_groups, new_ids, strict=True))
    application_ids = _bulk(
        Application,
        [_application_row(n, rounds, groups[n // 2], principles, applicant, now) for n in numbers],
    )
    db.session.execute(
        insert(application_neighbourhood),
        [
            {"application_id": a, "neighbourhood_id": wards[(n + k * 7) % len(wards)]}
            for n, a in zip(numbers, application_ids, strict=True)
            for k in range(1 + n % 2)
        ],
    )
    decision_ids = _bulk(
        Decision,
        [
            {"meeting_id": meetings[rounds[n % 6]], "application_id": a,
             "outcome": DecisionOutcome.FUND.value, "amount_pence": 100_000, "conditions": [],
             "rationale": "Strong local support", "ranking_method": "mean",
             "decided_by_id": officer.id, "decided_at": now}
            for n, a in zip(numbers, application_ids, strict=True)
        ],
    )  # fmt: skip
    states = {n: AWARD_STATES[n % len(AWARD_STATES)] for n in numbers}
    award_rows = []
    for n, application_id, decision_id in zip(numbers, application_ids, decision_ids, strict=True):
        round_id = rounds[n % 6]
        award_rows.append(
            _award_row(n, states[n], now, people)
            | {
                "application_id": application_id,
                "decision_id": decision_id,
                "round_id": round_id,
                "organisation_id": groups[n // 2],
                "contribution_id": contributions[round_id][n % 3] if n % 3 == 0 else None,
            }
        )
    award_ids = _bulk(Award, award_rows)
    [run_id] = _bulk(
        PaymentRun,
        [{"due_by": uk_today(), "total_pence": 0, "payment_count": 0,
          "created_by_id": finance.id, "created_at": now}],
    )  # fmt: skip
    payments, reports, variations, recoveries = [], [], [], []
    for n, award_id, row in zip(numbers, award_ids, award_rows, strict=True):
        count = 1 + n % 3
        shares = instalment_amounts(row["amount_pence"], SPLITS[count])
        for number, (amount, state) in enumerate(
            zip(shares, _payment_states(states[n], count, n), strict=True), start=1
        ):
            payments.append(_payment_row(award_id, number, amount, state, n, run_id, now, people))
        reports += _report_rows(award_id, states[n], row)
        variations += _variation_rows(award_id, states[n], n, people, now)
        recoveries += _recovery_rows(award_id, states[n], n, finance, now)
    _bulk(Payment, payments)
    _bulk(ReportDue, reports)
    _bulk(Variation, variations)
    _bulk(Recovery, recoveries)
    _bulk(BankDetails, _bank_rows(new_ids, people, now))
    in_run = select(Payment.amount_pence).where(Payment.run_id == run_id).subquery()
    db.session.execute(
        PaymentRun.__table__.update()
        .where(PaymentRun.id == run_id)
        .values(
            total_pence=select(func.coalesce(func.sum(in_run.c.amount_pence), 0)).scalar_subquery(),
            payment_count=select(func.count()).select_from(in_run).scalar_subquery(),
        )
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Statistics for the planner now, as autovacuum would give a live database.
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _group_row(g: int, applicant, now) -> dict:
    return {"name": f"Benchmark group {g}", "org_type": "cio", "address_line_1": f"{g} Market St",
            "town": "Wigan", "postcode": "WN1 1AA", "income_band": "under_10k",
            "main_contact_id": applicant.id, "created_at": now}  # fmt: skip


def _application_row(n: int, rounds, group_id: int, principles, applicant, now) -> dict:
    return {"reference": f"CIF-2026-{n:06d}", "round_id": rounds[n % 6],
            "organisation_id": group_id, "status": ApplicationStatus.FUNDED.value,
            "channel": "online", "created_by_id": applicant.id, "title": f"Project {n}",
            "summary": "A benchmark project", "main_principle_id": principles[n % len(principles)],
            "amount_requested_pence": 100_000, "submitted_at": now, "created_at": now,
            "updated_at": now, "beneficiary_groups": []}  # fmt: skip


def _report_rows(award_id: int, status: AwardStatus, award: dict) -> list[dict]:
    if status not in (A.ACCEPTED, A.ACTIVE, A.COMPLETED, A.CLOSED_EARLY):
        return []
    return [
        {"award_id": award_id, "kind": "interim", "due_on": award["start_date"] + timedelta(180)},
        {"award_id": award_id, "kind": "final", "due_on": award["end_date"] + timedelta(30)},
    ]


def _variation_rows(award_id: int, status: AwardStatus, n: int, people, now) -> list[dict]:
    """One in five awards in force has a variation: half approved increases, half proposed
    decreases waiting for a decision."""
    finance, other, _officer, _applicant = people
    if status not in (A.ACCEPTED, A.ACTIVE) or n % 10 >= 2:
        return []
    approved = n % 10 == 0
    return [
        {"award_id": award_id, "kind": "amount", "status": "approved" if approved else "proposed",
         "amount_change_pence": 10_000 if approved else -5_000, "reason": "More sessions",
         "proposed_by_id": other.id, "proposed_at": now,
         "decided_by_id": finance.id if approved else None,
         "decided_at": now if approved else None}
    ]  # fmt: skip


def _recovery_rows(award_id: int, status: AwardStatus, n: int, finance, now) -> list[dict]:
    if status not in (A.ACTIVE, A.COMPLETED, A.CLOSED_EARLY) or n % 5:
        return []
    return [
        {"award_id": award_id, "kind": "clawback" if n % 2 else "underspend",
         "amount_pence": 2_500, "received_on": uk_today(), "reason": "Unspent",
         "recorded_by_id": finance.id, "recorded_at": now}
    ]  # fmt: skip


def _bank_rows(group_ids: list[int], people, now) -> list[dict]:
    """Each group's details: verified; every seventh group changed them once (the old row
    replaced) and every fifth waits for the new ones to be verified."""
    finance, _other, _officer, applicant = people
    rows = []
    for group_id in group_ids:
        number = f"{group_id % 100_000_000:08d}"
        account = {"account_name": f"Group {group_id}", "sort_code": "309430",
                   "account_number": number}  # fmt: skip
        token = crypto.encrypt(account)
        base = {"organisation_id": group_id, "encrypted": token, "account_last4": number[-4:],
                "entered_by_id": applicant.id, "entered_at": now}  # fmt: skip
        verified = {"verified_at": now, "verified_by_id": finance.id,
                    "verification_method": "call_back"}  # fmt: skip
        if group_id % 7 == 0:
            rows.append(base | verified | {"replaced_at": now})
        rows.append(base if group_id % 5 == 0 else base | verified)
    return rows


def _reset_session() -> None:
    db.session.expunge_all()  # each request starts with an empty session, as in production
    g.pop("_login_user", None)  # each request loads its own user, as in production


def measure(client, path: str, repeat: int) -> tuple[float, float, int, int]:
    """Median wall time and median CPU time of this process (ms), the SQL statements, and the
    size of the body (bytes), of a request read to its end. On SQLite the CPU time includes the
    database's work; on PostgreSQL it leaves out the server's."""
    statements: list[str] = []

    def count(*_args):
        statements.append("x")

    timings, cpu, size = [], [], 0
    for _ in range(repeat):
        _reset_session()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        size = sum(len(chunk) for chunk in response.iter_encoded())  # a stream, to its end
        response.close()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200 and size, (path, response.status_code)
    return statistics.median(timings), statistics.median(cpu), len(statements), size


def peak_memory(client, path: str) -> int:
    """The most memory Python allocated at once while the response was made and streamed
    (chunks are counted and dropped, so the body as a whole is not held here)."""
    _reset_session()
    tracemalloc.start()
    try:
        response = client.get(path)
        for _chunk in response.iter_encoded():
            pass
        response.close()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def award_to_show() -> int:
    """An active award with several instalments, a variation and money returned."""
    return db.session.scalar(
        select(Award.id)
        .join(Variation, Variation.award_id == Award.id)
        .join(Recovery, Recovery.award_id == Award.id)
        .where(Award.status == A.ACTIVE)
        .order_by(Award.id)
        .limit(1)
    ) or db.session.scalar(select(Award.id).where(Award.status == A.ACTIVE).limit(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    app = build_app()
    with app.app_context():
        *people, rounds = prepare()
        from tests.factories import sign_in

        client = app.test_client()
        sign_in(client, people[0])  # the finance officer
        groups: dict[int, int] = {}
        print(f"database: {db.engine.dialect.name}")
        print(
            f"{'awards':>6}  {'page':<28} {'median ms':>9}  {'cpu ms':>7}  {'queries':>7}  "
            f"{'body KB':>8}  {'peak MB':>7}"
        )
        for size in [int(s) for s in args.sizes.split(",")]:
            people = tuple(db.session.merge(person) for person in people)
            grow_to(size, people, rounds, groups)
            award_id = award_to_show()
            pages = [
                "/finance/",
                "/finance/ledger",
                "/awards/",
                "/payments/",
                f"/awards/{award_id}",
                "/finance/exports/ledger.csv",
                "/finance/exports/ledger.xlsx",
            ]
            for path in pages:
                export = "/exports/" in path
                repeat = max(3, args.repeat // 3) if export else args.repeat
                median, cpu, queries, body = measure(client, path, repeat)
                peak = f"{peak_memory(client, path) / 2**20:>7.1f}" if export else f"{'':>7}"
                print(
                    f"{size:>6,}  {path:<28} {median:>9.1f}  {cpu:>7.1f}  {queries:>7}  "
                    f"{body / 1024:>8.1f}  {peak}"
                )


if __name__ == "__main__":
    main()
