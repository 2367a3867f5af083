"""The application summary component: every section, every answer, change links and escaping."""

from __future__ import annotations

import io
from datetime import date

import pytest
from bs4 import BeautifulSoup
from flask import current_app, render_template_string
from werkzeug.datastructures import FileStorage

from grants.applications import answers
from grants.applications.models import DocumentKind
from grants.extensions import db
from grants.funds.models import Question, QuestionKind
from tests.applications.factories import complete, open_round, pdf_upload, start_application

SUMMARY = (
    '{% from "components/application_summary.html" import application_summary %}'
    "{{ application_summary(application, **options) }}"
)
SECTION_KEYS = [
    "group",
    "project",
    "where",
    "principles",
    "beneficiaries",
    "outcomes",
    "budget",
    "timeline",
    "questions",
    "documents",
    "declaration",
]
# A minimal WAV header: enough for the upload check to recognise a recording.
WAV_BYTES = (
    b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00@\x1f\x00\x00@\x1f\x00\x00"
    b"\x01\x00\x08\x00data\x00\x00\x00\x00"
)


def render(application, **options) -> BeautifulSoup:
    with current_app.test_request_context():
        html = render_template_string(SUMMARY, application=application, options=options)
    return BeautifulSoup(html, "html.parser")


def rows(soup) -> dict[str, str]:
    return {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in soup.select(".govuk-summary-list__row")
    }


@pytest.fixture
def application(reference_data):
    round_ = open_round(questions=True)
    round_.questions += [
        Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            label="Which days?",
            position=5,
            options=["Monday", "Saturday"],
        ),
        Question(kind=QuestionKind.DATE, label="First session", position=6, required=False),
    ]
    db.session.commit()
    application = complete(start_application(round_))
    actor = application.organisation.main_contact
    days, first, photo = round_.questions[4], round_.questions[5], round_.questions[3]
    answers.save_answers(
        actor, application, {days.id: ["Monday", "Saturday"], first.id: date(2026, 5, 1)}
    )
    answers.attach(
        actor,
        application,
        pdf_upload("venue.pdf"),
        kind=DocumentKind.ANSWER_FILE,
        answer_key=f"question-{photo.id}",
    )
    return application


def test_every_section_is_shown_in_task_list_order(application):
    headings = [h.get_text(strip=True) for h in render(application).select("h2")]
    assert headings == [  # drawn for nobody in particular, so not spoken to the group
        "About the group",
        "The project",
        "Where it happens",
        "Principles",
        "Who benefits",
        "How the group will know it worked",
        "Budget",
        "Timeline",
        "Questions from this round",
        "Supporting documents",
        "Declaration",
    ]


def test_every_answer_is_shown(application):
    soup = render(application)
    values = rows(soup)
    assert values["Group name"] == "Pemberton Allotment Society"
    assert values["Type of group"] == "Constituted community group"
    assert values["Address"] == "1 Orrell Road Wigan WN5 8AB"
    assert values["Project title"] == "Hindley summer lunch club"
    assert values["Neighbourhoods"] == application.neighbourhoods[0].name
    assert values["Main principle"] == application.main_principle.name
    assert values["Other principles"] == "No others"
    assert values["Number of people"] == "40"
    assert values["Who will benefit"] == "Young people Families with children"
    assert values["Children attending"].startswith("40 children Principle: ")
    assert values["Start date"] == f"{application.start_date.day} {application.start_date:%B %Y}"
    assert values["Why is this needed?"] == "Because children go hungry."
    assert values["Have you run this before?"] == "Yes"
    assert values["How often?"] == "Weekly"
    assert values["Which days?"] == "Monday, Saturday"
    assert values["First session"] == "1 May 2026"
    assert values["A photo of your venue"] == "venue.pdf"
    assert values["Governing document"] == "governing_document.pdf"
    assert values["Declared by"].startswith(application.declaration_name + " on ")
    budget = [[c.get_text(strip=True) for c in r.select("td")] for r in soup.select("tbody tr")]
    assert budget == [["Food", "Materials and food", "£1,500"], ["Total", "", "£1,500"]]


def test_files_link_to_the_checked_download_route(application):
    soup = render(application)
    venue = next(d for d in application.documents if d.original_name == "venue.pdf")
    link = soup.find("a", string="venue.pdf")
    assert link["href"] == f"/applications/{application.id}/files/{venue.id}"


def test_without_file_links_files_are_named_only(application):
    soup = render(application, file_links=False)
    assert soup.find("a") is None
    assert "venue.pdf" in soup.get_text()


def test_change_links_go_to_each_section_with_hidden_context(application):
    soup = render(application, change_links=True)
    hrefs = {a["href"] for a in soup.select("a") if a.get_text(strip=True).startswith("Change")}
    assert hrefs == {
        f"/applications/{application.id}/{key}?return_to=check" for key in SECTION_KEYS
    }
    title_change = soup.find("a", href=f"/applications/{application.id}/project?return_to=check")
    assert title_change.get_text(" ", strip=True) == "Change project title"
    assert title_change.select_one(".govuk-visually-hidden")


def test_without_change_links_there_are_none(application):
    assert "Change" not in render(application).get_text()


def test_a_recorded_answer_is_listed_by_name(application):
    actor = application.organisation.main_contact
    recording = FileStorage(io.BytesIO(WAV_BYTES), filename="our-idea.wav")
    answers.attach(
        actor, application, recording, kind=DocumentKind.RECORDING, answer_key="description"
    )
    values = rows(render(application))
    assert values["Description"].endswith("Recorded answer: our-idea.wav")


def test_an_empty_draft_says_what_is_not_answered(reference_data):
    draft = start_application()
    values = rows(render(draft))
    assert values["Project title"] == "Not answered"
    assert values["Neighbourhoods"] == "Not answered"
    assert values["Outcomes"] == "Not answered"
    assert values["Governing document"] == "Not answered"
    assert "Declared by" not in values
    assert "Questions from this round" not in render(draft).get_text()


def test_what_people_typed_is_escaped_exactly_once(application):
    actor = application.organisation.main_contact
    answers.save_project(
        actor,
        application,
        title="Fish & <chips>",
        summary='Tom\'s "best" club',
        description="Line one\n<script>alert(1)</script>",
    )
    with current_app.test_request_context():
        html = render_template_string(SUMMARY, application=application, options={})
    assert "Fish &amp; &lt;chips&gt;" in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html
    assert "<script>" not in html
    assert "Line one<br>&lt;script&gt;" in html


def test_paragraph_breaks_in_long_answers_are_kept(application):
    actor = application.organisation.main_contact
    answers.save_project(
        actor,
        application,
        title="Lunch club",
        summary="Lunches",
        description="First paragraph.\r\n\r\nSecond paragraph,\nsecond line.\n\n\nThird.",
    )
    description = render(application).find("dt", string=lambda t: "Description" in (t or ""))
    paragraphs = description.find_next_sibling("dd").find_all("p")
    assert [p.decode_contents() for p in paragraphs] == [
        "First paragraph.",
        "Second paragraph,<br/>second line.",
        "Third.",
    ]
