"""The group's report forms, sent hostile bodies: starting, what happened (with any file), spending,
people and outcomes, the template's questions, and the declaration that sends it.

Whatever is posted: never a 500; money stays whole pence and never negative; nothing is saved
against another application's budget lines or outcomes, or against groups and questions the
report does not ask about; a refused outcomes save changes nothing; a report is sent at most
once per declaration and each send has exactly one stored PDF; every stored file belongs to a
report file or a report document.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from grants.applications.models import Document
from grants.awards.models import AwardDocument, ReportKind
from grants.extensions import db
from grants.monitoring.models import MonitoringReport, ReportDocument, ReportFile
from grants.monitoring.report.sections import questions_of
from grants.monitoring.states import ReportStatus
from tests.factories import sign_in
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, files_under, multipart, send
from tests.monitoring.factories import report_due
from tests.monitoring.report_world import fill, started, world

pytestmark = pytest.mark.usefixtures("reference_data")

# Sending draws a PDF each time: fewer examples for the declaration.
SEND_FUZZ = settings(FUZZ, max_examples=int(os.environ.get("FUZZ_EXAMPLES", "8")))
AMOUNTS = ("1,500", "£400", "0", "1500.5", "")


@pytest.fixture
def setting(client):
    w = world()
    report = started(w, ReportKind.FINAL)  # the final report's template asks a question
    other = world()  # another group's application, whose ids must never be saved against
    sign_in(client, w.member)
    return w, report, other


def _state(report_id: int) -> dict:
    db.session.expire_all()
    report = db.session.get(MonitoringReport, report_id)
    return {
        "what_happened": report.what_happened,
        "spending": sorted(
            (s.budget_line_id, s.spent_pence, s.explanation) for s in report.spending
        ),
        "reach": dict(report.reach or {}),
        "values": sorted(
            (v.outcome_id, v.actual_value, v.comment, v.progress) for v in report.outcome_values
        ),
        "answers": dict(report.answers or {}),
        "status": (report.status, report.sent_count),
        "files": sorted((f.id, f.stored_name) for f in report.files),
    }


def _assert_sound(w, report_id: int) -> None:
    db.session.expire_all()
    report = db.session.get(MonitoringReport, report_id)
    application = w.application
    lines = {line.id for line in application.budget_lines}
    for spend in report.spending:
        assert spend.budget_line_id in lines
        assert isinstance(spend.spent_pence, int) and spend.spent_pence >= 0
    outcomes = {outcome.id for outcome in application.outcomes}
    for value in report.outcome_values:
        assert value.outcome_id in outcomes
        assert value.actual_value is None or value.actual_value >= 0
    assert set(report.reach or {}) <= set(application.beneficiary_groups)
    assert all(isinstance(n, int) and n >= 0 for n in (report.reach or {}).values())
    assert set(report.answers or {}) <= {q.id for q in questions_of(report)}
    assert len(report.documents) == report.sent_count


def _spending_fields(w, other) -> dict:
    fields = {}
    for line in (w.food, w.venue):
        fields[f"spent_{line.id}"] = fuzz.number_field(*AMOUNTS, tricky=["-1", "1,50", "9" * 30])
        fields[f"explanation_{line.id}"] = fuzz.text_field("Prices rose", "", tricky=["x" * 1001])
    fields[f"spent_{other.food.id}"] = fuzz.number_field("100")  # someone else's line
    return fields


def _outcome_fields(w, other) -> dict:
    return {
        "reach_young_people": fuzz.number_field("30", "0", tricky=["-3", "10000001"]),
        "reach_families": fuzz.number_field("12"),
        "reach_older_people": fuzz.number_field("5"),  # a group the application never named
        f"actual_{w.measured.id}": fuzz.number_field("35", tricky=["1000000001", "-1"]),
        f"comment_{w.measured.id}": fuzz.text_field("Most weeks", "", tricky=["x" * 2001]),
        f"progress_{w.own.id}": fuzz.text_field("Going well", tricky=["x" * 2001]),
        f"progress_{other.own.id}": fuzz.text_field("Theirs"),
    }


def _question_fields(w, other) -> dict:
    return {
        "question_next": fuzz.text_field("Carry on with other funding", tricky=["word " * 301]),
        "question_volunteers": fuzz.number_field("3"),  # not asked by this version
    }


FORMS = {
    "spending": _spending_fields,
    "outcomes": _outcome_fields,
    "questions": _question_fields,
}


@pytest.mark.parametrize("form", list(FORMS))
@FUZZ
@given(data=st.data())
def test_report_section_forms(client, setting, form, data):
    w, report, other = setting
    body = data.draw(fuzz.form_bodies(FORMS[form](w, other)), label="body")
    before = _state(report.id)
    response = send(client, "POST", f"/reports/{report.id}/{form}", data=body)
    after = _state(report.id)
    _assert_sound(w, report.id)
    assert after["status"] == before["status"] and after["files"] == before["files"]
    changed = {key for key in before if before[key] != after[key]}
    allowed = {"spending": {"spending"}, "outcomes": {"reach", "values"}, "questions": {"answers"}}
    assert changed <= allowed[form], changed
    if form != "spending" and response.status_code != 302:
        assert not changed  # refused: nothing saved


@FUZZ
@given(data=st.data())
def test_what_happened_with_any_file(client, setting, upload_folder, data):
    w, report, _other = setting
    fields = data.draw(
        fuzz.form_bodies({"what_happened": fuzz.text_field("We met weekly", "")}), label="body"
    )
    files = {}
    if data.draw(st.booleans(), label="with a file"):
        files["recording"] = data.draw(fuzz.uploads(32 * 1024), label="recording")
    send(client, "POST", f"/reports/{report.id}/what-happened", **multipart(fields, files))
    _assert_sound(w, report.id)
    db.session.expire_all()
    stored = {path.name for path in files_under(upload_folder)}
    kept = {
        name
        for column in (ReportFile.stored_name, ReportDocument.stored_name,
                       Document.stored_name, AwardDocument.stored_name)
        for name in db.session.scalars(select(column))
    }  # fmt: skip
    assert stored == kept, (stored - kept, kept - stored)


@FUZZ
@given(data=st.data())
def test_starting_takes_any_channel(client, setting, data):
    w, report, other = setting
    body = data.draw(
        fuzz.form_bodies({"channel": fuzz.choice_field(["phone", "paper", "online"])}),
        label="body",
    )
    due = report_due(w.ready, ReportKind.INTERIM)
    send(client, "POST", f"/reports/due/{due.id}/start", data=body)
    send(client, "POST", f"/reports/due/{report_due(other.ready).id}/start", data=body)
    db.session.expire_all()
    reports = list(db.session.scalars(select(MonitoringReport)))
    assert {r.award_id for r in reports} == {w.ready.award.id}  # never another group's
    assert len({r.report_due_id for r in reports}) == len(reports)


@SEND_FUZZ
@given(data=st.data())
def test_the_declaration_sends_once(client, setting, data):
    w, report, _other = setting
    if not report.sections_saved:
        fill(w, report)
        db.session.commit()
    body = data.draw(
        fuzz.form_bodies(
            {
                "full_name": fuzz.text_field("Sam Member", tricky=["x" * 201]),
                "role": fuzz.text_field("Chair", tricky=["x" * 201]),
                "confirm": fuzz.checkbox_field(),
            }
        ),
        label="body",
    )
    before = _state(report.id)["status"][1]
    send(client, "POST", f"/reports/{report.id}/declaration", data=body)
    send(client, "POST", f"/reports/{report.id}/declaration", data=body)  # a second click
    _assert_sound(w, report.id)
    sent = db.session.get(MonitoringReport, report.id)
    assert sent.sent_count in (before, before + 1)
    if sent.status == ReportStatus.SUBMITTED:
        assert sent.declaration_name and sent.declaration_role
        sent.status = ReportStatus.CHANGES_REQUESTED  # reopened, for the next example
        db.session.commit()
