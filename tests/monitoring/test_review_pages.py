"""The review page, a new due date and a report entered for a group, through the browser's
requests: what each page shows, what each form does, and who gets 200, 403 or 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.awards.models import ReportKind
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring.models import MonitoringReport, ReportSpend
from grants.monitoring.states import ReportStatus
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.monitoring import endpoints_review
from tests.monitoring.factories import award_in_force, report_due
from tests.monitoring.test_review import officer, sent, waiting_on

pytestmark = pytest.mark.usefixtures("reference_data")
R = ReportStatus


def _spend(report, spent_by_line: dict[int, tuple[int, str | None]]) -> None:
    for line in report.award.application.budget_lines:
        if line.id in spent_by_line:
            spent, why = spent_by_line[line.id]
            db.session.add(
                ReportSpend(report_id=report.id, budget_line_id=line.id, spent_pence=spent,
                            explanation=why)
            )  # fmt: skip
    db.session.flush()


def test_the_review_page_sets_the_report_beside_the_plan_and_the_money(client):
    ready = award_in_force()
    report = sent(ready)
    lines = ready.award.application.budget_lines
    _spend(report, {lines[0].id: (lines[0].amount_pence + 50_000, "The hall cost more")})
    [waiting] = waiting_on(ready)
    sign_in(client, officer())

    response = client.get(f"/monitoring/reports/{report.id}")

    assert response.status_code == 200
    page = soup_of(response)
    text = page.get_text(" ", strip=True)
    assert "We ran twelve lunch sessions." in text
    assert "The hall cost more" in text and page.select(".govuk-warning-text")
    assert "Waiting on this report" in text and f"Instalment {waiting.number}" in text
    assert page.select(f"form[action='/monitoring/reports/{report.id}/accept']")
    assert page.select(f"form[action='/monitoring/reports/{report.id}/changes'] textarea")


def test_accepting_through_the_page_once_and_again(client):
    ready = award_in_force()
    report = sent(ready)
    sign_in(client, officer())
    first = client.post(f"/monitoring/reports/{report.id}/accept")
    again = client.post(f"/monitoring/reports/{report.id}/accept", follow_redirects=True)
    assert first.status_code == 302
    assert "already been accepted" in again.get_data(as_text=True)
    db.session.expire_all()
    assert report.status == R.ACCEPTED and len(report.reviews) == 1
    page = soup_of(client.get(f"/monitoring/reports/{report.id}"))
    assert not page.select("form[action$='/accept']")


def test_asking_for_changes_without_a_message_keeps_the_page_with_an_error(client):
    ready = award_in_force()
    report = sent(ready)
    sign_in(client, officer())
    response = client.post(f"/monitoring/reports/{report.id}/changes", data={"message": "  "})
    assert response.status_code == 200
    assert error_messages(response) == ["Enter what the group needs to change"]
    done = client.post(
        f"/monitoring/reports/{report.id}/changes", data={"message": "Add the food receipts"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert report.status == R.CHANGES_REQUESTED


def _member_officer(ready):
    person = officer()
    db.session.add(Membership(organisation_id=ready.award.organisation_id, user_id=person.id))
    db.session.flush()
    return person


def test_a_conflicted_officer_is_told_why_and_offered_nothing(client):
    ready = award_in_force()
    report = sent(ready)
    sign_in(client, _member_officer(ready))
    due = report_due(ready)
    for method, path in [
        ("get", f"/monitoring/reports/{report.id}"),
        ("post", f"/monitoring/reports/{report.id}/accept"),
        ("post", f"/monitoring/reports/{report.id}/changes"),
        ("get", f"/monitoring/due/{due.id}/due-date"),
        ("post", f"/monitoring/due/{due.id}/due-date"),
        ("get", f"/monitoring/due/{report_due(ready, ReportKind.FINAL).id}/enter"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 403, path
        assert "You belong to" in response.get_data(as_text=True)
        assert not soup_of(response).select("form[action^='/monitoring']")
    db.session.expire_all()
    assert report.status == R.SUBMITTED


def test_the_officer_who_entered_a_report_sees_it_but_cannot_decide(client):
    ready = award_in_force()
    person = officer()
    report = sent(ready, entered_by_id=person.id)
    sign_in(client, person)
    response = client.get(f"/monitoring/reports/{report.id}")
    assert response.status_code == 200
    page = soup_of(response)
    assert "another programme officer must review it" in page.get_text()
    assert not page.select("form[action^='/monitoring']")
    assert client.post(f"/monitoring/reports/{report.id}/accept").status_code == 403


def test_a_final_report_shows_its_underspend_in_two_parts(client):
    ready = award_in_force()
    report = sent(ready, ReportKind.FINAL)
    lines = ready.award.application.budget_lines
    _spend(report, {line.id: (100_000, "Fewer sessions") for line in lines[:1]})
    finance_and_officer = make_user(Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER)
    sign_in(client, finance_and_officer)
    text = soup_of(client.get(f"/monitoring/reports/{report.id}")).get_text(" ", strip=True)
    assert "Underspend" in text
    assert "not yet paid" in text and "already paid" in text
    assert "propose the decrease" in text


def test_a_new_due_date_through_the_page(client):
    ready = award_in_force()
    due = report_due(ready)
    sign_in(client, officer())
    page = client.get(f"/monitoring/due/{due.id}/due-date")
    assert page.status_code == 200
    wrong = client.post(f"/monitoring/due/{due.id}/due-date", data={"due_on": ["1", "1", "2001"]})
    assert sorted(error_messages(wrong)) == sorted(
        ["The new due date must be today or in the future",
         "Enter why the report has a new due date"]
    )  # fmt: skip
    new = uk_today() + timedelta(days=40)
    done = client.post(
        f"/monitoring/due/{due.id}/due-date",
        data={"due_on": [str(new.day), str(new.month), str(new.year)], "reason": "Flooded hall"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert report_due(ready).due_on == new


def test_entering_a_report_for_a_group_records_who_and_how(client):
    ready = award_in_force()
    due = report_due(ready)
    person = officer()
    sign_in(client, person)
    assert client.get(f"/monitoring/due/{due.id}/enter").status_code == 200
    assert client.post(f"/monitoring/due/{due.id}/enter", data={}).status_code == 200
    done = client.post(f"/monitoring/due/{due.id}/enter", data={"channel": "phone"})
    assert done.status_code == 302
    report = db.session.scalar(
        select(MonitoringReport).where(MonitoringReport.report_due_id == due.id)
    )
    assert report.entered_by_id == person.id and report.channel.value == "phone"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "monitoring.report_entered")
    )
    assert event.actor_id == person.id


def test_finance_home_lists_an_award_whose_final_report_was_accepted(client):
    ready = award_in_force()
    from grants.monitoring.review import services

    services.accept(officer(), sent(ready, ReportKind.FINAL))
    sign_in(client, ready.raiser)
    page = soup_of(client.get("/finance/"))
    heading = page.find(id="to_close")
    assert heading is not None and "ready to close" in heading.get_text()
    assert ready.award.reference in heading.find_next("ul").get_text()


def test_officers_reach_the_queue_from_their_home_and_the_navigation(client):
    sign_in(client, officer())
    page = soup_of(client.get("/home"))
    links = [a["href"] for a in page.select("a")]
    assert links.count("/monitoring/") >= 2


def _address(endpoint: str, report, due) -> str:
    return {
        "monitoring.queue": "/monitoring/",
        "monitoring.queue_csv": "/monitoring/export.csv",
        "monitoring.review": f"/monitoring/reports/{report.id}",
        "monitoring.accept": f"/monitoring/reports/{report.id}/accept",
        "monitoring.request_changes": f"/monitoring/reports/{report.id}/changes",
        "monitoring.due_date": f"/monitoring/due/{due.id}/due-date",
        "monitoring.enter": f"/monitoring/due/{due.id}/enter",
    }[endpoint]


GETS = {"monitoring.queue", "monitoring.queue_csv", "monitoring.review", "monitoring.due_date",
        "monitoring.enter"}  # fmt: skip


@pytest.mark.parametrize("who", ["finance", "member", "nobody", "panel", "admin"])
def test_only_programme_officers_reach_the_monitoring_pages(client, who):
    ready = award_in_force()
    report = sent(ready)
    due = report_due(ready, ReportKind.FINAL)
    person = {
        "finance": lambda: ready.raiser,
        "member": lambda: ready.member,
        "nobody": lambda: make_user(),
        "panel": lambda: make_user(Role.PANEL_MEMBER),
        "admin": lambda: make_user(Role.ADMIN),
    }[who]()
    sign_in(client, person)
    for endpoint in sorted(endpoints_review.ENDPOINTS):
        path = _address(endpoint, report, due)
        method = client.get if endpoint in GETS else client.post
        assert method(path).status_code == 403, (who, endpoint)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    ready = award_in_force()
    report = sent(ready)
    response = client.get(f"/monitoring/reports/{report.id}")
    assert response.status_code == 302 and "sign-in" in response.headers["Location"]


def test_an_officer_gets_every_page(client):
    ready = award_in_force()
    report = sent(ready)
    due = report_due(ready, ReportKind.FINAL)
    sign_in(client, officer())
    for endpoint in sorted(GETS):
        response = client.get(_address(endpoint, report, due))
        assert response.status_code == 200, endpoint
        response.close()


def test_no_such_report_is_not_found(client):
    sign_in(client, officer())
    for path in (
        "/monitoring/reports/999999",
        "/monitoring/due/999999/due-date",
        "/monitoring/due/999999/enter",
        "/monitoring/reports/99999999999999999999",
    ):
        assert client.get(path).status_code == 404, path  # fmt: skip


def test_the_review_page_costs_the_same_queries_however_many_awards(client, count_queries):
    from tests.monitoring.test_queue import in_force, with_status

    ready = award_in_force()
    report = sent(ready)
    sign_in(client, officer())
    few = count_queries(lambda: client.get(f"/monitoring/reports/{report.id}").close())
    for stub in in_force(10, budget_pence=10**9):
        with_status(stub, R.SUBMITTED)
    assert count_queries(lambda: client.get(f"/monitoring/reports/{report.id}").close()) == few
