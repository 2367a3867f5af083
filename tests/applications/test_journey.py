"""The applicant's journey through the pages: start, every section, check, send, and after."""

from __future__ import annotations

import io
import re

import pytest

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.extensions import db
from grants.reference.models import Neighbourhood, Principle
from tests.applications.factories import PDF_BYTES, open_round
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in


@pytest.fixture
def applicant(client, reference_data):
    user = make_user(name="Alex Applicant")
    make_group(user, name="Hindley Green Community Association")
    sign_in(client, user)
    return user


def _start(client, round_) -> int:
    response = client.post(f"/applications/start/{round_.slug}", data={})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/applications/(\d+)", response.headers["Location"])[1])


def test_whole_journey_through_the_pages(client, applicant, outbox):
    round_ = open_round(questions=True)
    application_id = _start(client, round_)
    base = f"/applications/{application_id}"
    page = client.get(base).get_data(as_text=True)
    assert "Not yet started" in page and "Cannot start yet" in page

    ward = db.session.query(Neighbourhood).filter_by(name="Hindley").one()
    principle = db.session.query(Principle).order_by(Principle.position).first()
    questions = {q.kind.value: q for q in round_.questions}
    steps = [
        ("group", {}),
        (
            "project",
            {
                "title": "Summer lunch club",
                "summary": "Lunches for children",
                "description": "We will cook.",
            },
        ),
        ("where", {"neighbourhoods": [str(ward.id)]}),
        ("principles", {"main_principle": str(principle.id)}),
        ("beneficiaries", {"people_reached": "40", "groups": ["young_people"]}),
        (
            "outcomes",
            {"description": "Children fed", "target": "40", "principle": str(principle.id)},
        ),
        ("budget", {"item": "Food", "category": "materials", "amount": "£1,250.50"}),
        ("timeline", {"start_date": ["1", "7", "2027"], "end_date": ["31", "8", "2027"]}),
        (
            "questions",
            {
                f"question_{questions['long_text'].id}": "Hunger in the holidays",
                f"question_{questions['yes_no'].id}": "yes",
                f"question_{questions['single_choice'].id}": "Weekly",
            },
        ),
    ]
    for section, data in steps:
        assert client.get(f"{base}/{section}").status_code == 200, section
        response = client.post(f"{base}/{section}", data=data)
        assert response.status_code == 302, (section, error_messages(response))
    for field in ("governing_document", "safeguarding_policy", "accounts"):
        upload = {field: (io.BytesIO(PDF_BYTES), f"{field}.pdf")}
        response = client.post(f"{base}/documents", data=upload, content_type="multipart/form-data")
        assert response.status_code == 302, error_messages(response)
    response = client.post(
        f"{base}/declaration", data={"full_name": "Alex Applicant", "confirm": "y"}
    )
    assert response.headers["Location"].endswith("/check")
    check = client.get(f"{base}/check").get_data(as_text=True)
    assert "£1,250.50" in check and "Summer lunch club" in check
    response = client.post(f"{base}/check")
    assert response.status_code == 302
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"CIF-\d{4}-\d{4}", confirmation)[0]
    application = db.session.get(Application, application_id)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference == reference
    assert application.amount_requested_pence == 125050
    assert reference in outbox[-1].subject
    assert client.get(f"{base}/project").status_code == 302  # no longer editable


def test_section_errors_keep_what_was_typed(client, applicant):
    application_id = _start(client, open_round())
    response = client.post(
        f"/applications/{application_id}/project",
        data={"title": "Lunch club", "summary": "x" * 141},
    )
    assert response.status_code == 200
    assert "Summary must be 140 characters or fewer" in error_messages(response)
    assert soup_of(response).find("input", {"name": "title"})["value"] == "Lunch club"


def test_budget_over_the_maximum_is_refused(client, applicant):
    application_id = _start(client, open_round())
    response = client.post(
        f"/applications/{application_id}/budget",
        data={"item": "Minibus", "category": "transport", "amount": "2500"},
    )
    assert response.status_code == 200
    assert any("This round gives up to £2,000" in m for m in error_messages(response))
