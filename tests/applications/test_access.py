"""Nobody sees another group's applications or files unless they are staff: every URL, every role."""

from __future__ import annotations

import pytest

from grants import transaction
from grants.applications import services
from grants.applications.models import Application
from grants.extensions import db
from grants.permissions import Role
from tests.applications.factories import complete, start_application
from tests.factories import make_group, make_user, sign_in
from tests.test_permissions import APPLICATION_ENDPOINTS

pytestmark = pytest.mark.usefixtures("reference_data")

# Pages of one application, as (endpoint, path, method). Paths use the draft's ids.
PAGES = [
    ("applications.task_list", "/applications/{a}", "GET"),
    ("applications.show", "/applications/{a}/view", "GET"),
    ("applications.check", "/applications/{a}/check", "GET"),
    ("applications.confirmation", "/applications/{a}/confirmation", "GET"),
    ("applications.delete", "/applications/{a}/delete", "GET"),
    ("applications.withdraw", "/applications/{a}/withdraw", "GET"),
    ("applications.download", "/applications/{a}/files/{d}", "GET"),
    *[
        (f"applications.{section}", f"/applications/{{a}}/{section}", "GET")
        for section in [
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
    ],
    ("applications.remove_outcome", "/applications/{a}/outcomes/{o}/remove", "POST"),
    ("applications.remove_budget_line", "/applications/{a}/budget/{b}/remove", "POST"),
    ("applications.remove_document", "/applications/{a}/files/{d}/remove", "POST"),
    ("pdfs.application_pdf", "/applications/{a}/application.pdf", "GET"),
]


def test_the_pages_listed_here_are_every_application_page():
    assert {endpoint for endpoint, _, _ in PAGES} | {"applications.start"} == APPLICATION_ENDPOINTS


@pytest.fixture
def draft():
    owner = make_user(email="owner@example.org")
    application = complete(start_application(organisation=make_group(owner), applicant=owner))
    ids = {
        "a": application.id,
        "d": application.documents[0].id,
        "o": application.outcomes[0].id,
        "b": application.budget_lines[0].id,
    }
    return owner, ids


def _request(client, method, path):
    return client.get(path) if method == "GET" else client.post(path, data={})


@pytest.mark.parametrize(("endpoint", "path", "method"), PAGES, ids=[p[0] for p in PAGES])
def test_another_groups_member_gets_404_everywhere(app, draft, endpoint, path, method):
    _, ids = draft
    outsider = make_user(email="applicant2@example.org")
    make_group(outsider, name="Another group")
    client = app.test_client()
    sign_in(client, outsider)
    assert _request(client, method, path.format(**ids)).status_code == 404


@pytest.mark.parametrize(("endpoint", "path", "method"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_people_are_sent_to_sign_in(app, draft, endpoint, path, method):
    _, ids = draft
    response = _request(app.test_client(), method, path.format(**ids))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER])
def test_panel_members_cannot_open_applications_outside_a_panel(app, draft, role):
    _, ids = draft
    client = app.test_client()
    sign_in(client, make_user(role))
    assert client.get(f"/applications/{ids['a']}/view").status_code == 404


@pytest.mark.parametrize("role", [Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN])
def test_staff_can_read_but_not_change_a_groups_sent_application(app, draft, role):
    owner, ids = draft
    _send(owner, ids)
    client = app.test_client()
    sign_in(client, make_user(role))
    assert client.get(f"/applications/{ids['a']}/view").status_code == 200
    with client.get(f"/applications/{ids['a']}/files/{ids['d']}") as download:
        assert download.status_code == 200
    response = client.get(f"/applications/{ids['a']}/project")
    assert response.status_code == 302 and response.headers["Location"].endswith("/view")


def test_programme_officers_can_read_but_not_change_a_groups_own_draft(app, draft):
    _, ids = draft
    client = app.test_client()
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    assert client.get(f"/applications/{ids['a']}/view").status_code == 200
    response = client.get(f"/applications/{ids['a']}/project")
    assert response.status_code == 302 and response.headers["Location"].endswith("/view")


def _send(owner, ids) -> None:
    application = db.session.get(Application, ids["a"])
    services.submit(owner, application, link_for=lambda a: "/")
    transaction.commit()


# Who sees what: one answer for the page, the PDF and every file (grants.applications.access).
PEOPLE = {
    "member": None,
    "programme officer": Role.PROGRAMME_OFFICER,
    "finance officer": Role.FINANCE_OFFICER,
    "admin": Role.ADMIN,
    "panel member": Role.PANEL_MEMBER,
    "another group's member": None,
}
SEES = {
    "draft": {"member", "programme officer"},
    "sent": {"member", "programme officer", "finance officer", "admin"},
}


@pytest.mark.parametrize("stage", ["draft", "sent"])
@pytest.mark.parametrize("person", list(PEOPLE))
def test_page_pdf_and_every_download_give_the_same_answer(app, draft, stage, person):
    owner, ids = draft
    if stage == "sent":
        _send(owner, ids)
    if person == "member":
        user = owner
    else:
        user = make_user(PEOPLE[person])
        if person == "another group's member":
            make_group(user, name="Another group")
    client = app.test_client()
    sign_in(client, user)
    application = db.session.get(Application, ids["a"])
    paths = [
        f"/applications/{application.id}/view",
        f"/applications/{application.id}/application.pdf",
        *(f"/applications/{application.id}/files/{d.id}" for d in application.documents),
    ]
    assert len(paths) >= 5  # the page, the PDF and at least three files
    expected = 200 if person in SEES[stage] else 404
    for path in paths:
        with client.get(path) as response:
            assert response.status_code == expected, path


def test_members_download_files_as_attachments_never_inline(app, draft):
    owner, ids = draft
    client = app.test_client()
    sign_in(client, owner)
    with client.get(f"/applications/{ids['a']}/files/{ids['d']}") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data.startswith(b"%PDF")
