"""Every endpoint declares its access, and each role gets exactly the pages it should."""

from __future__ import annotations

import pytest

from grants.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    access_of,
    public,
    requires,
)
from tests.factories import make_group, make_user, sign_in
from tests.funds.factories import make_criterion, make_question, make_round

ANONYMOUS = "anonymous"
ALL_ROLES = [ANONYMOUS, *Role]
SIGNED_IN = set(Role)
APPLICANT = {Role.APPLICANT}
ADMIN = {Role.ADMIN}
STAFF = {Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN}
OFFICER = {Role.PROGRAMME_OFFICER}

# endpoint -> (path template, roles that get 200). Anonymous people get 200 only on public pages;
# signed-in roles not listed get 403. Object pages use a group the applicant belongs to.
MATRIX = {
    "pages.home": ("/", "public"),
    "pages.accessibility": ("/accessibility", "public"),
    "pages.privacy": ("/privacy", "public"),
    "pages.healthz": ("/healthz", "public"),
    "accounts.register": ("/register", "public"),
    "accounts.sign_in": ("/sign-in", "public"),
    "accounts.forgotten_password": ("/password-reset", "public"),
    "accounts.account": ("/account", SIGNED_IN),
    "organisations.index": ("/groups/", SIGNED_IN),
    "organisations.create": ("/groups/new", APPLICANT),
    "organisations.show": ("/groups/{group}", APPLICANT | STAFF | {Role.PANEL_MEMBER}),
    "organisations.edit": ("/groups/{group}/edit", APPLICANT),
    "organisations.invite": ("/groups/{group}/invite", APPLICANT | OFFICER | {Role.PANEL_MEMBER}),
    "organisations.create_offline": ("/groups/new-for-someone", OFFICER),
    "reference.neighbourhoods": ("/admin/neighbourhoods", ADMIN),
    "reference.principles": ("/admin/principles", ADMIN),
    "reference.edit_principle": ("/admin/principles/new", ADMIN),
    "admin.users": ("/admin/users", ADMIN),
    "admin.invite": ("/admin/users/invite", ADMIN),
    "admin.change_role": ("/admin/users/{user}/role", ADMIN),
    "admin.audit_log": ("/admin/audit", ADMIN),
    "applications.index": ("/applications/", APPLICANT),
    "funds.index": ("/funds/", OFFICER),
    "funds.edit_fund": ("/funds/{fund}/edit", OFFICER),
    "funds.show": ("/funds/{fund}", OFFICER),
    "funds.create_round": ("/funds/{fund}/rounds/new", OFFICER),
    "funds.show_round": ("/funds/rounds/{round}", OFFICER),
    "funds.edit_round": ("/funds/rounds/{round}/edit", OFFICER),
    "funds.preview_round": ("/funds/rounds/{round}/preview", OFFICER),
    "round_setup.criteria_list": ("/funds/rounds/{round}/criteria", OFFICER),
    "round_setup.criterion": ("/funds/rounds/{round}/criteria/{criterion}", OFFICER),
    "round_setup.remove_criterion": ("/funds/rounds/{round}/criteria/{criterion}/remove", OFFICER),
    "round_setup.questions_list": ("/funds/rounds/{round}/questions", OFFICER),
    "round_setup.question": ("/funds/rounds/{round}/questions/{question}", OFFICER),
    "round_setup.remove_question": ("/funds/rounds/{round}/questions/{question}/remove", OFFICER),
    "rounds.show": ("/rounds/{slug}", "public"),
    "rounds.check": ("/rounds/{slug}/check/group-type", "public"),
    "pdfs.blank_form": ("/rounds/{slug}/application-form.pdf", "public"),
    "screening.queue": ("/screening/", OFFICER),
    "screening.export": ("/screening/export.csv", OFFICER),
    "screening.assisted": ("/screening/assisted", OFFICER),
    "screening.start_assisted": ("/screening/assisted/new", OFFICER),
}
# Allowed by the declaration but refused by the object check, which hides the object itself.
HIDDEN = {("organisations.show", Role.PANEL_MEMBER), ("organisations.invite", Role.PANEL_MEMBER)}
# Endpoints reached only through an emailed link, or only by POST, tested in their own modules.
NOT_IN_MATRIX = {
    "static",
    "accounts.sign_out",
    "accounts.reset_password",
    "accounts.accept_invitation",
    "organisations.accept",
    "reference.edit_neighbourhood",
    "round_setup.move_criterion",
    "round_setup.move_question",
    "rounds.check_result",
}
# Pages of one application for officers; tests/applications/test_screening_*.py check each role.
SCREENING_ENDPOINTS = {
    "screening.show",
    "screening.add_note",
    "screening.check",
    "screening.extend",
}
# Every page of one application; tests/applications/test_access.py checks each for every role.
APPLICATION_ENDPOINTS = {
    f"applications.{name}"
    for name in [
        "start",
        "task_list",
        "show",
        "check",
        "confirmation",
        "delete",
        "withdraw",
        "download",
        "group",
        "project",
        "where",
        "principles",
        "beneficiaries",
        "outcomes",
        "remove_outcome",
        "budget",
        "remove_budget_line",
        "timeline",
        "questions",
        "documents",
        "remove_document",
        "declaration",
    ]
} | {"pdfs.application_pdf"}


def test_every_endpoint_declares_its_access(app):
    undeclared = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if access_of(app.view_functions[rule.endpoint]) is None
    )
    assert undeclared == [], f"endpoints without @public, @signed_in or @requires: {undeclared}"


def test_every_endpoint_is_in_the_matrix_or_tested_elsewhere(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(MATRIX) | NOT_IN_MATRIX | APPLICATION_ENDPOINTS | SCREENING_ENDPOINTS


def test_an_undeclared_endpoint_is_refused(make_app):
    app = make_app()
    app.add_url_rule("/undeclared-for-test", "undeclared_for_test", lambda: "secret")
    with app.app_context():
        assert app.test_client().get("/undeclared-for-test").status_code == 403


def test_declarations_are_closed_and_single():
    with pytest.raises(TypeError):
        requires("apply")  # a typo'd string is not a Permission
    with pytest.raises(TypeError):
        public(public(lambda: None))


def test_every_role_has_a_permission_set():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert all(isinstance(p, Permission) for perms in ROLE_PERMISSIONS.values() for p in perms)


@pytest.fixture
def people():
    users = {role: make_user(role) for role in Role}
    group = make_group(users[Role.APPLICANT])
    round_ = make_round(slug="matrix-round")
    ids = {
        "group": group.id,
        "user": users[Role.APPLICANT].id,
        "fund": round_.fund_id,
        "round": round_.id,
        "slug": round_.slug,
        "criterion": make_criterion(round_).id,
        "question": make_question(round_).id,
    }
    return users, ids


def _expected(allowed, who) -> int:
    if allowed == "public":
        return 200
    if who == ANONYMOUS:
        return 302
    return 200 if who in allowed else 403


@pytest.mark.parametrize("who", ALL_ROLES, ids=str)
def test_role_endpoint_matrix(app, people, who):
    users, ids = people
    client = app.test_client()
    if who != ANONYMOUS:
        sign_in(client, users[who])
    outcomes = {}
    for endpoint, (path, allowed) in MATRIX.items():
        response = client.get(path.format(**ids))
        expected = _expected(allowed, who)
        if (endpoint, who) in HIDDEN:
            expected = 404
        outcomes[endpoint] = (response.status_code, expected)
        if response.status_code == 302:
            assert "/sign-in" in response.headers["Location"]
    wrong = {e: got for e, got in outcomes.items() if got[0] != got[1]}
    assert wrong == {}, f"(got, expected) for {who}: {wrong}"
