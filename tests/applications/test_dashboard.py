"""The applicant's dashboard: every application of their groups, with status and what happens next."""

from __future__ import annotations

import pytest

from grants.applications.models import Application
from grants.applications.states import next_steps
from grants.extensions import db
from tests.applications.factories import open_round, start_application, submitted_application
from tests.factories import make_group, make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def _copies(template: Application, count: int) -> None:
    """Cheap extra drafts for query counting (the services are tested elsewhere)."""
    for _ in range(count):
        db.session.add(
            Application(
                round_id=template.round_id,
                organisation_id=template.organisation_id,
                created_by_id=template.created_by_id,
                title="Copy",
            )
        )
    db.session.commit()


def test_dashboard_shows_status_and_next_steps_for_every_group(client):
    applicant = make_user()
    first = make_group(applicant, name="Group one")
    second = make_group(applicant, name="Group two")
    sent = submitted_application(organisation=first)
    draft = start_application(organisation=second, applicant=applicant)
    someone_else = start_application()
    sign_in(client, applicant)
    page = client.get("/applications/").get_data(as_text=True)
    assert sent.reference in page and "Submitted" in page and next_steps(sent.status) in page
    assert "Group two" in page and next_steps(draft.status) in page
    assert f"/applications/{someone_else.id}" not in page


def test_dashboard_makes_the_same_number_of_queries_whatever_the_number_of_applications(
    client, count_queries
):
    applicant = make_user()
    round_ = open_round()
    template = start_application(round_, make_group(applicant), applicant=applicant)
    sign_in(client, applicant)
    _copies(template, 2)
    few = count_queries(lambda: client.get("/applications/"))
    _copies(template, 60)
    many = count_queries(lambda: client.get("/applications/"))
    print(f"dashboard queries: {few} with 3 applications, {many} with 63")
    assert few == many, (few, many)
    assert "page=2" in client.get("/applications/").get_data(as_text=True)


def test_the_dashboard_counts_applications_in_words(client):
    applicant = make_user()
    start_application(organisation=make_group(applicant), applicant=applicant)
    sign_in(client, applicant)
    page = client.get("/applications/").get_data(as_text=True)
    assert "1 application<" in page and "1 applications" not in page
