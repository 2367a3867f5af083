"""The group's report through its pages: start, each section, check your answers, declaration,
sent; errors all at once with what was typed kept; the spending page's errors and warnings kept
apart; and nobody outside the group (or staff who see all groups) learns the report exists."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from grants.awards.models import ReportKind
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring.models import MonitoringReport
from grants.monitoring.states import FileKind, ReportStatus
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in
from tests.monitoring.factories import report_due
from tests.monitoring.report_world import fill, started, world

pytestmark = pytest.mark.usefixtures("reference_data")

MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x0f" + b"\x00" * 64


@pytest.fixture
def w(client):
    made = world()
    sign_in(client, made.member)
    return made


def _start(client, w) -> int:
    due = report_due(w.ready)
    page = client.get(f"/reports/due/{due.id}/start")
    assert page.status_code == 200
    assert "saved as you go" in page.get_data(as_text=True)
    response = client.post(f"/reports/due/{due.id}/start", data={})
    assert response.status_code == 302
    return int(re.search(r"/reports/(\d+)$", response.headers["Location"])[1])


def test_the_whole_journey_through_the_pages(client, w, outbox):
    report_id = _start(client, w)
    base = f"/reports/{report_id}"
    page = client.get(base).get_data(as_text=True)
    assert "Interim report for Hindley summer lunch club" in page
    assert "Not yet started" in page and "Cannot start yet" in page and "Optional" in page

    response = client.post(f"{base}/what-happened", data={"what_happened": "We cooked."})
    assert response.headers["Location"].endswith(base)
    response = client.post(
        f"{base}/spending",
        data={f"spent_{w.food.id}": "£1,700", f"explanation_{w.food.id}": "Prices rose",
              f"spent_{w.venue.id}": "400"},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        f"{base}/outcomes",
        data={"reach_young_people": "30", "reach_families": "12",
              f"actual_{w.measured.id}": "35", f"progress_{w.own.id}": "Going well"},
    )  # fmt: skip
    assert response.status_code == 302
    report = db.session.get(MonitoringReport, report_id)
    report.sections_saved = [*report.sections_saved, "changes"]  # the changes page is elsewhere
    db.session.commit()

    page = client.get(base).get_data(as_text=True)
    assert "Cannot start yet" not in page
    check = client.get(f"{base}/check").get_data(as_text=True)
    assert "£1,700" in check and "Prices rose" in check and "Going well" in check
    assert "return_to=check" in check and "Continue to the declaration" in check

    refused = client.post(f"{base}/declaration", data={"full_name": "", "role": ""})
    assert refused.status_code == 200
    assert error_messages(refused) == [
        "Enter your full name",
        "Enter your role in the group",
        "Confirm that the report is true and that you may send it",
    ]
    response = client.post(
        f"{base}/declaration", data={"full_name": "Sam Member", "role": "Chair", "confirm": "y"}
    )
    assert response.headers["Location"].endswith(f"{base}/sent")
    sent = client.get(f"{base}/sent").get_data(as_text=True)
    assert "Report sent" in sent and "What happens next" in sent and f"{base}/pdf/1" in sent
    db.session.expire_all()
    report = db.session.get(MonitoringReport, report_id)
    assert report.status == ReportStatus.SUBMITTED and report.sent_count == 1
    assert any("waiting for review" in m.subject for m in outbox)

    # A second click, and a replayed POST, have no second effect.
    again = client.post(
        f"{base}/declaration", data={"full_name": "Sam Member", "role": "Chair", "confirm": "y"}
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(MonitoringReport, report_id).sent_count == 1
    # Locked: a section page goes to the report as sent, and its saves are refused.
    locked = client.post(f"{base}/what-happened", data={"what_happened": "Changed"})
    assert locked.headers["Location"].endswith(f"{base}/check")
    assert db.session.get(MonitoringReport, report_id).what_happened == "We cooked."
    assert client.get(base).headers["Location"].endswith(f"{base}/check")
    view = client.get(f"{base}/check").get_data(as_text=True)
    assert "Sent" in view and "return_to=check" not in view


def test_errors_all_at_once_and_what_was_typed_is_kept(client, w):
    report = started(w)
    response = client.post(
        f"/reports/{report.id}/outcomes",
        data={"reach_young_people": "lots", f"comment_{w.measured.id}": "Typed this"},
    )
    assert response.status_code == 200
    messages = error_messages(response)
    assert "Enter how many people as a whole number, like 40" in messages
    assert any("Families" in m or "reached" in m for m in messages)
    assert any("People taking part" in m for m in messages)
    assert any("Children attending" in m for m in messages)
    soup = soup_of(response)
    assert soup.find("input", {"name": "reach_young_people"})["value"] == "lots"
    assert soup.find("textarea", {"name": f"comment_{w.measured.id}"}).get_text() == "Typed this"
    assert "Your target: <strong>40 people</strong>" in response.get_data(as_text=True)


def test_spending_errors_and_warnings_are_shown_apart(client, w):
    report = started(w)
    response = client.post(
        f"/reports/{report.id}/spending",
        data={f"spent_{w.food.id}": "1,800", f"spent_{w.venue.id}": "900",
              f"explanation_{w.venue.id}": "A bigger hall"},
    )  # fmt: skip
    assert response.status_code == 200  # saved, with what is still missing listed
    assert error_messages(response) == [
        "Explain why your spending on Food is £300 more than planned"
    ]
    soup = soup_of(response)
    warnings = soup.select_one("#spending-warnings .govuk-inset-text").get_text(" ", strip=True)
    assert "Venue hire: £500 more than planned. You have explained why." in warnings
    assert soup.find("input", {"name": f"spent_{w.food.id}"})["value"] == "1,800"
    db.session.expire_all()
    saved = db.session.get(MonitoringReport, report.id)
    assert {s.budget_line_id: s.spent_pence for s in saved.spending} == {
        w.food.id: 180_000,
        w.venue.id: 90_000,
    }
    bad = client.post(f"/reports/{report.id}/spending", data={f"spent_{w.food.id}": "-5"})
    assert bad.status_code == 200 and "Enter an amount like 1,250.50" in error_messages(bad)


def test_a_recording_instead_of_words_and_removing_it(client, w):
    report = started(w)
    response = client.post(
        f"/reports/{report.id}/what-happened",
        data={"what_happened": "", "recording": (io.BytesIO(MP3), "our story.mp3")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(MonitoringReport, report.id)
    recording = saved.recording()
    assert recording.kind == FileKind.RECORDING and recording.content_type == "audio/mpeg"
    download = client.get(f"/reports/{report.id}/recording/{recording.id}")
    assert download.status_code == 200 and download.data == MP3
    download.close()
    page = client.get(f"/reports/{report.id}/what-happened").get_data(as_text=True)
    assert "our story.mp3" in page and "Remove the recording" in page
    client.post(f"/reports/{report.id}/recording/{recording.id}/remove")
    db.session.expire_all()
    assert db.session.get(MonitoringReport, report.id).recording() is None
    wrong = client.post(
        f"/reports/{report.id}/what-happened",
        data={"recording": (io.BytesIO(b"%PDF-1.4 not audio"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 200 and error_messages(wrong)


def test_the_task_list_says_how_overdue_it_is(client, w):
    report = started(w)
    report.report_due.due_on = uk_today() - timedelta(days=3)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Overdue by 3 days" in page
    report.report_due.due_on = uk_today() + timedelta(days=1)
    assert "Due tomorrow" in client.get(f"/reports/{report.id}").get_data(as_text=True)


def test_the_questions_page_only_when_the_template_asks(client, w):
    interim = started(w)
    assert client.get(f"/reports/{interim.id}/questions").status_code == 404
    final = started(w, ReportKind.FINAL)
    page = client.get(f"/reports/{final.id}/questions")
    assert "What will your group do now" in page.get_data(as_text=True)
    response = client.post(f"/reports/{final.id}/questions", data={"question_next": "Carry on"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MonitoringReport, final.id).answers == {"next": "Carry on"}


def _every_page(report, file_id=0) -> list[tuple[str, str]]:
    base = f"/reports/{report.id}"
    return [
        ("GET", f"/reports/due/{report.report_due_id}/start"),
        ("POST", f"/reports/due/{report.report_due_id}/start"),
        ("GET", base),
        *[(m, f"{base}/{p}") for p in ("what-happened", "spending", "outcomes") for m in ("GET", "POST")],
        ("GET", f"{base}/check"),
        ("GET", f"{base}/declaration"),
        ("POST", f"{base}/declaration"),
        ("GET", f"{base}/sent"),
        ("GET", f"{base}/pdf/1"),
        ("GET", f"{base}/recording/{file_id}"),
        ("POST", f"{base}/recording/{file_id}/remove"),
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["another_group", "panel_member", "no_role"])
def test_nobody_outside_the_group_learns_the_report_exists(client, who):
    w = world()
    report = fill(w, started(w))
    other = make_user(Role.PANEL_MEMBER if who == "panel_member" else None)
    if who == "another_group":
        make_group(other, name="Another Group")
    sign_in(client, other)
    for method, url in _every_page(report):
        assert client.open(url, method=method).status_code == 404, (method, url)
    assert client.get("/reports/99999999999/check").status_code == 404
    assert client.get(f"/reports/due/{2**40}/start").status_code == 404


def test_staff_who_see_all_groups_read_it_but_only_officers_enter_it(client):
    w = world()
    report = fill(w, started(w))
    finance = make_user(Role.FINANCE_OFFICER)
    sign_in(client, finance)
    assert client.get(f"/reports/{report.id}/check").status_code == 200
    assert client.get(f"/reports/{report.id}").headers["Location"].endswith("/check")
    assert client.get(f"/reports/{report.id}/spending").status_code == 403
    assert client.post(f"/reports/{report.id}/declaration", data={}).status_code == 403
    officer = make_user(Role.PROGRAMME_OFFICER)
    sign_in(client, officer)
    assert client.get(f"/reports/{report.id}/spending").status_code == 200


def test_an_officer_enters_a_report_for_the_group(client):
    w = world()
    officer = make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")
    sign_in(client, officer)
    due = report_due(w.ready)
    page = client.get(f"/reports/due/{due.id}/start").get_data(as_text=True)
    assert "How did the group give you its report?" in page
    refused = client.post(f"/reports/due/{due.id}/start", data={})
    assert refused.status_code == 200 and error_messages(refused) == [
        "Select how the group gave you its report"
    ]
    response = client.post(f"/reports/due/{due.id}/start", data={"channel": "paper"})
    report_id = int(re.search(r"/reports/(\d+)$", response.headers["Location"])[1])
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Entered for the group by Olu Officer (Paper form)" in page


def test_forms_work_without_javascript(client, w):
    """Every form posts to its own page with no script needed, and a file form is multipart."""
    report = started(w)
    for path in ("what-happened", "spending", "outcomes", "declaration"):
        soup = soup_of(client.get(f"/reports/{report.id}/{path}"))
        form = soup.select_one("main form[method=post]")
        assert form is not None, path
        assert form.select_one("button, input[type=submit]") is not None, path
    what = soup_of(client.get(f"/reports/{report.id}/what-happened"))
    assert what.select("main form")[-1]["enctype"] == "multipart/form-data"


def test_a_report_cannot_be_started_before_the_agreement_is_in_force(client, w):
    from grants.awards.states import AwardStatus

    w.ready.award.status = AwardStatus.OFFERED
    response = client.post(f"/reports/due/{report_due(w.ready).id}/start", data={})
    assert response.status_code == 200
    assert error_messages(response) == [
        "Reports can only be written while the grant agreement is in force"
    ]
    assert db.session.query(MonitoringReport).count() == 0


def test_an_officers_own_questions_are_asked_and_checked(client, w):
    from grants.monitoring.models import ReportTemplateVersion
    from grants.monitoring.setup.templates import template_for

    template = template_for(w.ready.award.round_id, ReportKind.FINAL)
    template.versions.append(
        ReportTemplateVersion(
            number=template.current.number + 1,
            questions=[
                {"key": "q-1a2b3c4d", "kind": "single_choice", "label": "Will you carry on?",
                 "hint": "", "required": True, "word_limit": None, "options": ["Yes", "Not sure"]},
                {"key": "q-9f8e7d6c", "kind": "date", "label": "When did it end?",
                 "hint": "", "required": False, "word_limit": None, "options": []},
            ],
        )
    )  # fmt: skip
    db.session.flush()
    report = started(w, ReportKind.FINAL)
    base = f"/reports/{report.id}/questions"
    page = client.get(base).get_data(as_text=True)
    assert "Will you carry on?" in page and "When did it end?" in page
    refused = client.post(
        base, data={"question_q_1a2b3c4d": "Maybe", "question_q_9f8e7d6c": ["31", "2", "2027"]}
    )
    assert refused.status_code == 200
    assert set(error_messages(refused)) == {"Select an option from the list", "Enter a real date"}
    saved = client.post(
        base, data={"question_q_1a2b3c4d": "Not sure", "question_q_9f8e7d6c": ["1", "3", "2027"]}
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(MonitoringReport, report.id).answers == {
        "q-1a2b3c4d": "Not sure",
        "q-9f8e7d6c": "2027-03-01",
    }
    check = client.get(f"/reports/{report.id}/check").get_data(as_text=True)
    assert "Will you carry on?" in check and "1 March 2027" in check


def test_one_bad_amount_still_shows_every_other_spending_problem(client, w):
    report = started(w)
    response = client.post(
        f"/reports/{report.id}/spending",
        data={
            f"spent_{w.food.id}": "12.345",
            f"spent_{w.venue.id}": "",
            f"explanation_{w.venue.id}": "",
        },
    )
    assert response.status_code == 200
    assert error_messages(response) == [
        "Enter an amount like 1,250.50",
        "Enter how much you have spent on Venue hire",
    ]
    db.session.expire_all()
    assert db.session.get(MonitoringReport, report.id).spending == []  # nothing saved
