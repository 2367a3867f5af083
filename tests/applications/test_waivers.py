"""An officer entering an assisted application can waive a required document, with a reason."""

from __future__ import annotations

import pytest

from grants.applications import answers, sections, services, waivers
from grants.applications.models import SUPPORTING_DOCUMENTS, Application, DocumentKind
from grants.applications.states import ApplicationStatus as S
from grants.audit import AuditEvent
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.applications.factories import (
    assisted_application,
    complete,
    start_application,
)
from tests.checks import soup_of
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")
POLICY = DocumentKind.SAFEGUARDING_POLICY


@pytest.fixture
def officer():
    return make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")


@pytest.fixture
def assisted(officer):
    return assisted_application(officer)


def _complete_without_policy(application, officer):
    complete(application, actor=officer)
    policy = next(d for d in application.documents if d.kind == POLICY)
    answers.remove_document(officer, application, policy.id)
    return application


def test_a_waived_document_lets_an_assisted_application_be_sent(assisted, officer):
    application = _complete_without_policy(assisted, officer)
    assert [s.title for s in sections.incomplete(application)] == ["Supporting documents"]
    waivers.waive(officer, application, POLICY, "Meets by phone; no written policy yet")
    services.submit(officer, application, link_for=lambda a: "")
    assert application.status == S.SUBMITTED
    waiver = application.waiver_for(POLICY)
    assert (waiver.reason, waiver.waived_by_id) == (
        "Meets by phone; no written policy yet",
        officer.id,
    )
    event = db.session.query(AuditEvent).filter_by(action="application.document_waived").one()
    assert event.after == {"document": "safeguarding_policy", "reason": waiver.reason}


def test_a_reason_is_required(assisted, officer):
    with pytest.raises(DomainError, match="Enter why"):
        waivers.waive(officer, assisted, POLICY, "   ")


def test_a_group_applying_online_cannot_have_documents_waived(officer):
    online = start_application()
    with pytest.raises(NotAllowed):
        waivers.waive(officer, online, POLICY, "No policy")


def test_members_cannot_waive_their_own_documents(assisted, officer):
    member = assisted.organisation.main_contact
    with pytest.raises(NotAllowed):
        waivers.waive(member, assisted, POLICY, "We have none")
    db.session.add(Membership(organisation_id=assisted.organisation_id, user_id=officer.id))
    db.session.flush()
    with pytest.raises(NotAllowed):
        waivers.waive(officer, assisted, POLICY, "My own group has none")


def test_only_supporting_documents_can_be_waived(assisted, officer):
    with pytest.raises(DomainError, match="Only a required supporting document"):
        waivers.waive(officer, assisted, DocumentKind.PAPER_SCAN, "Not needed")


def test_a_waiver_can_be_withdrawn_and_is_audited(assisted, officer):
    waivers.waive(officer, assisted, POLICY, "No policy")
    waivers.withdraw_waiver(officer, assisted, POLICY)
    assert assisted.waiver_for(POLICY) is None
    assert (
        db.session.query(AuditEvent).filter_by(action="application.document_waiver_removed").one()
    )


def test_the_officer_waives_through_the_pages_and_the_summary_shows_it(client, assisted, officer):
    sign_in(client, officer)
    documents = soup_of(client.get(f"/applications/{assisted.id}/documents"))
    waive_link = documents.find("a", href=f"/applications/{assisted.id}/documents/{POLICY}/waive")
    assert waive_link is not None
    assert client.get(waive_link["href"]).status_code == 200
    response = client.post(waive_link["href"], data={"reason": "Meets by phone"})
    assert response.status_code == 302
    page = client.get(f"/applications/{assisted.id}/check").get_data(as_text=True)
    assert "Not needed: Meets by phone" in page and "Agreed by Olu Officer" in page


def test_members_see_no_waive_link_and_cannot_post_one(client, assisted):
    sign_in(client, assisted.organisation.main_contact)
    documents = client.get(f"/applications/{assisted.id}/documents").get_data(as_text=True)
    assert "/waive" not in documents
    response = client.post(
        f"/applications/{assisted.id}/documents/{POLICY}/waive", data={"reason": "None"}
    )
    assert response.status_code == 403
    assert db.session.get(Application, assisted.id).document_waivers == []


@pytest.mark.parametrize("kind", ["paper_scan", "nonsense", "99999999999999999999"])
def test_an_unknown_document_kind_is_not_found(client, assisted, officer, kind):
    sign_in(client, officer)
    assert client.get(f"/applications/{assisted.id}/documents/{kind}/waive").status_code == 404


def test_every_supporting_document_can_be_waived_once(assisted, officer):
    for kind in SUPPORTING_DOCUMENTS:
        waivers.waive(officer, assisted, kind, "None held")
        waivers.waive(officer, assisted, kind, "None held, checked by phone")
    assert len(assisted.document_waivers) == len(SUPPORTING_DOCUMENTS)
    assert assisted.waiver_for(DocumentKind.ACCOUNTS).reason == "None held, checked by phone"


@pytest.mark.parametrize("role", [None, Role.FINANCE_OFFICER, Role.ADMIN, Role.PANEL_MEMBER])
def test_only_programme_officers_reach_the_waiver_pages(client, assisted, role):
    sign_in(client, make_user(role))
    for method, path in [
        ("get", f"/applications/{assisted.id}/documents/{POLICY}/waive"),
        ("post", f"/applications/{assisted.id}/documents/{POLICY}/waive"),
        ("post", f"/applications/{assisted.id}/documents/{POLICY}/waiver/remove"),
    ]:
        assert getattr(client, method)(path).status_code == 403, (method, path)


def test_an_officer_cannot_waive_on_a_groups_own_online_application(client, officer):
    online = start_application()
    sign_in(client, officer)
    response = client.post(
        f"/applications/{online.id}/documents/{POLICY}/waive", data={"reason": "No policy"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/view")
    assert db.session.get(Application, online.id).document_waivers == []


def test_an_officer_who_left_the_group_after_it_applied_waives_nothing(client, officer, assisted):
    """Belonging to the group at any time since the application was made is enough to keep an
    officer from waiving its documents, on the page and in the service."""
    db.session.add(
        Membership(
            organisation_id=assisted.organisation_id,
            user_id=officer.id,
            joined_at=assisted.created_at,
            ended_at=utcnow(),
        )
    )
    db.session.flush()
    assert not waivers.may_waive(officer, assisted)
    with pytest.raises(NotAllowed, match="must waive documents for this application"):
        waivers.waive(officer, assisted, POLICY, "No written policy")
    sign_in(client, officer)
    path = f"/applications/{assisted.id}/documents/{POLICY.value}/waive"
    for response in (client.get(path), client.post(path, data={"reason": "No policy"})):
        assert response.status_code == 403
        assert "You belong to" in response.get_data(as_text=True)
    removed = client.post(f"/applications/{assisted.id}/documents/{POLICY.value}/waiver/remove")
    assert removed.status_code == 403
    db.session.expire_all()
    assert assisted.waiver_for(POLICY) is None
