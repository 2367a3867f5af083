"""Benchmark the lists that grow with the fund: the screening queue, its CSV export, the
applicant's dashboard and a group's page (its newest applications). Prints the median time and the SQL statements per request at each size.

    .venv/bin/python benchmarks/lists.py [--sizes 100,1000,10000] [--repeat 15]

Uses a temporary SQLite file, or PostgreSQL when BENCH_DATABASE_URL is set (its public schema is
dropped and rebuilt).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import g  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402

from config import TestConfig, database_url  # noqa: E402
from grants import create_app  # noqa: E402
from grants.accounts import services as accounts  # noqa: E402
from grants.applications.models import Application, application_neighbourhood  # noqa: E402
from grants.applications.states import ApplicationStatus  # noqa: E402
from grants.clock import utcnow  # noqa: E402
from grants.extensions import db  # noqa: E402
from grants.funds.models import Contribution, Fund, Round  # noqa: E402
from grants.organisations import services as organisations  # noqa: E402
from grants.permissions import Role  # noqa: E402
from grants.reference import importer  # noqa: E402
from grants.reference import services as reference  # noqa: E402
from grants.reference.models import Neighbourhood, Principle  # noqa: E402

PASSWORD = "correct horse battery staple"
STATUSES = [s for s in ApplicationStatus if s != ApplicationStatus.DRAFT]


def build_app():
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = Path(tempfile.mkdtemp(prefix="grants-bench-"))

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url(url) if url else f"sqlite:///{folder / 'bench.db'}"
        UPLOAD_FOLDER = str(folder / "uploads")
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def prepare():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade()
    importer.import_geography()
    reference.seed_principles()
    officer = accounts.create_user(
        email="officer@example.org",
        full_name="Owen",
        password=PASSWORD,
        roles={Role.PROGRAMME_OFFICER},
    )
    applicant = accounts.create_user(
        email="applicant@example.org", full_name="Alex", password=PASSWORD
    )
    from tests.factories import group_details

    group = organisations.create_group(applicant, group_details())
    fund = Fund(
        name="Benchmark fund",
        contributions=[
            Contribution(
                contributor_name="Wigan Council",
                contributor_org_id="GB-LAE-WGN",
                amount_pence=10**9,
                received_on=date(2026, 4, 1),
            )
        ],
    )
    round_ = Round(
        fund=fund,
        slug="bench",
        title="Benchmark round",
        opens_at=utcnow() - timedelta(days=30),
        closes_at=utcnow() + timedelta(days=30),
        budget_pence=10**9,
        min_award_pence=25_000,
        max_award_pence=2_500_000,
        eligible_org_types=[],
    )
    db.session.add(round_)
    db.session.commit()
    return officer, applicant, group, round_


def grow_to(size: int, round_: Round, group, applicant) -> None:
    """Insert applications in bulk until there are ``size`` (the services are not what we time)."""
    have = db.session.scalar(select(db.func.count(Application.id)))
    wards = list(db.session.scalars(select(Neighbourhood.id)))
    principles = list(db.session.scalars(select(Principle.id)))
    rows = [
        {
            "reference": f"CIF-2026-{n:06d}",
            "round_id": round_.id,
            "organisation_id": group.id,
            "status": STATUSES[n % len(STATUSES)].value,
            "channel": "online",
            "created_by_id": applicant.id,
            "title": f"Project {n}",
            "summary": "A benchmark project",
            "main_principle_id": principles[n % len(principles)],
            "amount_requested_pence": 25_000 + (n * 7919) % 2_400_000,
            "submitted_at": utcnow(),
            "created_at": utcnow(),
            "updated_at": utcnow(),
            "beneficiary_groups": [],
        }
        for n in range(have, size)
    ]
    if rows:
        db.session.execute(insert(Application), rows)
        ids = db.session.scalars(select(Application.id).where(Application.id > have)).all()
        db.session.execute(
            insert(application_neighbourhood),
            [{"application_id": i, "neighbourhood_id": wards[i % len(wards)]} for i in ids],
        )
        db.session.commit()


def measure(client, path: str, repeat: int) -> tuple[float, int]:
    statements: list[str] = []

    def count(*_args):
        statements.append("x")

    timings = []
    for _ in range(repeat):
        db.session.expire_all()
        g.pop("_login_user", None)  # each request loads its own user, as in production
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(path)
        body = response.get_data()  # streams the CSV to the end
        timings.append((time.perf_counter() - started) * 1000)
        event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200 and body, (path, response.status_code)
    return statistics.median(timings), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    app = build_app()
    with app.app_context():
        officer, applicant, group, round_ = prepare()
        from tests.factories import sign_in

        officer_client, applicant_client = app.test_client(), app.test_client()
        sign_in(officer_client, officer)
        sign_in(applicant_client, applicant)
        print(f"database: {db.engine.dialect.name}")
        print(f"{'applications':>12}  {'who':<9} {'page':<40} {'median ms':>9}  {'queries':>7}")
        for size in [int(s) for s in args.sizes.split(",")]:
            grow_to(size, round_, group, applicant)
            pages = [
                (officer_client, "/screening/"),
                (officer_client, f"/screening/?page={max(1, size // 50)}"),
                (officer_client, "/screening/?sort=-amount&principle=1"),
                (officer_client, "/screening/export.csv"),
                (applicant_client, "/applications/"),
                (applicant_client, f"/groups/{group.id}"),
                (officer_client, f"/groups/{group.id}"),
            ]
            for client, path in pages:
                repeat = max(3, args.repeat // 5) if path.endswith(".csv") else args.repeat
                median, queries = measure(client, path, repeat)
                who = "officer" if client is officer_client else "applicant"
                print(f"{size:>12,}  {who:<9} {path:<40} {median:>9.1f}  {queries:>7}")


if __name__ == "__main__":
    main()
