"""Applications officers enter for groups who applied by phone, on paper, in person or with help."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from grants.applications import services
from grants.applications.models import Application, Channel, DocumentKind
from grants.audit import AuditEvent
from grants.clock import utcnow
from grants.extensions import db
from grants.permissions import Role
from tests.applications.factories import (
    PDF_BYTES,
    assisted_application,
    complete,
    open_round,
    start_application,
)
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in


@pytest.fixture
def officer(client):
    user = make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")
    sign_in(client, user)
    return user


@pytest.fixture
def group():
    return make_group(make_user(name="Grace Member"), name="Ince Pensioners Club")


def start(client, round_, group, *, channel="paper", scan=None):
    data = {"round": str(round_.id), "organisation": str(group.id), "channel": channel}
    if scan is not None:
        data["scan"] = scan
    return client.post("/screening/assisted/new", data=data, content_type="multipart/form-data")


def stored_files() -> set[str]:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_the_start_page_offers_open_and_closed_rounds_every_group_and_no_online_channel(
    client, officer, group
):
    open_ = open_round(title="Summer grants")
    closed = open_round(title="Spring grants")
    closed.opens_at, closed.closes_at = utcnow() - timedelta(days=60), utcnow() - timedelta(days=2)
    open_round(title="Autumn grants", opens_at=utcnow() + timedelta(days=5))
    db.session.commit()
    soup = soup_of(client.get("/screening/assisted/new"))
    rounds = [o.get_text(strip=True) for o in soup.select("select[name=round] option")]
    assert rounds[0] == "Select a round"
    assert rounds[1] == open_.title
    assert rounds[2].startswith("Spring grants (closed ") and rounds[2].endswith(
        "needs an extension)"
    )
    assert len(rounds) == 3  # the upcoming round is not offered
    groups = [o.get_text(strip=True) for o in soup.select("select[name=organisation] option")]
    assert "Ince Pensioners Club (WN5 8AB)" in groups
    channels = [i["value"] for i in soup.select("input[name=channel]")]
    assert channels == ["phone", "paper", "in_person", "video_call", "interpreter"]
    assert soup.select_one("main form")["enctype"] == "multipart/form-data"


def test_an_officer_starts_an_application_with_a_scan_and_it_is_marked_assisted(
    client, officer, group
):
    round_ = open_round()
    scan = (io.BytesIO(PDF_BYTES), "paper form.pdf")
    response = start(client, round_, group, channel="paper", scan=scan)
    application = db.session.scalar(select(Application))
    assert response.status_code == 302
    assert response.location == f"/applications/{application.id}"
    assert application.entered_by_id == officer.id and application.is_assisted
    assert application.channel == Channel.PAPER
    assert application.organisation_id == group.id
    [document] = application.documents
    assert document.kind == DocumentKind.PAPER_SCAN and document.original_name == "paper form.pdf"
    actors = {
        e.action: e.actor_id
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "Application")
        )
    }
    assert actors["application.started"] == officer.id
    assert actors["application.document_saved"] == officer.id
    assert stored_files() >= {document.stored_name}


def test_the_officer_can_go_on_to_enter_the_answers(client, officer, group):
    start(client, open_round(), group, channel="phone")
    application = db.session.scalar(select(Application))
    assert client.get(f"/applications/{application.id}").status_code == 200


def test_a_scan_that_is_not_a_document_is_refused_and_nothing_is_created(client, officer, group):
    round_ = open_round()
    before = stored_files()
    response = start(
        client,
        round_,
        group,
        channel="in_person",
        scan=(io.BytesIO(b"MZ\x90\x00" * 64), "form.pdf"),
    )
    assert response.status_code == 200
    [message] = error_messages(response)
    assert message.startswith("The selected file must be a ") and "PDF" in message
    assert soup_of(response).select_one(".govuk-error-summary a")["href"] == "#scan"
    soup = soup_of(response)
    assert soup.select_one("select[name=round] option[selected]")["value"] == str(round_.id)
    assert soup.select_one("select[name=organisation] option[selected]")["value"] == str(group.id)
    assert soup.find("input", attrs={"name": "channel", "checked": True})["value"] == "in_person"
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert stored_files() == before


def test_an_empty_scan_input_starts_without_a_document(client, officer, group):
    response = start(client, open_round(), group, scan=(io.BytesIO(b""), ""))
    assert response.status_code == 302
    assert db.session.scalar(select(Application)).documents == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("channel", "online", "Select how the application reached you"),
        ("channel", "", "Select how the application reached you"),
        ("round", "", "Select the round the group is applying to"),
        ("round", "99999", "Select the round the group is applying to"),
        ("organisation", "abc", "Select the group"),
    ],
)
def test_missing_or_crafted_choices_are_form_errors(client, officer, group, field, value, message):
    data = {"round": str(open_round().id), "organisation": str(group.id), "channel": "phone"}
    data[field] = value
    response = client.post("/screening/assisted/new", data=data)
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_an_upcoming_round_cannot_be_chosen(client, officer, group):
    upcoming = open_round(opens_at=utcnow() + timedelta(days=5))
    response = start(client, upcoming, group)
    assert error_messages(response) == ["Select the round the group is applying to"]


def test_a_paper_form_for_a_closed_round_goes_to_the_extension(client, officer, group):
    closed = open_round()
    closed.opens_at, closed.closes_at = utcnow() - timedelta(days=60), utcnow() - timedelta(days=2)
    db.session.commit()
    response = start(client, closed, group)
    application = db.session.scalar(select(Application))
    assert response.location == f"/screening/{application.id}#extension"
    page = client.get(response.location)
    text = page.get_data(as_text=True)
    assert "The round has closed: another programme officer must give it more time" in text
    # The officer who typed it in does not extend it: a colleague checks it arrived in time.
    assert (
        "another programme officer must give it more time"
        in soup_of(page)
        .find(id="extension")
        .find_next("div", class_="govuk-warning-text")
        .get_text()
    )
    assert not soup_of(page).select("form[action$='/extension']")


def test_the_assisted_list_shows_officers_drafts_and_overdue_drafts_only(
    client, officer, reference_data
):
    mine = assisted_application(officer, channel=Channel.INTERPRETER)
    open_draft = start_application()
    overdue = start_application()
    overdue.round.opens_at = utcnow() - timedelta(days=60)
    overdue.round.closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    soup = soup_of(client.get("/screening/assisted"))
    links = {a["href"] for a in soup.select("tbody a")}
    assert links == {f"/screening/{mine.id}", f"/screening/{overdue.id}"}
    assert f"/screening/{open_draft.id}" not in links
    text = soup.get_text(" ", strip=True)
    assert "BSL or other interpreter" in text and "Entered by Olu Officer" in text
    assert "Started by the group" in text


def test_a_sent_assisted_application_says_who_entered_it_and_how(client, officer, reference_data):
    application = complete(assisted_application(officer, channel=Channel.PAPER))
    services.submit(officer, application, link_for=lambda a: "/")
    soup = soup_of(client.get(f"/screening/{application.id}"))
    inset = soup.select_one(".govuk-inset-text").get_text(strip=True)
    assert inset == "Assisted: entered by Olu Officer from a paper form"
    sent = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.submitted"))
    assert sent.actor_id == officer.id
