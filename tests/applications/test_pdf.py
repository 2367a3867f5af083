"""PDFs: the blank paper form for a round, and an application for its group and for officers."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import current_app
from sqlalchemy import select

from grants import transaction
from grants.applications.models import Channel
from grants.applications.pdf_routes import application_html, blank_form_html
from grants.extensions import db
from grants.funds.models import Question, QuestionKind
from grants.pdf import html_to_pdf, offline_fetcher
from grants.permissions import Role
from grants.reference.models import Neighbourhood
from grants.screening import notes
from grants.screening import services as screening
from tests.applications.factories import (
    assisted_application,
    complete,
    open_round,
    start_application,
    submitted_application,
)
from tests.factories import make_group, make_user, sign_in


def soup_of_html(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def text_of(html: str) -> str:
    return soup_of_html(html).get_text(" ", strip=True)


# The blank paper form


@pytest.fixture
def paper_round(reference_data):
    round_ = open_round(questions=True, title="Small grants spring", max_income_pence=5_000_000)
    round_.questions.append(
        Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            label="Which days?",
            hint="Choose the days you meet.",
            position=5,
            options=["Monday", "Saturday"],
        )
    )
    round_.eligible_org_types = ["constituted_group", "faith_group"]
    db.session.commit()
    return round_


def test_anyone_can_download_a_rounds_blank_form_as_a_pdf(client, paper_round):
    response = client.get(f"/rounds/{paper_round.slug}/application-form.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == (
        f"inline; filename={paper_round.slug}-application-form.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_round_has_no_form(client):
    assert client.get("/rounds/no-such-round/application-form.pdf").status_code == 404


def test_the_blank_form_has_every_section_and_the_rounds_own_questions(paper_round):
    with current_app.test_request_context():
        html = blank_form_html(paper_round)
    text = text_of(html)
    for title in (
        "1. About your group",
        "2. Your project",
        "3. Where it happens",
        "4. Principles",
        "5. Who benefits",
        "6. How will you know it worked?",
        "7. Budget",
        "8. Timeline",
        "9. Questions from this round",
        "10. Supporting documents",
        "11. Declaration",
    ):
        assert title in text
    assert "Why is this needed? 50 words or fewer." in text
    assert "Have you run this before? Tick one." in text
    assert "A photo of your venue (optional)" in text
    assert "Which days? Choose the days you meet. Tick all that apply." in text
    soup = soup_of_html(html)
    tick_lists = [[li.get_text() for li in ul.select("li")] for ul in soup.select("ul.ticks")]
    assert ["Weekly", "Monthly"] in tick_lists
    assert ["Monday", "Saturday"] in tick_lists
    assert ["Yes", "No"] in tick_lists
    wards = db.session.scalars(select(Neighbourhood.name).order_by(Neighbourhood.name)).all()
    assert wards in tick_lists
    assert "This round is for: Constituted community group, Faith group." in text
    assert "an income of £50,000 or less" in text
    assert "between £250 and £2,000" in text
    assert "the information you have given is true and complete" in text
    assert current_app.config["SERVICE_EMAIL"] in text
    assert current_app.config["COUNCIL_NAME"] in text


def test_a_round_for_some_neighbourhoods_lists_only_those(paper_round):
    ward = db.session.scalar(select(Neighbourhood).order_by(Neighbourhood.name))
    paper_round.all_neighbourhoods = False
    paper_round.neighbourhoods = [ward]
    db.session.commit()
    with current_app.test_request_context():
        soup = soup_of_html(blank_form_html(paper_round))
    heading = soup.find("span", string="Neighbourhoods")
    assert [li.get_text() for li in heading.find_next("ul").select("li")] == [ward.name]


# An application's PDF


@pytest.fixture
def sent(reference_data):
    application = submitted_application()
    transaction.commit()  # made before the test's requests, as earlier requests would have
    return application


def pdf_status(client, application) -> int:
    return client.get(f"/applications/{application.id}/application.pdf").status_code


def test_the_group_downloads_their_application_as_a_pdf(client, sent):
    sign_in(client, sent.organisation.main_contact)
    response = client.get(f"/applications/{sent.id}/application.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"inline; filename={sent.reference}.pdf"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", [Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN])
def test_staff_download_a_sent_application(client, sent, role):
    sign_in(client, make_user(role))
    assert pdf_status(client, sent) == 200


def test_another_group_and_panel_members_get_not_found(client, sent):
    stranger = make_user(name="Someone Else")
    make_group(stranger, name="Standish Walkers")
    sign_in(client, stranger)
    assert pdf_status(client, sent) == 404
    sign_in(client, make_user(Role.PANEL_MEMBER))
    assert pdf_status(client, sent) == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, sent):
    response = client.get(f"/applications/{sent.id}/application.pdf")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def test_an_unknown_application_is_a_404(client):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    assert client.get("/applications/99999/application.pdf").status_code == 404


def test_a_draft_is_for_its_group_and_programme_officers_only(client, reference_data):
    """The same rule as the draft's page (grants.applications.access): officers help groups with
    drafts; finance officers and admins see applications once they are sent."""
    draft = start_application()
    sign_in(client, draft.organisation.main_contact)
    assert pdf_status(client, draft) == 200
    officer = make_user(Role.PROGRAMME_OFFICER)
    sign_in(client, officer)
    assert pdf_status(client, draft) == 200
    assisted = assisted_application(officer)
    assert pdf_status(client, assisted) == 200
    for role in (Role.FINANCE_OFFICER, Role.ADMIN):
        sign_in(client, make_user(role))
        assert pdf_status(client, draft) == 404
        assert pdf_status(client, assisted) == 404


def test_the_pdf_html_has_the_reference_status_and_every_answer_without_change_links(sent):
    with current_app.test_request_context():
        html = application_html(sent)
    text = text_of(html)
    assert sent.reference in text
    assert "Status Submitted" in text
    assert "Hindley summer lunch club" in text
    assert "Online, by the group" in text
    assert "£1,500" in text
    assert "Change" not in text
    assert "/files/" not in html  # files are named, not linked, on paper
    assert "governing_document.pdf" in text


def test_an_assisted_applications_pdf_says_an_officer_entered_it(reference_data):
    application = complete(assisted_application(channel=Channel.VIDEO_CALL))
    with current_app.test_request_context():
        text = text_of(application_html(application))
    assert "Entered by an officer (Video call)" in text


def test_staff_notes_are_never_in_the_pdf(client, sent):
    officer = make_user(Role.PROGRAMME_OFFICER)
    notes.add_note(officer, sent, "Private: the treasurer sounded unsure")
    with current_app.test_request_context():
        assert "treasurer" not in application_html(sent)
    sign_in(client, sent.organisation.main_contact)
    assert client.get(f"/applications/{sent.id}/application.pdf").data.startswith(b"%PDF-")


def test_the_reason_an_application_is_ineligible_is_in_its_pdf(sent):
    officer = make_user(Role.PROGRAMME_OFFICER)
    screening.screen(
        officer, sent, outcome="ineligible", checklist={}, message="Outside Hindley", link_for=str
    )
    with current_app.test_request_context():
        text = text_of(application_html(sent))
    assert "Why it is not eligible Outside Hindley" in text


# WeasyPrint fetches nothing


def test_the_fetcher_refuses_everything_but_data_uris():
    fetcher = offline_fetcher()
    for url in (
        "http://example.invalid/logo.png",
        "https://example.invalid/a.css",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain,hello")
    try:
        assert response.read() == b"hello"
    finally:
        response.close()


def test_a_template_pointing_at_remote_files_still_renders_without_fetching_them(monkeypatch):
    import urllib.request

    attempts = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, url, *a, **k: attempts.append(url)
    )
    html = (
        '<link rel="stylesheet" href="http://example.invalid/print.css">'
        '<img src="file:///etc/hostname" alt=""><p>Hello</p>'
    )
    assert html_to_pdf(html).startswith(b"%PDF-")
    assert attempts == []
