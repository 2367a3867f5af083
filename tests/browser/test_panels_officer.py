"""The officer's side of a panel in a real browser: set it up, add members, record whom a member
represents, send applications to the panel and assign them. Each new page type is scanned by axe
and checked at phone width."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from grants.extensions import db
from grants.panels.models import Assignment, Representation
from grants.permissions import Role
from tests.browser.test_accessibility import assert_accessible, submit_empty
from tests.factories import make_user
from tests.panels.factories import eligible_application, panel_member, scoring_round


def test_an_officer_sets_up_a_panel_and_assigns_its_applications(page, sign_in, reference_data):
    officer = make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")
    round_ = scoring_round()
    applications = [eligible_application(round_, officer) for _ in range(3)]
    panel_member(Representation.YOUNG_PERSON, name="Yasmin Young")
    panel_member(Representation.FAITH, name="Faisal Faith")
    make_user(Role.PANEL_MEMBER, name="Paula Paper")
    sign_in(page, officer)

    page.goto(f"/funds/rounds/{round_.id}")
    page.get_by_role("link", name="Set up and run the round's panel").click()
    assert_accessible(page)
    page.get_by_role("button", name="Set up the panel").click()
    expect(page.get_by_text("The panel is set up with the usual rules")).to_be_visible()

    page.get_by_role("link", name="Change panel settings").click()
    assert_accessible(page)
    page.get_by_label("Scorers for each application").fill("")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Scorers for each application").fill("2")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Panel settings saved")).to_be_visible()

    submit_empty(page, f"/panels/rounds/{round_.id}/members/add", "Add to the panel")
    assert_accessible(page)
    page.goto(f"/panels/rounds/{round_.id}")
    for name in ("Yasmin Young", "Faisal Faith", "Paula Paper"):
        page.get_by_role("link", name="Add a member to the panel").click()
        page.get_by_label("Search by name or email address").fill(name)
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_label("Panel member")).to_contain_text(name)
        page.get_by_label("Panel member").select_option(index=1)
        page.get_by_role("button", name="Add to the panel").click()
        expect(page.get_by_text(f"{name} is on the panel")).to_be_visible()
    page.goto(f"/panels/rounds/{round_.id}")
    expect(page.get_by_text("1 member has not said whom they represent")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Change whom Paula Paper represents").click()
    assert_accessible(page)
    page.get_by_label("Resident").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved what Paula Paper represents")).to_be_visible()
    expect(page.get_by_text("The panel meets every composition target")).to_be_visible()

    page.get_by_role("link", name="Applications and assignment").first.click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Send {applications[0].reference} to the panel").click()
    expect(page.get_by_text(f"{applications[0].reference} is with the panel")).to_be_visible()
    page.get_by_role("button", name="Send all 2 to the panel").click()
    expect(page.get_by_text("2 applications are now with the panel")).to_be_visible()
    page.get_by_label("Balanced").check()
    page.get_by_role("button", name="Assign applications").click()
    expect(page.get_by_text("6 new assignments")).to_be_visible()
    assert db.session.scalar(select(func.count(Assignment.id))) == 6
    expect(page.get_by_role("cell", name="0 of 2")).to_have_count(3)
    assert_accessible(page)


def test_the_reassign_and_own_profile_pages_are_accessible(page, sign_in, reference_data):
    from grants.panels import assignment, services

    officer = make_user(Role.PROGRAMME_OFFICER)
    round_ = scoring_round()
    first, second = panel_member(), panel_member()
    panel = services.open_panel(officer, round_)
    services.seat_member(officer, panel, first.id)
    services.seat_member(officer, panel, second.id)
    application = eligible_application(round_, officer)
    services.move_to_panel(officer, panel, application)
    panel.min_scorers = 2
    assignment.assign(officer, panel, assignment.AssignmentMode.BALANCED)
    chosen = db.session.scalar(select(Assignment).where(Assignment.user_id == first.id))
    services.decline_assignment(first, chosen, "I know them")
    services.seat_member(officer, panel, panel_member().id)  # free to take it on
    sign_in(page, officer)
    submit_empty(
        page,
        f"/panels/rounds/{round_.id}/applications/{application.id}/reassign",
        "Ask them to score it",
    )
    assert_accessible(page)
    page.goto(f"/panels/rounds/{round_.id}/applications")
    expect(page.get_by_text("1 application has fewer than 2 scorers")).to_be_visible()
    page.get_by_role("link", name="Sign out").or_(
        page.get_by_role("button", name="Sign out")
    ).click()
    sign_in(page, make_user(Role.PANEL_MEMBER))  # has not said whom they represent yet
    submit_empty(page, "/panels/profile", "Save")
    assert_accessible(page)
