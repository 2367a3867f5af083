"""Every endpoint declares its access, and each role gets exactly the pages it should."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from grants.accounts.models import AnonymousUser
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import (
    ROLE_PERMISSIONS,
    SIGNED_IN_PERMISSIONS,
    Permission,
    Role,
    access_of,
    public,
    requires,
)
from tests.factories import make_group, make_user, sign_in
from tests.funds.factories import make_criterion, make_question, make_round

# The people the matrix signs in as: (roles, member of the test group?). A person's
# "capabilities" are their roles, plus MEMBER when they belong to the group.
MEMBER = "member of the group"
ANONYMOUS = "anonymous"
PEOPLE = {
    ANONYMOUS: None,
    "no_roles_group_member": (set(), True),
    **{role.value: ({role}, False) for role in Role},
    "officer_and_admin": ({Role.PROGRAMME_OFFICER, Role.ADMIN}, False),
    "panel_member_in_group": ({Role.PANEL_MEMBER}, True),
}
SIGNED_IN = "signed in"  # everyone signed in, whatever their roles
ADMIN = {Role.ADMIN}
STAFF = {Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER, Role.ADMIN}
OFFICER = {Role.PROGRAMME_OFFICER}
SEES_GROUP = STAFF | {MEMBER}

# endpoint -> (path template, who gets 200[, who may know the object exists]). Anonymous people
# get 200 only on public pages; signed-in people not allowed get 403, or 404 when the object is
# hidden from them. Object pages use the test group.
MATRIX = {
    "pages.home": ("/", "public"),
    "pages.accessibility": ("/accessibility", "public"),
    "pages.privacy": ("/privacy", "public"),
    "pages.healthz": ("/healthz", "public"),
    "pages.your_home": ("/home", SIGNED_IN),
    "accounts.register": ("/register", "public"),
    "accounts.sign_in": ("/sign-in", "public"),
    "accounts.forgotten_password": ("/password-reset", "public"),
    "accounts.account": ("/account", SIGNED_IN),
    "organisations.index": ("/groups/", SIGNED_IN),
    "organisations.create": ("/groups/new", SIGNED_IN),
    "organisations.show": ("/groups/{group}", SIGNED_IN, SEES_GROUP),
    "organisations.edit": ("/groups/{group}/edit", {MEMBER}, SEES_GROUP),
    "organisations.invite": ("/groups/{group}/invite", {MEMBER}, SEES_GROUP),
    "organisations.remove_member": (
        "/groups/{group}/members/{membership}/remove",
        {MEMBER},
        SEES_GROUP,
    ),
    "organisations.create_offline": ("/groups/new-for-someone", OFFICER),
    "organisations.handovers": ("/groups/handovers", OFFICER),
    "reference.neighbourhoods": ("/admin/neighbourhoods", ADMIN),
    "reference.principles": ("/admin/principles", ADMIN),
    "reference.edit_principle": ("/admin/principles/new", ADMIN),
    "admin.users": ("/admin/users", ADMIN),
    "admin.invite": ("/admin/users/invite", ADMIN),
    "admin.person": ("/admin/users/{user}", ADMIN),
    "admin.audit_log": ("/admin/audit", ADMIN),
    "admin.invitations": ("/admin/invitations", ADMIN),
    "admin.deactivate": ("/admin/users/{user}/deactivate", ADMIN),
    "admin.role_grants_waiting": ("/admin/role-grants", ADMIN),
    "admin.undelivered_email": ("/admin/undelivered-email", ADMIN),
    "applications.index": ("/applications/", SIGNED_IN),
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
    "scoring.index": ("/scoring/", {Role.PANEL_MEMBER}),
    "scoring.guidance": ("/scoring/guidance", {Role.PANEL_MEMBER}),
    "scoring.register": ("/scoring/rounds/{round}/interests", OFFICER),
    "scoring.register_csv": ("/scoring/rounds/{round}/interests.csv", OFFICER),
    "panels.show": ("/panels/rounds/{round}", OFFICER),
    "panels.own_profile": ("/panels/profile", {Role.PANEL_MEMBER}),
    "meetings.decline_reasons": ("/panels/meetings/decline-reasons", OFFICER),
}
# Endpoints reached only through an emailed link, or only by POST, tested in their own modules.
NOT_IN_MATRIX = {
    "static",
    "accounts.sign_out",
    "accounts.reset_password",
    "accounts.accept_invitation",
    # Email confirmation: tests/accounts/test_routes.py
    "accounts.confirm_email",
    "accounts.confirm_your_email",
    "accounts.resend_confirmation",
    "admin.resend_invitation",  # POST only: tests/admin/test_admin_security.py
    "admin.revoke_invitation",
    "admin.reactivate",
    "admin.confirm_role_grant",  # POST only: tests/admin/test_role_grants.py
    "admin.refuse_role_grant",
    "admin.retry_email",  # POST only: tests/test_email.py
    "organisations.accept",
    "organisations.register_to_join",  # tests/organisations/test_invitation_registration.py
    "organisations.decide_removal",  # POST only: tests/organisations/test_removal_agreement.py
    # POST only, or a letter of an offline group: tests/organisations/test_handover.py
    "organisations.decide_handover",
    "organisations.letter_pdf",
    "organisations.letter_posted",
    "reference.edit_neighbourhood",
    "round_setup.move_criterion",
    "round_setup.move_question",
    "rounds.check_result",
    # Officers only, on assisted applications: tests/applications/test_waivers.py
    "applications.waive_document",
    "applications.remove_waiver",
}
# A panel member's pages of one application, the scoring pack PDFs and officers' actions for
# members: tests/panels/test_member_access.py, test_declarations.py and test_scoring.py.
SCORING_ENDPOINTS = {
    f"scoring.{name}"
    for name in [
        "declare",
        "decline",
        "application",
        "document",
        "scores",
        "my_pack",
        "member_pack",
        "waive",
        "paper",
        "reopen",
    ]
}
# A round's panel and its meeting, which need a panel, members and scores first:
# tests/panels/test_setup.py, test_assignment.py and test_meeting_pages.py check each role.
PANEL_ENDPOINTS = {
    *(
        f"panels.{name}"
        for name in [
            "open_panel",
            "settings",
            "add_member",
            "remove_member",
            "member_profile",
            "applications",
            "move",
            "move_all",
            "assign",
            "reassign",
            "scores",
        ]
    ),
    *(
        f"meetings.{name}"
        for name in [
            "show",
            "open_meeting",
            "attendance",
            "override",
            "ranking_method",
            "close",
            "decide",
            "moderate",
            "equity_view",
            "feedback_list",
            "edit_feedback",
            "release",
            "letter",
            "decision_record",
            "record_addendum",
            "change_reason",
        ]
    ),
}


def _listed_beside_their_tests() -> set[str]:
    """Endpoints listed in a ``tests/<domain>/endpoints_*.py`` file (awards, payments, finance,
    monitoring, the indicator library: pages that need an award, a report or a fund first), each
    checked for every role by the tests beside that file."""
    endpoints: set[str] = set()
    for path in sorted(Path(__file__).parent.glob("*/endpoints_*.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        endpoints |= module.ENDPOINTS
    return endpoints


LISTED_ELSEWHERE = _listed_beside_their_tests()
# Pages of one application for officers; tests/screening/test_*.py check each role.
SCREENING_ENDPOINTS = {
    "screening.show",
    "screening.add_note",
    "screening.check",
    "screening.extend",
    "screening.correct",
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
    assert endpoints == (
        set(MATRIX)
        | NOT_IN_MATRIX
        | APPLICATION_ENDPOINTS
        | SCREENING_ENDPOINTS
        | SCORING_ENDPOINTS
        | PANEL_ENDPOINTS
        | LISTED_ELSEWHERE
    )


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


def test_permissions_are_the_union_of_the_roles():
    combined = make_user(Role.PANEL_MEMBER, Role.FINANCE_OFFICER)
    granted = {p for p in Permission if combined.can(p)}
    assert granted == (
        SIGNED_IN_PERMISSIONS
        | ROLE_PERMISSIONS[Role.PANEL_MEMBER]
        | ROLE_PERMISSIONS[Role.FINANCE_OFFICER]
    )
    assert not combined.can(Permission.MANAGE_FUNDS)
    assert combined.is_staff  # finance officers are staff; panel members alone are not
    assert not make_user(Role.PANEL_MEMBER).is_staff


def test_someone_with_no_roles_may_only_apply_and_anonymous_may_do_nothing():
    nobody = make_user()
    assert {p for p in Permission if nobody.can(p)} == SIGNED_IN_PERMISSIONS == {Permission.APPLY}
    assert not nobody.is_staff and set(nobody.roles) == set()
    assert not any(AnonymousUser().can(p) for p in Permission)


@pytest.fixture
def people():
    users = {who: make_user(*spec[0]) for who, spec in PEOPLE.items() if spec is not None}
    group = make_group(users["no_roles_group_member"])
    for who, spec in PEOPLE.items():
        if spec and spec[1] and who != "no_roles_group_member":
            db.session.add(Membership(organisation_id=group.id, user_id=users[who].id))
    db.session.commit()
    round_ = make_round(slug="matrix-round")
    ids = {
        "group": group.id,
        "user": users["no_roles_group_member"].id,
        "membership": group.memberships[0].id,
        "fund": round_.fund_id,
        "round": round_.id,
        "slug": round_.slug,
        "criterion": make_criterion(round_).id,
        "question": make_question(round_).id,
    }
    return users, ids


def _expected(spec, who) -> int:
    allowed, visible = spec[1], (spec[2] if len(spec) > 2 else None)
    if allowed == "public":
        return 200
    if who == ANONYMOUS:
        return 302
    roles, member = PEOPLE[who]
    capabilities = set(roles) | ({MEMBER} if member else set())
    if visible is not None and not capabilities & visible:
        return 404
    return 200 if allowed == SIGNED_IN or capabilities & allowed else 403


@pytest.mark.parametrize("who", list(PEOPLE), ids=str)
def test_role_endpoint_matrix(app, people, who):
    users, ids = people
    client = app.test_client()
    if who != ANONYMOUS:
        sign_in(client, users[who])
    outcomes = {}
    for endpoint, spec in MATRIX.items():
        response = client.get(spec[0].format(**ids))
        outcomes[endpoint] = (response.status_code, _expected(spec, who))
        if response.status_code == 302:
            assert "/sign-in" in response.headers["Location"]
    wrong = {e: got for e, got in outcomes.items() if got[0] != got[1]}
    assert wrong == {}, f"(got, expected) for {who}: {wrong}"


def test_a_panel_member_who_runs_a_group_can_apply_for_it_and_still_score(app, client):
    from tests.applications.factories import open_round, start_application

    panellist = make_user(Role.PANEL_MEMBER, name="Pat Resident")
    group = make_group(panellist, name="Hindley Green Community Association")
    application = start_application(open_round(), group, applicant=panellist)
    sign_in(client, panellist)
    assert client.get(f"/applications/{application.id}").status_code == 200
    assert client.get(f"/groups/{group.id}/edit").status_code == 200
    assert panellist.can(Permission.SCORE_APPLICATIONS) and not panellist.is_staff
    assert client.get("/screening/").status_code == 403  # scoring is not screening
