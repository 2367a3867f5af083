"""The officers' monitoring forms, sent hostile bodies and query strings: asking for changes,
a new due date, entering a report for a group, accepting, and the queue's filters and CSV.

Whatever is posted: never a 500; a report only ever moves from sent to accepted or to changes
requested; a due date never lands in the past; at most one report is started for a report due,
and only through an offline channel; nothing the group typed is lost.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from grants.applications.models import Channel
from grants.awards.models import ReportKind
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring.models import MonitoringReport
from grants.monitoring.review.queue import STATUS_LABELS, Bucket
from grants.monitoring.states import ReportStatus
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, get, send
from tests.monitoring.factories import award_in_force, report_due
from tests.monitoring.test_review import sent

pytestmark = pytest.mark.usefixtures("reference_data")
R = ReportStatus


@pytest.fixture
def world(officer):
    ready = award_in_force()
    report = sent(ready, story="Mary came every week.")
    return {"ready": ready, "report_id": report.id, "final_id": report_due(ready, ReportKind.FINAL).id,
            "interim_id": report.report_due_id}  # fmt: skip


def _report(world) -> MonitoringReport:
    db.session.expire_all()
    return db.session.get(MonitoringReport, world["report_id"])


@FUZZ
@given(data=st.data())
def test_asking_for_changes_and_accepting(client, world, data):
    body = data.draw(
        fuzz.form_bodies(
            {"message": fuzz.text_field("Add your food receipts", tricky=["x" * 5001, " "])}
        ),
        label="body",
    )
    action = data.draw(st.sampled_from(["changes", "accept"]), label="action")
    before = _report(world)
    was, kept = before.status, (before.what_happened, before.story)

    response = send(client, "POST", f"/monitoring/reports/{world['report_id']}/{action}", data=body)

    after = _report(world)
    event(f"{action}: {was.value} -> {after.status.value} ({response.status_code})")
    assert after.status == was or (
        was == R.SUBMITTED and after.status in (R.ACCEPTED, R.CHANGES_REQUESTED)
    )
    assert (after.what_happened, after.story) == kept
    if after.status == R.CHANGES_REQUESTED and was == R.SUBMITTED:
        after.status = R.SUBMITTED  # the group sends it again, for the next example
        db.session.commit()


@FUZZ
@given(data=st.data())
def test_a_new_due_date(client, world, data):
    body = data.draw(
        fuzz.form_bodies(
            {
                "due_on": fuzz.date_field(uk_today() + timedelta(days=30), 400),
                "reason": fuzz.text_field("The chair was ill", tricky=["x" * 1001, " "]),
            }
        ),
        label="body",
    )
    due_id = data.draw(st.sampled_from([world["interim_id"], world["final_id"]]), label="which")
    response = send(client, "POST", f"/monitoring/due/{due_id}/due-date", data=body)
    event(f"answered {response.status_code}")
    db.session.expire_all()
    due = report_due(
        world["ready"], ReportKind.INTERIM if due_id == world["interim_id"] else ReportKind.FINAL
    )
    if response.status_code == 302:
        assert uk_today() <= due.due_on <= uk_today() + timedelta(days=2 * 366)


@FUZZ
@given(data=st.data())
def test_entering_a_report_for_a_group(client, world, data):
    channels = [channel.value for channel in Channel]
    body = data.draw(
        fuzz.form_bodies({"channel": fuzz.choice_field(channels, tricky=["PHONE", " phone"])}),
        label="body",
    )
    send(client, "POST", f"/monitoring/due/{world['final_id']}/enter", data=body)
    db.session.expire_all()
    started = list(
        db.session.scalars(
            select(MonitoringReport).where(MonitoringReport.report_due_id == world["final_id"])
        )
    )
    assert len(started) <= 1
    assert all(report.channel != Channel.ONLINE and report.entered_by_id for report in started)
    event(f"{len(started)} started")


@FUZZ
@given(data=st.data())
def test_queue_filters(client, world, data):
    fields = {
        "show": fuzz.choice_field([bucket.value for bucket in Bucket]),
        "status": fuzz.choice_field(list(STATUS_LABELS)),
        "round": fuzz.choice_field([str(world["ready"].award.round_id)]),
        "neighbourhood": fuzz.number_field("1", "2"),
        "page": fuzz.number_field("1", "2", tricky=["0", "-1", "99999999999"]),
    }
    query = data.draw(fuzz.form_bodies(fields), label="query")
    count = db.session.scalar(select(func.count()).select_from(MonitoringReport))
    for url in ("/monitoring/", "/monitoring/export.csv"):
        response = get(client, url, query_string=query)
        response.get_data()
        response.close()
        event(f"{url} answered {response.status_code}")
    assert db.session.scalar(select(func.count()).select_from(MonitoringReport)) == count
