"""What new applicants found on first use: nothing typed is lost, every problem shows on the
first submit, several files keep the good ones, and "Change" returns to check your answers."""

from __future__ import annotations

import io

import pytest

from grants.applications.models import Application, DocumentKind
from grants.extensions import db
from grants.reference.models import Principle
from tests.applications.factories import PDF_BYTES, open_round, start_application
from tests.checks import error_messages, soup_of
from tests.factories import sign_in


@pytest.fixture
def application(client, reference_data):
    application = start_application(open_round())
    sign_in(client, application.organisation.main_contact)
    return application


def _principle_id() -> str:
    return str(db.session.query(Principle).order_by(Principle.position).first().id)


# Nothing typed is lost: "Save and return" is a button that saves.


def test_save_and_return_on_outcomes_saves_the_outcome_typed(client, application):
    half = client.post(
        f"/applications/{application.id}/outcomes",
        data={"description": "Children fed", "save_and_return": "y"},
    )
    # half an outcome cannot be saved...
    assert "Select the principle this outcome serves" in error_messages(half)
    assert soup_of(half).find("input", {"name": "description"})["value"] == "Children fed"
    response = client.post(
        f"/applications/{application.id}/outcomes",
        data={
            "description": "Children fed",
            "target": "40 children",
            "principle": _principle_id(),
            "save_and_return": "y",
        },
    )
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert [o.description for o in db.session.get(Application, application.id).outcomes] == [
        "Children fed"
    ]


def test_save_and_return_on_budget_saves_the_line_typed(client, application):
    response = client.post(
        f"/applications/{application.id}/budget",
        data={"item": "Food", "category": "materials", "amount": "300", "save_and_return": "y"},
    )
    assert response.headers["Location"] == f"/applications/{application.id}"
    lines = db.session.get(Application, application.id).budget_lines
    assert [(line.item, line.amount_pence) for line in lines] == [("Food", 30000)]


@pytest.mark.parametrize("section", ["outcomes", "budget", "documents"])
def test_save_and_return_with_nothing_typed_just_returns(client, application, section):
    page = soup_of(client.get(f"/applications/{application.id}/{section}"))
    button = page.find("button", string=lambda text: "Save and return" in (text or ""))
    assert button is not None and button.find_parent("form") is not None
    response = client.post(
        f"/applications/{application.id}/{section}", data={"save_and_return": "y"}
    )
    assert response.headers["Location"] == f"/applications/{application.id}"


def test_save_and_return_on_documents_uploads_the_chosen_file(client, application):
    response = client.post(
        f"/applications/{application.id}/documents",
        data={
            "accounts": (io.BytesIO(PDF_BYTES), "accounts.pdf"),
            "save_and_return": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == f"/applications/{application.id}"
    documents = db.session.get(Application, application.id).documents
    assert [(d.kind, d.original_name) for d in documents] == [
        (DocumentKind.ACCOUNTS, "accounts.pdf")
    ]


# Several files in one upload: the good ones are kept, each refused one is named.


def test_an_upload_of_several_files_keeps_the_good_ones(client, application):
    response = client.post(
        f"/applications/{application.id}/documents",
        data={
            "governing_document": (io.BytesIO(PDF_BYTES), "constitution.pdf"),
            "safeguarding_policy": (io.BytesIO(b"MZ\x90\x00 not a document"), "policy.exe"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    messages = error_messages(response)
    assert len(messages) == 1
    assert messages[0].startswith("policy.exe was not uploaded: the selected file must be a")
    documents = db.session.get(Application, application.id).documents
    assert [d.original_name for d in documents] == ["constitution.pdf"]
    assert "constitution.pdf" in response.get_data(as_text=True)


# All errors at once: the form's rules and the service's rules together.


def test_project_reports_every_problem_on_the_first_submit(client, application):
    response = client.post(
        f"/applications/{application.id}/project", data={"title": "", "summary": "Lunches"}
    )
    assert set(error_messages(response)) == {
        "Enter a title for your project",
        "Describe your project",
    }


def test_timeline_reports_a_missing_date_and_one_outside_the_window_together(
    client, reference_data
):
    from datetime import date

    application = start_application(open_round(project_end_by=date(2027, 12, 31)))
    sign_in(client, application.organisation.main_contact)
    response = client.post(
        f"/applications/{application.id}/timeline",
        data={"start_date": ["", "", ""], "end_date": ["1", "3", "2028"]},
    )
    assert set(error_messages(response)) == {
        "Enter the date the project will start",
        "End date must be on or before 31 December 2027",
    }


def test_budget_reports_every_problem_on_the_first_submit(client, application):
    response = client.post(
        f"/applications/{application.id}/budget",
        data={"item": "", "category": "", "amount": "lots"},
    )
    assert len(error_messages(response)) == 3
    assert "Enter what you will spend the money on" in error_messages(response)
    assert "Select a category" in error_messages(response)


def test_declaration_reports_every_problem_on_the_first_submit(client, application):
    response = client.post(f"/applications/{application.id}/declaration", data={"full_name": ""})
    assert set(error_messages(response)) == {
        "Enter your full name",
        "Confirm that the information is correct",
    }


# "Change" on check your answers comes back to check your answers.


def test_a_section_opened_from_check_returns_to_check(client, application):
    """Only the one known value is honoured: a forged ``return_to`` is never followed."""
    url = f"/applications/{application.id}/project"
    answer = {"title": "Lunch club", "summary": "Lunches", "description": "We cook."}
    for return_to, back_to in [
        ("check", "/check"),
        ("https://evil.example/", ""),
        ("//evil.example", ""),
        ("/applications/1/check", ""),
        ("CHECK", ""),
    ]:
        expected = f"/applications/{application.id}{back_to}"
        page = soup_of(client.get(url, query_string={"return_to": return_to}))
        assert page.select_one(".govuk-back-link")["href"] == expected, return_to
        response = client.post(url, query_string={"return_to": return_to}, data=answer)
        assert response.headers["Location"] == expected, return_to


def test_adding_a_line_from_check_keeps_the_way_back_to_check(client, application):
    url = f"/applications/{application.id}/budget?return_to=check"
    response = client.post(url, data={"item": "Food", "category": "materials", "amount": "300"})
    assert response.headers["Location"] == url
    response = client.post(url, data={"save_and_return": "y"})
    assert response.headers["Location"] == f"/applications/{application.id}/check"
