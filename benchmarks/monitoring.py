"""Benchmark the officers' monitoring pages as the awards grow: the monitoring queue (everything
open, and the sent reports' tab), its CSV export, and one sent report's review page. Prints the
median time (and the median CPU time of this process) and the SQL statements per request at
each size, then the median time to draw one report's PDF (its HTML and WeasyPrint).

    .venv/bin/python benchmarks/monitoring.py [--sizes 1000,10000] [--repeat 9]

The awards are those of benchmarks/awards.py (six rounds, every state; awards in force and
finished ones owe an interim and a final report). Each application gets three budget lines, and
of the reports owed four in five have been started: a fifth each still a draft, sent, sent back
for changes and accepted, with spending on every line once sent. Rows are inserted in bulk: the
services are not what is timed. Uses a temporary SQLite file, or PostgreSQL when
BENCH_DATABASE_URL is set (its public schema is dropped and rebuilt).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, text  # noqa: E402

from benchmarks.awards import _bulk, grow_to, measure, prepare  # noqa: E402
from benchmarks.lists import build_app  # noqa: E402
from grants.applications.models import Application, BudgetLine  # noqa: E402
from grants.awards.models import Award, ReportDue  # noqa: E402
from grants.clock import utcnow  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.monitoring.models import MonitoringReport, ReportSpend  # noqa: E402
from grants.monitoring.report import pdf as report_pdf  # noqa: E402
from grants.monitoring.setup.templates import version_for  # noqa: E402
from grants.monitoring.states import ReportStatus  # noqa: E402
from grants.pdf import html_to_pdf  # noqa: E402

R = ReportStatus
# The report started for report due n, by n % 5 (None: not started yet).
STARTED = [None, R.DRAFT, R.SUBMITTED, R.CHANGES_REQUESTED, R.ACCEPTED]
LINES = [("Hall hire", "venue", 60_000), ("Food", "materials", 30_000), ("Leaflets", "publicity", 10_000)]  # fmt: skip


def grow_reports(applicant_id: int) -> None:
    """Budget lines for applications without them; reports (and their spending) for report dues
    not yet started."""
    have_lines = select(BudgetLine.application_id).distinct()
    bare = list(db.session.scalars(select(Application.id).where(Application.id.not_in(have_lines))))
    _bulk(
        BudgetLine,
        [{"application_id": a, "item": item, "category": category, "amount_pence": amount}
         for a in bare for item, category, amount in LINES],
    )  # fmt: skip
    started = select(MonitoringReport.report_due_id)
    owed = db.session.execute(
        select(ReportDue.id, ReportDue.award_id, ReportDue.kind, Award.round_id,
               Award.application_id)
        .join(Award, Award.id == ReportDue.award_id)
        .where(ReportDue.id.not_in(started))
        .order_by(ReportDue.id)
    ).all()  # fmt: skip
    versions = {}
    for round_id, kind in {(row[3], row[2]) for row in owed}:
        versions[(round_id, kind)] = version_for(round_id, kind).id
    now, rows, for_spend = utcnow(), [], []
    for n, (due_id, award_id, kind, round_id, application_id) in enumerate(owed):
        status = STARTED[n % len(STARTED)]
        if status is None:
            continue
        sent = status != R.DRAFT
        rows.append(
            {"report_due_id": due_id, "award_id": award_id, "status": status.value,
             "template_version_id": versions[(round_id, kind)], "channel": "online",
             "started_by_id": applicant_id, "started_at": now, "updated_at": now,
             "what_happened": "We ran twelve lunch sessions for older people.",
             "reach": {}, "answers": {}, "sections_saved": [],
             "submitted_at": now if sent else None, "first_submitted_at": now if sent else None,
             "submitted_by_id": applicant_id if sent else None, "sent_count": int(sent)}
        )  # fmt: skip
        for_spend.append((sent, application_id))
    ids = _bulk(MonitoringReport, rows)
    lines: dict[int, list[tuple[int, int]]] = {}
    for application_id, line_id, amount in db.session.execute(
        select(BudgetLine.application_id, BudgetLine.id, BudgetLine.amount_pence)
    ):
        lines.setdefault(application_id, []).append((line_id, amount))
    spend = [
        {"report_id": report_id, "budget_line_id": line_id, "spent_pence": amount * 9 // 10,
         "explanation": None}
        for report_id, (sent, application_id) in zip(ids, for_spend, strict=True) if sent
        for line_id, amount in lines.get(application_id, [])
    ]  # fmt: skip
    _bulk(ReportSpend, spend)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def report_to_show() -> int:
    return db.session.scalar(
        select(MonitoringReport.id)
        .where(MonitoringReport.status == R.SUBMITTED)
        .order_by(MonitoringReport.id)
        .limit(1)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    app = build_app()
    with app.app_context():
        *people, rounds = prepare()
        from tests.factories import sign_in

        client = app.test_client()
        sign_in(client, people[2])  # the programme officer
        groups: dict[int, int] = {}
        print(f"database: {db.engine.dialect.name}")
        print(f"{'awards':>6}  {'reports':>7}  {'page':<32} {'median ms':>9}  {'cpu ms':>7}  "
              f"{'queries':>7}  {'body KB':>8}")  # fmt: skip
        for size in [int(s) for s in args.sizes.split(",")]:
            people = [db.session.merge(person) for person in people]
            grow_to(size, tuple(people), rounds, groups)
            grow_reports(people[3].id)
            reports = db.session.scalar(select(db.func.count(MonitoringReport.id)))
            pages = [
                "/monitoring/",
                "/monitoring/?show=sent",
                f"/monitoring/reports/{report_to_show()}",
                "/monitoring/export.csv",
            ]
            for path in pages:
                repeat = max(3, args.repeat // 3) if path.endswith(".csv") else args.repeat
                median, cpu, queries, body = measure(client, path, repeat)
                print(f"{size:>6,}  {reports:>7,}  {path:<32} {median:>9.1f}  {cpu:>7.1f}  "
                      f"{queries:>7}  {body / 1024:>8.1f}")  # fmt: skip
        print(f"report PDF: median {pdf_time(report_to_show(), args.repeat):.1f} ms to draw")


def pdf_time(report_id: int, repeat: int) -> float:
    """Milliseconds to draw a sent report's PDF, as sending it does (the drawing, not storing)."""
    report = db.session.get(MonitoringReport, report_id)
    times = []
    for _ in range(max(3, repeat // 3)):
        started = time.perf_counter()
        html_to_pdf(report_pdf.report_html(report))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
