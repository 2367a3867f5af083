"""Benchmark a panel round as it grows: the moderation meeting view (the ranked list and its
aggregates, the live budget), the officer's scores and fairness page, and the panel and
assignment pages. Prints the median time
(and the median CPU time of this process) and the SQL statements per request at each size.

    .venv/bin/python benchmarks/panels.py [--sizes 50,500] [--scorers 7] [--criteria 5]
                                          [--repeat 15]

Every application is scored by ``--scorers`` of the panel's members (submitted sheets, one score
per criterion, the last criterion optional and sometimes n/a), a few have a moderated score and
a few a decision. Uses a temporary SQLite file, or PostgreSQL when BENCH_DATABASE_URL is set
(its public schema is dropped and rebuilt).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import g  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402

from benchmarks.lists import build_app, prepare  # noqa: E402
from grants.accounts import services as accounts  # noqa: E402
from grants.applications.models import Application, application_neighbourhood  # noqa: E402
from grants.applications.states import ApplicationStatus  # noqa: E402
from grants.clock import utcnow  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.funds.models import Criterion, Round  # noqa: E402
from grants.panels.meeting_models import (  # noqa: E402
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingAttendance,
    ModeratedScore,
)
from grants.panels.models import (  # noqa: E402
    Assignment,
    Declaration,
    InterestKind,
    Panel,
    PanelProfile,
    PanelSeat,
    Representation,
    Score,
    ScoreSheet,
)
from grants.permissions import Role  # noqa: E402
from grants.reference.models import Neighbourhood, Principle  # noqa: E402

MAX_SCORE = 5


def panel_round(officer, round_: Round, scorers: int, criteria: int):
    """The round's criteria, a panel of ``scorers`` members and an open, attended meeting."""
    for position in range(criteria):
        db.session.add(
            Criterion(
                round_id=round_.id,
                position=position,
                name=f"Criterion {position + 1}",
                weight=1 + position % 3,
                max_score=MAX_SCORE,
                optional=position == criteria - 1,
                level_guidance={str(n): f"Level {n}" for n in range(MAX_SCORE + 1)},
            )
        )
    panel = Panel(round_id=round_.id, min_scorers=scorers)
    db.session.add(panel)
    db.session.flush()
    kinds = list(Representation)
    members = []
    for n in range(scorers):
        member = accounts.create_user(
            email=f"member{n}@example.org",
            full_name=f"Member {n}",
            password="correct horse battery staple",
            roles={Role.PANEL_MEMBER},
        )
        db.session.add(PanelProfile(user_id=member.id, representation=kinds[n % 3]))
        db.session.add(PanelSeat(panel_id=panel.id, user_id=member.id))
        members.append(member)
    meeting = Meeting(panel_id=panel.id, opened_by_id=officer.id, min_members=3)
    db.session.add(meeting)
    db.session.flush()
    for member in members:
        db.session.add(MeetingAttendance(meeting_id=meeting.id, user_id=member.id))
    db.session.commit()
    return panel, meeting, [m.id for m in members]


def grow_to(size: int, round_: Round, group, applicant, panel, meeting, members, officer):
    """Insert scored applications with the panel in bulk until there are ``size``."""
    have = db.session.scalar(
        select(db.func.count(Application.id)).where(Application.round_id == round_.id)
    )
    if size <= have:
        return
    start = db.session.scalar(select(db.func.max(Application.id))) or 0
    wards = list(db.session.scalars(select(Neighbourhood.id)))
    principles = list(db.session.scalars(select(Principle.id)))
    criteria = list(
        db.session.scalars(
            select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
        )
    )
    now = utcnow()
    db.session.execute(
        insert(Application),
        [
            {
                "reference": f"CIF-2026-{n:06d}",
                "round_id": round_.id,
                "organisation_id": group.id,
                "status": ApplicationStatus.IN_PANEL_REVIEW.value,
                "channel": "online",
                "created_by_id": applicant.id,
                "title": f"Project {n}",
                "summary": "A benchmark project",
                "main_principle_id": principles[n % len(principles)],
                "amount_requested_pence": 25_000 + (n * 7919) % 2_400_000,
                "submitted_at": now,
                "created_at": now,
                "updated_at": now,
                "beneficiary_groups": [],
            }
            for n in range(have, size)
        ],
    )
    ids = list(db.session.scalars(select(Application.id).where(Application.id > start)))
    db.session.execute(
        insert(application_neighbourhood),
        [{"application_id": i, "neighbourhood_id": wards[i % len(wards)]} for i in ids],
    )
    pairs = [(i, m) for i in ids for m in members]
    db.session.execute(
        insert(Assignment),
        [
            {"panel_id": panel.id, "application_id": i, "user_id": m, "assigned_by_id": officer.id}
            for i, m in pairs
        ],
    )
    db.session.execute(
        insert(Declaration),
        [
            {"application_id": i, "user_id": m, "kind": InterestKind.NONE.value, "declared_at": now}
            for i, m in pairs
        ],
    )
    first_sheet = db.session.scalar(select(db.func.max(ScoreSheet.id))) or 0
    db.session.execute(
        insert(ScoreSheet),
        [
            {"application_id": i, "user_id": m, "submitted_at": now, "updated_at": now}
            for i, m in pairs
        ],
    )
    sheets = db.session.execute(
        select(ScoreSheet.id, ScoreSheet.application_id).where(ScoreSheet.id > first_sheet)
    ).all()
    rng = random.Random(size)
    scores = []
    for sheet_id, application_id in sheets:
        quality = application_id % (MAX_SCORE + 1)
        for criterion in criteria:
            na = criterion.optional and rng.random() < 0.2
            value = None if na else max(0, min(MAX_SCORE, quality + rng.choice((-2, -1, 0, 1))))
            scores.append(
                {
                    "sheet_id": sheet_id,
                    "criterion_id": criterion.id,
                    "score": value,
                    "not_applicable": na,
                    "comment": "A comment from the panel member",
                }
            )
    db.session.execute(insert(Score), scores)
    every_tenth = ids[::10]
    db.session.execute(
        insert(ModeratedScore),
        [
            {
                "application_id": i,
                "score": 60,
                "reason": "Agreed in discussion",
                "moderated_by_id": officer.id,
                "moderated_at": now,
            }
            for i in every_tenth
        ],
    )
    db.session.execute(
        insert(Decision),
        [
            {
                "meeting_id": meeting.id,
                "application_id": i,
                "outcome": DecisionOutcome.RESERVE.value,
                "amount_pence": 0,
                "conditions": [],
                "rationale": "On the reserve list",
                "ranking_method": panel.ranking_method.value,
                "decided_by_id": officer.id,
                "decided_at": now,
            }
            for i in ids[5::20]
        ],
    )
    db.session.execute(
        Application.__table__.update()
        .where(Application.id.in_(ids[5::20]))
        .values(status=ApplicationStatus.RESERVE.value)
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Statistics for the planner now, as autovacuum would give a live database, rather than
        # measuring while autovacuum analyses the new rows.
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def measure(client, path: str, repeat: int) -> tuple[float, float, int]:
    """Median wall time and median CPU time of this process (ms), and the SQL statements, of a
    request. On a shared machine the CPU time is the steadier figure; on SQLite it includes the
    database's work, on PostgreSQL it leaves out the server's."""
    statements: list[str] = []

    def count(*_args):
        statements.append("x")

    timings, cpu = [], []
    for _ in range(repeat):
        db.session.expunge_all()  # each request starts with an empty session, as in production
        g.pop("_login_user", None)  # each request loads its own user, as in production
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        body = response.get_data()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200 and body, (path, response.status_code)
    return statistics.median(timings), statistics.median(cpu), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,500")
    parser.add_argument("--scorers", type=int, default=7)
    parser.add_argument("--criteria", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    app = build_app()
    with app.app_context():
        officer, applicant, group, round_ = prepare()
        panel, meeting, members = panel_round(officer, round_, args.scorers, args.criteria)
        from tests.factories import sign_in

        client = app.test_client()
        sign_in(client, officer)
        print(f"database: {db.engine.dialect.name}")
        print(
            f"{'applications':>12}  {'scorers':>7}  {'criteria':>8}  {'page':<34} "
            f"{'median ms':>9}  {'cpu ms':>7}  {'queries':>7}"
        )
        for size in [int(s) for s in args.sizes.split(",")]:
            # Measuring leaves the objects made here detached: bring them back first.
            round_, group, applicant, panel, meeting, officer = (
                db.session.merge(thing)
                for thing in (round_, group, applicant, panel, meeting, officer)
            )
            grow_to(size, round_, group, applicant, panel, meeting, members, officer)
            pages = [
                f"/panels/meetings/rounds/{round_.id}",
                f"/panels/rounds/{round_.id}/scores",
                f"/panels/rounds/{round_.id}",
                f"/panels/rounds/{round_.id}/applications",
            ]
            for path in pages:
                median, cpu, queries = measure(client, path, args.repeat)
                print(
                    f"{size:>12,}  {args.scorers:>7}  {args.criteria:>8}  {path:<34} "
                    f"{median:>9.1f}  {cpu:>7.1f}  {queries:>7}"
                )


if __name__ == "__main__":
    main()
