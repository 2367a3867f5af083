"""axe-core scans of every page type, rendered by a real browser with the real CSS and scripts.

A council service must meet WCAG 2.2 AA. axe finds the problems a machine can find (contrast,
names, landmarks, ARIA misuse); a serious or critical one fails the test, with the rule and the
elements named so it can be fixed without rerunning anything.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from grants.accounts.services import _reset_serializer
from grants.extensions import db
from grants.organisations import handover, offline
from grants.organisations.models import Membership
from grants.permissions import Role
from grants.reference.models import Neighbourhood, Principle
from tests.applications.factories import start_application
from tests.factories import group_details, make_group, make_user

BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()
# A common phone, and the narrowest WCAG's reflow rule asks for (1280px zoomed to 400%).
PHONE_WIDTHS = (390, 320)
# The elements that stick out past the right edge, innermost first, to say what to fix.
_STICKING_OUT = """() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(el => ![...el.children].some(child =>
    child.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
  .slice(0, 5)
  .map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim()
    .replace(/\\s+/g, ".") : "") + " " + JSON.stringify((el.textContent || "").trim().slice(0, 40)))"""
# Whatever scrolls sideways inside itself must be a named region that takes focus, so keyboard
# users can scroll it too and screen readers say what it is.
_UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll("body *")]
  .filter(el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
    && el.scrollWidth > el.clientWidth)
  .filter(el => !(el.tabIndex >= 0 && el.getAttribute("role") === "region"
    && (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"))))
  .map(el => el.tagName.toLowerCase() + "." + String(el.className).trim().replace(/\\s+/g, "."))"""

PUBLIC_PAGES = {
    "home": "/",
    "register": "/register",
    "sign-in": "/sign-in",
    "password-reset": "/password-reset",
    "accessibility": "/accessibility",
    "privacy": "/privacy",
    "not-found": "/no-such-page",
}
# Forms whose error state is a page type of its own: error summary, inline errors, "Error:" title.
FORMS_WITH_ERRORS = {
    "sign-in": ("/sign-in", "Sign in"),
    "register": ("/register", "Create account"),
    "password-reset": ("/password-reset", "Send reset link"),
}


def blocking_violations(page) -> list[dict]:
    violations = AXE.run(page).response["violations"]
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(str(part) for part in node['target'])}")
    return "\n".join(lines)


def phone_problems(page) -> list[str]:
    """Each phone width at which the page scrolls sideways (with what sticks out), or has a
    region that scrolls inside itself but cannot be reached by keyboard.

    The page is looked at as it is (after a form was sent, say), at each width in turn; the
    viewport is put back afterwards so the test can go on as before.
    """
    viewport = page.viewport_size
    problems = []
    for width in PHONE_WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            culprits = ", ".join(page.evaluate(_STICKING_OUT))
            problems.append(f"scrolls sideways by {overflow}px at {width}px wide: {culprits}")
        unreachable = page.evaluate(_UNREACHABLE_SCROLLERS)
        if unreachable:
            problems.append(
                f"at {width}px wide, these scroll but are not focusable, named regions: "
                + ", ".join(unreachable)
            )
    if viewport:
        page.set_viewport_size(viewport)
    return problems


def assert_accessible(page) -> None:
    """No serious or critical axe violation, and no sideways scrolling on a 390px or 320px phone."""
    violations = blocking_violations(page)
    assert not violations, f"{page.url} has serious or critical problems:\n{describe(violations)}"
    problems = phone_problems(page)
    assert not problems, f"{page.url} " + "; ".join(problems)


def submit_empty(page, path: str, button: str) -> None:
    """Send a form with nothing filled in, so the page comes back with its error summary."""
    page.goto(path)
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_role("heading", name="There is a problem").wait_for()


@pytest.mark.parametrize("path", list(PUBLIC_PAGES.values()), ids=list(PUBLIC_PAGES))
def test_public_page(page, path):
    page.goto(path)
    assert_accessible(page)


@pytest.mark.parametrize(
    ("path", "button"), list(FORMS_WITH_ERRORS.values()), ids=list(FORMS_WITH_ERRORS)
)
def test_form_with_errors(page, path, button):
    submit_empty(page, path, button)
    assert_accessible(page)


def test_password_reset_form(page):
    """The form behind the emailed link; the token is built as request_password_reset builds it."""
    user = make_user()
    token = _reset_serializer().dumps({"user": user.id, "session": user.session_token})
    page.goto(f"/password-reset/{token}")
    page.get_by_role("heading", name="Create a new password").wait_for()
    assert_accessible(page)


def _group_of_two_with_an_application():
    """A group with two members (so each can be removed) and a draft application."""
    applicant = make_user()
    group = make_group(applicant)
    other = make_user(name="Bob Second")
    db.session.add(Membership(organisation_id=group.id, user_id=other.id))
    start_application(organisation=group, applicant=applicant)
    return applicant, group, other


def test_group_page_for_a_member(page, sign_in):
    applicant, group, _ = _group_of_two_with_an_application()
    sign_in(page, applicant)
    page.goto(f"/groups/{group.id}")
    page.get_by_role("link", name="Remove Bob Second").wait_for()
    assert_accessible(page)


def test_remove_a_member_page(page, sign_in):
    applicant, group, _ = _group_of_two_with_an_application()
    sign_in(page, applicant)
    page.goto(f"/groups/{group.id}")
    page.get_by_role("link", name="Remove Bob Second").click()
    page.get_by_role("button", name="Remove member").wait_for()
    assert_accessible(page)


def test_remove_page_that_asks_for_the_main_contacts_agreement(page, sign_in):
    applicant, group, other = _group_of_two_with_an_application()
    sign_in(page, other)
    page.goto(f"/groups/{group.id}")
    page.get_by_role("link", name=f"Remove {applicant.full_name}").click()
    page.get_by_role("button", name="Ask for agreement").wait_for()
    assert_accessible(page)


def _offline_group_handed_over():
    """An offline group whose handover was approved (a letter to post) and another waiting."""
    officer = make_user(Role.PROGRAMME_OFFICER, name="Pat Proposer")
    contact = offline.OfflineContact(name="Maureen Holt", phone="01942 123456", email=None)
    posted = offline.create_offline_group(officer, group_details(), contact)
    proposal = handover.propose(officer, posted, "jo@example.org", approve_link="")
    handover.approve(make_user(Role.PROGRAMME_OFFICER), proposal, lambda token: token)
    waiting = offline.create_offline_group(officer, group_details(name="Astley Bowls"), contact)
    handover.propose(officer, waiting, "kim@example.org", approve_link="")
    return posted


def test_handovers_waiting_for_approval(page, sign_in):
    _offline_group_handed_over()
    sign_in(page, make_user(Role.PROGRAMME_OFFICER))
    page.goto("/groups/handovers")
    page.get_by_role("button", name="Approve handover to kim@example.org").wait_for()
    assert_accessible(page)


def test_group_page_with_a_letter_to_post(page, sign_in):
    group = _offline_group_handed_over()
    sign_in(page, make_user(Role.PROGRAMME_OFFICER))
    page.goto(f"/groups/{group.id}")
    page.get_by_role("heading", name="Letters to post").wait_for()
    assert_accessible(page)


def test_groups_list(page, sign_in):
    applicant = make_user()
    make_group(applicant)
    sign_in(page, applicant)
    page.goto("/groups/")
    assert_accessible(page)


def test_add_a_group_form_with_errors(page, sign_in):
    sign_in(page, make_user())
    submit_empty(page, "/groups/new", "Save group")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/audit", "/admin/neighbourhoods", "/admin/principles"]
)
def test_admin_page(page, sign_in, reference_data, path):
    """Admin pages with real content: wards and their map, principles, people and audit entries."""
    admin = make_user(Role.ADMIN)
    make_user()
    sign_in(page, admin)
    page.goto(path)
    assert_accessible(page)


def test_person_page_with_roles(page, sign_in):
    """The admin's page for one person: their roles as checkboxes, their groups."""
    admin = make_user(Role.ADMIN)
    person = make_user(Role.PANEL_MEMBER)
    make_group(person)
    sign_in(page, admin)
    page.goto(f"/admin/users/{person.id}")
    assert_accessible(page)


@pytest.mark.parametrize(
    "roles",
    [(), (Role.PROGRAMME_OFFICER, Role.ADMIN), (Role.PANEL_MEMBER, Role.FINANCE_OFFICER)],
    ids=["no-roles", "officer-and-admin", "panel-and-finance"],
)
def test_your_home(page, sign_in, roles):
    """Each person's home, with a section for each role and for their groups."""
    person = make_user(*roles)
    make_group(person)
    sign_in(page, person)
    page.goto("/home")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/account",
        "/admin/users/invite",
        "/admin/invitations",
        "/admin/principles/new",
        "/admin/principles/{principle}",
        "/admin/neighbourhoods/{neighbourhood}",
        "/groups/new-for-someone",
        "/groups/{group}/edit",
        "/groups/{group}/invite",
    ],
)
def test_form_for_staff_and_members(page, sign_in, reference_data, path):
    """The account, admin, reference data and group forms, each a page type of its own."""
    officer = make_user(Role.PROGRAMME_OFFICER, Role.ADMIN)
    ids = {
        "group": make_group(officer).id,
        "principle": db.session.scalar(select(Principle.id).order_by(Principle.id)),
        "neighbourhood": db.session.scalar(select(Neighbourhood.id).order_by(Neighbourhood.id)),
    }
    sign_in(page, officer)
    response = page.goto(path.format(**ids))
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    assert_accessible(page)
