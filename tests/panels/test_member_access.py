"""Who may open an application on the panel: assigned, not declined, no conflict (or waived), in
the round's own panel, never their own group's. Refused with 403 on the application, its scores
and its documents."""

from __future__ import annotations

import secrets

import pytest

from grants import transaction
from grants.applications.models import Document, DocumentKind
from grants.errors import NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from grants.panels import access, declarations, services
from grants.panels.models import AssignmentStatus
from tests.factories import make_user, sign_in
from tests.panels.factories import eligible_application, make_panel, panel_member, scoring_round
from tests.panels.member_setup import assign, assigned

pytestmark = pytest.mark.usefixtures("reference_data")


def add_document(application, uploads_dir, name="Hartley Trust constitution.pdf"):
    uploads_dir.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(8)
    (uploads_dir / stored_name).write_bytes(b"%PDF-1.4 test")
    document = Document(
        application_id=application.id,
        kind=DocumentKind.GOVERNING_DOCUMENT,
        original_name=name,
        stored_name=stored_name,
        content_type="application/pdf",
        size_bytes=12,
        uploaded_by_id=application.created_by_id,
    )
    db.session.add(document)
    db.session.flush()
    db.session.refresh(application)
    return document


def member_urls(application, document=None):
    urls = [f"/scoring/{application.id}", f"/scoring/{application.id}/scores"]
    if document is not None:
        urls.append(f"/scoring/{application.id}/documents/{document.id}")
    return urls


def test_a_member_who_declared_no_conflict_may_open_it():
    setting = assigned()
    assert access.open_refusal(setting.member, setting.application) is None


def test_an_unassigned_member_is_refused_everywhere(client, app):
    setting = assigned()
    stranger = panel_member()
    document = add_document(setting.application, _uploads(app))
    sign_in(client, stranger)
    assert client.get(f"/scoring/{setting.application.id}/declare").status_code == 403
    for url in member_urls(setting.application, document):
        assert client.get(url).status_code == 403, url


def test_a_conflicted_member_is_refused_on_the_application_its_scores_and_documents(client, app):
    setting = assigned(declared=False)
    declarations.declare(setting.member, setting.application, "financial", "My sister is treasurer")
    document = add_document(setting.application, _uploads(app))
    sign_in(client, setting.member)
    for url in member_urls(setting.application, document):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "conflict of interest" in response.get_data(as_text=True)
    assert client.post(f"/scoring/{setting.application.id}", data={}).status_code == 403


def test_a_member_who_has_not_declared_is_asked_first_and_sees_nothing_else(client, app):
    setting = assigned(declared=False)
    document = add_document(setting.application, _uploads(app))
    sign_in(client, setting.member)
    response = client.get(f"/scoring/{setting.application.id}")
    assert response.status_code == 302 and response.location.endswith("/declare")
    assert (
        client.get(f"/scoring/{setting.application.id}/documents/{document.id}").status_code == 403
    )
    page = client.get(f"/scoring/{setting.application.id}/declare").get_data(as_text=True)
    assert setting.application.title not in page
    assert "Do you have a conflict of interest?" in page


def test_a_declined_assignment_cannot_be_opened():
    setting = assigned()
    assignment = access.assignment_of(setting.member, setting.application)
    services.decline_assignment(setting.member, assignment, "Away that month")
    with pytest.raises(NotAllowed):
        access.check_may_open(setting.member, setting.application)


def test_an_assignment_from_another_rounds_panel_opens_nothing():
    setting = assigned()
    other_round = scoring_round(slug="another-round")
    other_panel = make_panel(other_round, [setting.member])
    other = eligible_application(setting.round)
    assign(other_panel, other, setting.member)
    assert access.declare_refusal(setting.member, other) == access.NOT_ASSIGNED


def test_a_member_of_the_group_is_refused_even_if_assigned():
    setting = assigned()
    db.session.add(
        Membership(organisation_id=setting.application.organisation_id, user_id=setting.member.id)
    )
    db.session.flush()
    assert access.open_refusal(setting.member, setting.application) == access.OWN_GROUP


def test_a_waived_interest_opens_the_application(client):
    setting = assigned(declared=False)
    declaration = declarations.declare(
        setting.member, setting.application, "other", "Went to their summer fair once"
    )
    assert access.open_refusal(setting.member, setting.application) == access.CONFLICTED
    declarations.waive(setting.officer, declaration, "Attending a public event is not a conflict")
    assert access.open_refusal(setting.member, setting.application) is None
    sign_in(client, setting.member)
    assert client.get(f"/scoring/{setting.application.id}").status_code == 200


def test_an_applicant_cannot_reach_member_pages(client):
    setting = assigned()
    sign_in(client, setting.application.created_by)
    assert client.get("/scoring/").status_code == 403
    assert client.get(f"/scoring/{setting.application.id}").status_code == 403


def test_a_document_is_served_to_an_assigned_member(client, app):
    setting = assigned()
    document = add_document(setting.application, _uploads(app))
    sign_in(client, setting.member)
    response = client.get(f"/scoring/{setting.application.id}/documents/{document.id}")
    response.close()
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]


def test_another_applications_document_id_is_not_served(client, app):
    setting = assigned()
    other = eligible_application(setting.round)
    document = add_document(other, _uploads(app))
    sign_in(client, setting.member)
    assert (
        client.get(f"/scoring/{setting.application.id}/documents/{document.id}").status_code == 404
    )


def test_the_assignment_status_is_what_counts():
    setting = assigned()
    assert (
        access.assignment_of(setting.member, setting.application).status
        == AssignmentStatus.ASSIGNED
    )
    transaction.commit()


def _uploads(app):
    from pathlib import Path

    return Path(app.config["UPLOAD_FOLDER"])


def test_a_staff_member_without_the_panel_role_is_refused(client):
    setting = assigned()
    sign_in(client, make_user())
    assert client.get(f"/scoring/{setting.application.id}").status_code == 403
