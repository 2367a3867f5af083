"""The monitoring queue (grants.monitoring.review.queue): which reports each bucket holds, how
late reads, the filters, paging, a constant number of queries, groups without email, and the
CSV export of exactly what is on screen."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.awards.models import ReportKind
from grants.clock import uk_today, utcnow
from grants.extensions import db
from grants.monitoring.review import queue
from grants.monitoring.review.queue import Bucket, QueueFilters
from grants.monitoring.states import ReportStatus
from grants.reference.models import Neighbourhood
from tests.awards.factories import released_awards
from tests.awards.test_payments_setup import accept
from tests.checks import soup_of
from tests.factories import sign_in
from tests.monitoring.factories import bare_report
from tests.monitoring.test_review import officer

pytestmark = pytest.mark.usefixtures("reference_data")
R = ReportStatus


class Stub:
    """What bare_report needs of a ``Ready``: the award and a member who starts it."""

    def __init__(self, funded):
        self.award, self.member = funded.award, funded.member


def in_force(count: int, **kwargs) -> list[Stub]:
    funded = released_awards([500_000] * count, **kwargs)
    for one in funded:
        accept(one.award)
    return [Stub(one) for one in funded]


def interim(stub):
    return next(r for r in stub.award.reports if r.kind == ReportKind.INTERIM)


def with_status(stub, status: ReportStatus):
    report = bare_report(stub, ReportKind.INTERIM)
    report.status = status
    if status in (R.SUBMITTED, R.ACCEPTED):
        report.submitted_at = utcnow()
    if status == R.ACCEPTED:  # as accepting does: the award's report due is accepted too
        report.report_due.accepted_at = utcnow()
    db.session.flush()
    return report


@pytest.fixture
def world():
    """Five awards in force: an overdue interim report, one due in 10 days, one sent, one sent
    back for changes and one accepted. Every final report is due next year."""
    today = uk_today()
    awards = in_force(5)
    interim(awards[0]).due_on = today - timedelta(days=3)
    interim(awards[1]).due_on = today + timedelta(days=10)
    with_status(awards[2], R.SUBMITTED)
    with_status(awards[3], R.CHANGES_REQUESTED)
    with_status(awards[4], R.ACCEPTED)
    db.session.flush()
    return awards


def rows(**filters):
    return queue.page_of_rows(QueueFilters(**filters), number=1).items


def test_each_bucket_holds_what_the_officer_does_next(app, world):
    def refs(bucket):
        return [(r.award.id, r.due.kind) for r in rows(bucket=bucket)]

    assert refs(Bucket.OVERDUE) == [(world[0].award.id, ReportKind.INTERIM)]
    assert refs(Bucket.DUE_SOON) == [(world[1].award.id, ReportKind.INTERIM)]
    assert refs(Bucket.SENT) == [(world[2].award.id, ReportKind.INTERIM)]
    assert refs(Bucket.CHANGES_REQUESTED) == [(world[3].award.id, ReportKind.INTERIM)]
    [overdue] = rows(bucket=Bucket.OVERDUE)
    assert overdue.when == "Overdue by 3 days"
    counts = queue.bucket_counts(QueueFilters())
    assert counts[Bucket.OVERDUE] == counts[Bucket.DUE_SOON] == counts[Bucket.SENT] == 1
    assert counts[Bucket.ACCEPTED] == 1
    assert counts[Bucket.LATER] == 5  # the final reports, and no accepted interim


def test_accepted_reports_are_hidden_unless_asked_for(world):
    accepted = (world[4].award.id, ReportKind.INTERIM)
    assert accepted not in [(r.award.id, r.due.kind) for r in rows()]
    assert [(r.award.id, r.due.kind) for r in rows(status="accepted")] == [accepted]
    assert [(r.award.id, r.due.kind) for r in rows(bucket=Bucket.ACCEPTED)] == [accepted]


def test_a_report_finance_recorded_as_accepted_before_it_was_written_here_is_done(world):
    """Accepted on the award's record alone (no report in the service): never "not started"."""
    interim(world[1]).accepted_at = utcnow()
    db.session.flush()
    shown = [(r.award.id, r.due.kind) for r in rows()]
    assert (world[1].award.id, ReportKind.INTERIM) not in shown
    accepted = rows(status="accepted")
    assert (world[1].award.id, ReportKind.INTERIM) in [(r.award.id, r.due.kind) for r in accepted]
    row = next(r for r in accepted if r.award.id == world[1].award.id)
    assert row.bucket == Bucket.ACCEPTED and row.status_label == "Accepted"
    not_started = [(r.award.id, r.due.kind) for r in rows(status="not_started")]
    assert (world[1].award.id, ReportKind.INTERIM) not in not_started


def test_not_started_and_status_filters(world):
    sent = rows(status="submitted")
    assert [r.award.id for r in sent] == [world[2].award.id]
    not_started = rows(status="not_started")
    assert all(r.report is None for r in not_started) and len(not_started) == 7


def test_reports_of_awards_not_in_force_are_left_out_unless_sent(world):
    from grants.awards.states import AwardStatus

    world[0].award.status = AwardStatus.OFFERED
    world[2].award.status = AwardStatus.CLOSED_EARLY
    db.session.flush()
    ids = {r.award.id for r in rows()}
    assert world[0].award.id not in ids
    assert world[2].award.id in ids  # sent: it still waits for review


def test_filters_by_round_and_neighbourhood(world):
    other = in_force(1)[0]
    other_round = other.award.round_id
    assert {r.award.id for r in rows(round_id=other_round)} == {other.award.id}
    ward = db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.id)).first()
    application = world[1].award.application
    for stub in world + [other]:
        stub.award.application.neighbourhoods = []
    application.neighbourhoods = [ward]
    db.session.flush()
    assert {r.award.id for r in rows(neighbourhood_id=ward.id)} == {world[1].award.id}


def test_filters_from_the_query_string_ignore_nonsense():
    filters = QueueFilters.from_args(
        {"show": "everything", "round": "²", "neighbourhood": "-1", "status": "DROP TABLE"}
    )
    assert filters == QueueFilters()
    filters = QueueFilters.from_args({"show": "overdue", "round": "3", "status": "not_started"})
    assert filters == QueueFilters(bucket=Bucket.OVERDUE, round_id=3, status="not_started")


def test_the_queue_pages(client, world, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    sign_in(client, officer())
    first = soup_of(client.get("/monitoring/"))
    last = soup_of(client.get("/monitoring/?page=5"))
    assert first.select(".govuk-pagination")
    assert len(first.select(".app-waiting-list > li")) == 2
    assert len(last.select(".app-waiting-list > li")) == 1  # 9 open rows, 2 a page


def test_the_page_shows_the_buckets_and_how_late(client, world):
    sign_in(client, officer())
    page = soup_of(client.get("/monitoring/?show=overdue"))
    text = page.get_text(" ", strip=True)
    assert "Overdue by 3 days" in text
    assert "Due in the next 30 days (1)" in text and "Sent and waiting for review (1)" in text
    sent = soup_of(client.get("/monitoring/?show=sent"))
    assert sent.select("a[href^='/monitoring/reports/']")


def test_a_group_without_email_is_phoned_or_written_to(client, world):
    group = world[0].award.organisation
    group.contact_name, group.contact_phone = "Jo Bloggs", "01942 111222"
    group.main_contact_id, group.contact_email = None, None
    db.session.flush()
    [row] = rows(bucket=Bucket.OVERDUE)
    assert row.no_email
    assert not rows(bucket=Bucket.DUE_SOON)[0].no_email
    sign_in(client, officer())
    text = soup_of(client.get("/monitoring/?show=overdue")).get_text(" ", strip=True)
    assert "phone or write" in text


def test_the_queue_makes_a_constant_number_of_queries(client, count_queries):
    in_force(3, budget_pence=10**9)
    sign_in(client, officer())
    few = count_queries(lambda: client.get("/monitoring/").close())
    more = in_force(27, budget_pence=10**9)
    for stub in more[::3]:
        with_status(stub, R.SUBMITTED)
    many = count_queries(lambda: client.get("/monitoring/").close())
    assert few == many
    csv_few = count_queries(lambda: client.get("/monitoring/export.csv").get_data())
    assert csv_few <= few


def test_the_csv_holds_the_filtered_queue_and_defuses_formulas(client, world):
    world[0].award.organisation.name = '=HYPERLINK("http://evil")'
    db.session.flush()
    sign_in(client, officer())
    response = client.get("/monitoring/export.csv?show=overdue")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == queue.CSV_HEADINGS
    [row] = lines[1:]
    assert row[0] == world[0].award.reference
    assert row[1].startswith("'=")
    assert row[6] == "Overdue by 3 days"
    everything = client.get("/monitoring/export.csv").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(everything)))) == 1 + 9
