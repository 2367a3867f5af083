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
STORY = (
    "Brenda Hartley founded the hartley trust in 2019; Ms Hartley still runs it with "
    "Brenda Hartley's son."
)


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
        "[name removed] founded the [group name] in 2019; [name removed] still runs it with "
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
        scores(setting, 2, 2, comments={0: "Brenda Hartley clearly knows her stuff"}),
    )
    setting.panel.scoring_closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    sign_in(client, setting.member)
    response = client.get(f"/scoring/{setting.application.id}/scores")
    assert response.status_code == 200
    assert_blind(soup_of(response).get_text())


# What is redacted, and what is not: whole names however they are typed, never ordinary words.


def _view_with(*, group=GROUP, people=(), contact_name=None, contact_email=None):
    from grants.organisations.models import Membership
    from tests.factories import make_user

    setting = blind_setting()
    organisation = setting.application.organisation
    organisation.name = group
    organisation.contact_name = contact_name
    organisation.contact_email = contact_email
    for name in people:
        db.session.add(Membership(organisation_id=organisation.id, user_id=make_user(name=name).id))
    db.session.flush()
    return blind.member_view(setting.application)


ORDINARY = (
    "Young people and their group meet in the village hall by the green; the community "
    "contact is the church."
)


def test_ordinary_words_that_are_also_names_stay():
    view = _view_with(people=["Sam Young", "Pat Hall", "Jo Green"], contact_name="Group Contact 1")
    assert view.text(ORDINARY) == ORDINARY
    assert view.text("Hall, Young and Green") == "Hall, Young and Green"


def test_whole_names_and_titled_surnames_go():
    view = _view_with(people=["Sam Young", "Pat Hall"], contact_name="Group Contact 1")
    assert view.text("Sam Young and Mr Hall asked Group Contact 1") == (
        "[name removed] and [name removed] asked [name removed]"
    )
    assert view.text("SAM\u00a0YOUNG, Dr. Hall") == "[name removed], [name removed]"


@pytest.mark.parametrize(
    "written",
    [
        "Hartley\u2019s Community Trust",
        "Hartley\u2018s Community Trust",
        "Hartley's\u00a0Community Trust",
        "Hartley's  Community   Trust",
        "HARTLEY'S COMMUNITY TRUST",
        "\uff28artley's Community Trust",  # a full-width H
    ],
)
def test_the_group_name_goes_however_it_is_typed(written):
    view = _view_with(group="Hartley's Community Trust")
    assert view.text(f"We are {written}, since 2019.") == "We are [group name], since 2019."


def test_a_one_word_group_name_that_is_an_ordinary_word_stays():
    view = _view_with(group="Community")
    assert view.text("A community cafe") == "A community cafe"


def test_the_groups_website_and_email_domain_go():
    view = _view_with(contact_email="hello@hartley-charity.org.uk")
    text = (
        "See https://www.hartley-charity.org.uk/about, hartleytrust.org.uk or write to "
        "info@hartley-charity.org.uk."
    )
    assert view.text(text) == (
        "See [web address removed], [web address removed] or write to [web address removed]."
    )


def test_a_public_email_provider_is_not_the_groups_domain():
    view = _view_with(contact_email="hartley.trust.wigan@gmail.com")
    text = "Book at gmail.com or www.wigan.gov.uk"
    assert view.text(text) == text
