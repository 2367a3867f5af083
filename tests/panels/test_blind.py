"""Blind rounds: the group's name and its people's names are hidden from members on every surface
(pages, document names, the scoring pack, emails, lists), by the one rule in grants.panels.blind."""

from __future__ import annotations

import pytest

from grants import transaction
from grants.applications.models import Document, DocumentKind
from grants.extensions import db
from grants.panels import blind, pack, scoring
from tests.checks import soup_of
from tests.factories import sign_in
from tests.panels.member_setup import assigned, scores

pytestmark = pytest.mark.usefixtures("reference_data")

GROUP = "Hartley Trust"
PERSON = "Brenda Hartley"
STORY = "Brenda founded the hartley trust in 2019; Ms Hartley still runs it with Brenda's son."


def blind_setting(*, blind_round=True, **kwargs):
    setting = assigned(blind=blind_round, group_name=GROUP, **kwargs)
    application = setting.application
    application.description = STORY
    application.title = "Hartley Trust summer club"
    db.session.add(
        Document(
            application_id=application.id,
            kind=DocumentKind.GOVERNING_DOCUMENT,
            original_name="Hartley Trust constitution.pdf",
            stored_name="ab" * 16,
            content_type="application/pdf",
            size_bytes=10,
            uploaded_by_id=application.created_by_id,
        )
    )
    db.session.flush()
    db.session.refresh(application)
    return setting


def mine(application) -> Document:
    return next(d for d in application.documents if d.original_name.startswith("Hartley"))


def assert_blind(text: str) -> None:
    lowered = text.lower()
    assert "hartley" not in lowered and "brenda" not in lowered, text


def test_redaction_removes_group_and_people_names_in_any_case():
    setting = blind_setting()
    view = blind.member_view(setting.application)
    assert view.text(STORY) == (
        "[name removed] founded the [group name] in 2019; Ms [name removed] still runs it with "
        "[name removed]'s son."
    )
    assert view.group_name == f"Applicant {setting.application.reference}"
    assert view.title == "[group name] summer club"


def test_an_open_round_shows_everything():
    setting = blind_setting(blind_round=False)
    view = blind.member_view(setting.application)
    assert view.text(STORY) == STORY and view.group_name == GROUP
    ours = mine(setting.application)
    assert view.document_name(ours) == "Hartley Trust constitution.pdf"


def test_the_declaration_page_shows_nothing_identifying(client):
    setting = blind_setting(declared=False)
    sign_in(client, setting.member)
    page = client.get(f"/scoring/{setting.application.id}/declare").get_data(as_text=True)
    assert_blind(page)
    assert "summer club" not in page


def test_the_list_and_home_pages_are_blind(client):
    setting = blind_setting()
    sign_in(client, setting.member)
    assert_blind(soup_of(client.get("/scoring/")).get_text())
    assert_blind(soup_of(client.get("/home")).get_text())


def test_the_application_page_is_blind(client):
    setting = blind_setting()
    sign_in(client, setting.member)
    page = soup_of(client.get(f"/scoring/{setting.application.id}"))
    assert_blind(page.get_text())
    assert blind.member_view(setting.application).document_name(mine(setting.application)) in (
        page.get_text()
    )


def test_a_document_downloads_under_a_neutral_name(client, app):
    from pathlib import Path

    setting = blind_setting()
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("ab" * 16)).write_bytes(b"%PDF-1.4")
    document = mine(setting.application)
    sign_in(client, setting.member)
    response = client.get(f"/scoring/{setting.application.id}/documents/{document.id}")
    response.close()
    disposition = response.headers["Content-Disposition"]
    assert 'filename="Governing document' in disposition
    assert_blind(disposition)


def test_the_scoring_pack_is_blind(app):
    setting = blind_setting()
    with app.test_request_context():
        html = pack.scoring_pack_html(setting.member)
    assert_blind(html)
    assert "summer club" in html and "Governing document" in html


def test_the_scoring_pack_shows_no_detail_before_a_declaration(app):
    setting = blind_setting(blind_round=False, declared=False)
    with app.test_request_context():
        html = pack.scoring_pack_html(setting.member)
    assert "summer club" not in html and GROUP in html  # open round: the group, to judge conflicts


def test_the_scoring_pack_pdf_is_served(client):
    setting = blind_setting()
    sign_in(client, setting.member)
    response = client.get("/scoring/pack.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_the_reopening_email_is_blind(outbox):
    setting = blind_setting()
    sheet = scoring.submit(
        setting.member, setting.member, setting.application, scores(setting, 2, 2)
    )
    scoring.reopen(setting.officer, sheet, "Brenda Hartley phoned about it")
    transaction.commit()
    assert_blind(outbox[-1].body + outbox[-1].subject)


def test_the_panel_scores_page_is_blind(client):
    from datetime import timedelta

    from grants.clock import utcnow

    setting = blind_setting()
    scoring.submit(
        setting.member,
        setting.member,
        setting.application,
        scores(setting, 2, 2, comments={0: "Brenda clearly knows her stuff"}),
    )
    setting.panel.scoring_closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    sign_in(client, setting.member)
    response = client.get(f"/scoring/{setting.application.id}/scores")
    assert response.status_code == 200
    assert_blind(soup_of(response).get_text())
