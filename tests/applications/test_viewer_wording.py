"""Application pages speak to the group as "you"; staff read the same facts about "the group",
and nobody is offered an action they cannot take (staff see no "Withdraw")."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from flask_login import login_user

from grants.applications.display import STAFF_NEXT_STEPS
from grants.applications.pdf_routes import application_html
from grants.applications.states import ApplicationStatus
from grants.permissions import Role
from tests.applications.factories import assisted_application, complete, submitted_application
from tests.checks import soup_of
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")
APPLICANT_WORDING = re.compile(r"\byour application\b|\bwe will email you\b|your answers", re.I)


def _main_text(response) -> str:
    return soup_of(response).select_one("main").get_text(" ", strip=True)


@pytest.mark.parametrize("role", [Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN])
def test_staff_see_no_applicant_wording_and_no_withdraw(client, role):
    application = submitted_application()
    path = f"/applications/{application.id}/view"
    sign_in(client, application.organisation.main_contact)
    text = _main_text(client.get(path))
    assert "Your answers" in text and "About your group" in text
    assert "Withdraw this application" in text

    sign_in(client, make_user(role))
    text = _main_text(client.get(path))
    assert not APPLICANT_WORDING.search(text), text
    assert "Withdraw" not in text
    assert "The group's answers" in text and "About the group" in text


def test_an_officer_sending_an_assisted_application_reads_no_promise_to_email_them(client):
    officer = make_user(Role.PROGRAMME_OFFICER)
    application = complete(assisted_application(officer), actor=officer)
    sign_in(client, officer)
    response = client.post(f"/applications/{application.id}/check")
    assert response.status_code == 302, response.get_data(as_text=True)
    text = _main_text(client.get(response.headers["Location"]))
    assert not APPLICANT_WORDING.search(text), text
    assert "View the application" in text


def test_the_pdf_printed_by_staff_speaks_about_the_group():
    application = submitted_application()
    staff = make_user(Role.FINANCE_OFFICER)
    with current_app.test_request_context():
        login_user(staff)
        html = application_html(application)
    assert "About the group" in html and "About your group" not in html


def test_every_status_has_staff_wording():
    assert set(STAFF_NEXT_STEPS) == set(ApplicationStatus)
