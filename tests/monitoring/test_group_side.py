"""The group's side: "Your home" shows the next report each grant owes, overdue ones standing
out; the award page lists every report with its status, a way in and its stored PDFs. Overdue is
worked out from dates, never stored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.awards.models import ReportKind
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring import changes, group_pages
from grants.monitoring.models import ReportDocument
from grants.monitoring.states import ReportStatus
from grants.permissions import Permission, Role
from tests.checks import soup_of
from tests.factories import make_group, make_user, sign_in
from tests.monitoring.factories import award_in_force, bare_report, report_due

pytestmark = pytest.mark.usefixtures("reference_data")


def overdue_by(ready, days: int, kind=ReportKind.INTERIM):
    due = report_due(ready, kind)
    due.due_on = uk_today() - timedelta(days=days)
    db.session.flush()
    return due


def home_text(client) -> str:
    return soup_of(client.get("/home")).get_text(" ", strip=True)


def test_the_home_shows_the_next_report_to_start(client):
    ready = award_in_force()
    due = report_due(ready)
    sign_in(client, ready.member)
    page = client.get("/home")
    soup = soup_of(page)
    assert soup.find("h2", string="Your reports")
    link = soup.find("a", href=f"/reports/due/{due.id}/start")
    assert link and "Start your interim report" in link.get_text()
    assert "Overdue" not in soup.get_text()


def test_an_overdue_report_stands_out_on_the_home(client):
    ready = award_in_force()
    overdue_by(ready, 3)
    sign_in(client, ready.member)
    soup = soup_of(client.get("/home"))
    tag = soup.find("strong", class_="govuk-tag--red")
    assert tag and tag.get_text(strip=True) == "Overdue by 3 days"
    assert "1 report is overdue" in soup.get_text()


def test_one_day_overdue_is_said_in_the_singular():
    ready = award_in_force()
    overdue_by(ready, 1)
    [row] = group_pages.next_reports([ready.award.organisation_id])
    assert row.overdue_text == "Overdue by 1 day"


def test_a_started_report_is_continued_and_a_sent_one_gives_way_to_the_next(client):
    ready = award_in_force()
    report = bare_report(ready)
    sign_in(client, ready.member)
    soup = soup_of(client.get("/home"))
    assert "Continue your interim report" in soup.find("a", href=f"/reports/{report.id}").get_text()
    report.status = ReportStatus.SUBMITTED
    final = report_due(ready, ReportKind.FINAL)
    soup = soup_of(client.get("/home"))
    assert soup.find("a", href=f"/reports/due/{final.id}/start")
    assert not soup.find("a", href=f"/reports/{report.id}")


def test_a_report_sent_back_is_due_again_and_can_be_overdue():
    ready = award_in_force()
    report = bare_report(ready)
    report.status = ReportStatus.CHANGES_REQUESTED
    overdue_by(ready, 5)
    [row] = group_pages.next_reports([ready.award.organisation_id])
    assert row.report.id == report.id and row.overdue_days == 5
    report.status = ReportStatus.SUBMITTED
    assert group_pages.ReportRow(row.due, report, uk_today()).overdue_days == 0


def test_people_without_grants_see_no_reports_section(client):
    person = make_user()
    make_group(person)
    sign_in(client, person)
    assert "Your reports" not in home_text(client)
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    assert "Your reports" not in home_text(client)


def test_the_home_makes_a_constant_number_of_queries(client, count_queries):
    first = award_in_force()
    sign_in(client, first.member)
    few = count_queries(lambda: client.get("/home"))
    for _ in range(2):  # two more grants to groups the same person belongs to
        other = award_in_force()
        from grants.organisations.models import Membership

        db.session.add(
            Membership(organisation_id=other.award.organisation_id, user_id=first.member.id)
        )
        bare_report(other)
    many = count_queries(lambda: client.get("/home"))
    assert many == few
    assert home_text(client).count("interim report for") == 3


def test_the_award_page_lists_every_report_with_its_status(client):
    ready = award_in_force()
    report = bare_report(ready)
    overdue_by(ready, 3)
    report.status = ReportStatus.SUBMITTED
    document = ReportDocument(
        report_id=report.id,
        version=1,
        stored_name="ab" * 16,
        sha256="0" * 64,
        size_bytes=10,
        created_by_id=ready.member.id,
    )
    db.session.add(document)
    final = report_due(ready, ReportKind.FINAL)
    for person in (ready.member, make_user(Role.PROGRAMME_OFFICER), ready.raiser):
        sign_in(client, person)
        soup = soup_of(client.get(f"/awards/{ready.award.id}"))
        section = soup.find("h2", id="monitoring-reports")
        assert section is not None
        table = section.find_next("table")
        text = table.get_text(" ", strip=True)
        assert "Interim report" in text and "Sent" in text
        assert "Overdue" not in text  # sent in time or late, it is no longer overdue
        assert "Final report" in text and "Due" in text
        assert table.find("a", href=f"/reports/{report.id}/pdf/1")
        assert table.find("a", href=f"/reports/{report.id}")
        start = table.find("a", href=f"/reports/due/{final.id}/start")
        assert (start is not None) == (
            person in (ready.member,) or person.can(Permission.REVIEW_REPORTS)
        )


def test_the_award_rows_for_each_status():
    ready = award_in_force()
    overdue_by(ready, 10)
    rows = group_pages.award_rows(ready.award)
    assert [r.status_label for r in rows] == ["Due", "Due"]
    assert rows[0].overdue_text == "Overdue by 10 days" and rows[1].overdue_text is None
    report = bare_report(ready)
    expected = {
        ReportStatus.DRAFT: ("Started", True),
        ReportStatus.SUBMITTED: ("Sent", False),
        ReportStatus.CHANGES_REQUESTED: ("Changes requested", True),
        ReportStatus.ACCEPTED: ("Accepted", False),
    }
    for status, (label, overdue) in expected.items():
        report.status = status
        db.session.flush()
        row = group_pages.award_rows(ready.award)[0]
        assert row.status_label == label
        assert bool(row.overdue_days) is overdue


def test_another_group_learns_nothing():
    ready = award_in_force()
    stranger = make_user()
    make_group(stranger)
    assert group_pages.award_section(stranger, ready.award) is None
    assert group_pages.award_section(make_user(Role.PANEL_MEMBER), ready.award) is None


def test_finance_officers_see_how_many_changes_wait_for_an_answer(client):
    from tests.monitoring.test_changes import more_time

    ready = award_in_force()
    sign_in(client, ready.raiser)
    assert "Changes groups have asked for" not in home_text(client)  # nothing waits
    report = bare_report(ready)
    changes.add_request(ready.member, report, more_time(report))
    report.status = ReportStatus.SUBMITTED
    changes.mark_sent(ready.member, report)
    soup = soup_of(client.get("/home"))
    assert soup.find("a", href="/monitoring/changes").get_text(strip=True) == (
        "1 request is waiting for a written answer"
    )
    sign_in(client, ready.member)
    assert "Changes groups have asked for" not in home_text(client)
