"""Groups with no email: listed for officers to phone or write to, with a printable letter
addressed to the group's postal address."""

from __future__ import annotations

import pytest

from grants.awards.services import move_report_due
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring import reminders
from grants.monitoring.states import ReportStatus
from grants.permissions import Role
from tests.factories import make_user, sign_in
from tests.monitoring.factories import award_in_force, bare_report, report_due
from tests.monitoring.test_reminders import DAY, link, no_email

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def offline():
    ready = award_in_force()
    no_email(ready)
    due = report_due(ready)
    move_report_due(due, uk_today() - 8 * DAY)
    reminders.send_reminders(uk_today(), link)
    return ready, due


@pytest.fixture
def officer(client):
    user = make_user(Role.PROGRAMME_OFFICER)
    sign_in(client, user)
    return user


def test_officers_see_the_groups_to_phone_or_write_to(client, offline, officer):
    ready, due = offline
    page = client.get("/monitoring/letters").get_data(as_text=True)
    assert ready.award.organisation.name in page and "Pat Phone: 01942 000000" in page
    assert "overdue by 8 days" in page
    assert f"/monitoring/due/{due.id}/letter" in page


def test_the_letter_is_addressed_to_the_group_and_prints_alone(client, offline, officer):
    ready, due = offline
    response = client.get(f"/monitoring/due/{due.id}/letter")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    organisation = ready.award.organisation
    assert "Pat Phone<br>" + organisation.name in page.replace("\n", "")
    assert organisation.address_line_1 in page and organisation.postcode in page
    assert "Your interim report is overdue" in page and "Dear Pat Phone," in page
    assert "app-printing-letter" in page and "govuk-!-display-none-print" in page
    assert ready.award.reference in page


def test_a_sent_report_needs_no_letter(client, offline, officer):
    ready, due = offline
    bare_report(ready).status = ReportStatus.SUBMITTED
    db.session.flush()
    assert "No group needs" in client.get("/monitoring/letters").get_data(as_text=True)
    page = client.get(f"/monitoring/due/{due.id}/letter").get_data(as_text=True)
    assert "no letter is needed" in page and "Dear " not in page


def test_only_programme_officers_print_letters(client, offline):
    ready, due = offline
    for person in (make_user(Role.FINANCE_OFFICER), ready.member, make_user()):
        sign_in(client, person)
        assert client.get("/monitoring/letters").status_code == 403
        assert client.get(f"/monitoring/due/{due.id}/letter").status_code == 403


def test_an_unknown_report_due_is_not_found(client, officer):
    assert client.get("/monitoring/due/999999/letter").status_code == 404
    assert client.get(f"/monitoring/due/{2**40}/letter").status_code == 404


def test_the_list_makes_the_same_number_of_queries_however_long(client, officer, count_queries):
    def one_more():
        ready = award_in_force()
        no_email(ready)
        due = report_due(ready)
        reminders.send_reminders(due.due_on, link)

    one_more()
    few = count_queries(lambda: client.get("/monitoring/letters"))
    one_more()
    one_more()
    assert count_queries(lambda: client.get("/monitoring/letters")) == few
