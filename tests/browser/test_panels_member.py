"""A panel member's side of a panel in a real browser, on a phone: their list and progress, the
guidance, declaring an interest before seeing an application, scoring it, saving a draft,
submitting, declining, a blind round, and the panel's scores once the window has closed. Each
member page type, and each error state, is scanned by axe and checked at phone width."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grants.clock import utcnow
from grants.extensions import db
from grants.panels import declarations, scoring
from grants.panels.models import Assignment, AssignmentStatus, ScoreSheet
from tests.browser.test_accessibility import assert_accessible
from tests.panels import member_setup
from tests.panels.factories import eligible_application, panel_member

pytestmark = pytest.mark.usefixtures("reference_data")
PHONE = {"width": 390, "height": 844}


def _on_a_phone(page, sign_in, member):
    """Signed in (on a wide screen, where the sign-out button shows), then on a phone."""
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, member)
    page.set_viewport_size(PHONE)


def _declare_link(page, application):
    return page.get_by_role(
        "link", name=f"{application.reference} – declare any conflict of interest"
    )


def _criterion(page, name):
    return page.get_by_role("group", name=name)


def test_a_member_declares_scores_and_submits_on_a_phone(page, sign_in):
    setting = member_setup.assigned(declared=False)
    other = eligible_application(setting.round, setting.officer)
    member_setup.assign(setting.panel, other, setting.member)
    application = setting.application
    _on_a_phone(page, sign_in, setting.member)

    page.goto("/home")
    expect(page.get_by_text("0 of 2 scored")).to_be_visible()
    page.get_by_role("link", name="Go to your applications to score").click()
    expect(page.locator("#progress")).to_have_text("0 of 2 scored")
    assert_accessible(page)

    # The application's detail stays hidden until the member has declared.
    page.goto(f"/scoring/{application.id}")
    expect(page.get_by_role("heading", name="Do you have a conflict of interest?")).to_be_visible()
    expect(page.get_by_text(application.title)).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Select whether you have a conflict")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("No conflict of interest").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name=application.title)).to_be_visible()
    need = _criterion(page, "Meets a local need")
    expect(need.get_by_label("3: Level 3")).to_be_visible()  # the level descriptors
    expect(_criterion(page, "Reaches people").get_by_label("Not applicable")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Submit scores").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Select a score for ‘Meets a local need’")).to_be_visible()
    assert_accessible(page)

    # A score the radios never offer (a crafted or stale form) is refused, not saved.
    need.get_by_label("5: Level 5").evaluate("radio => { radio.value = '9'; }")
    need.get_by_label("5: Level 5").check()
    page.get_by_role("button", name="Save draft").click()
    expect(
        page.get_by_role("link", name="Score for ‘Meets a local need’ must be a whole number")
    ).to_be_visible()
    assert_accessible(page)
    need.get_by_label("4: Level 4").check()
    page.get_by_label("Comment on ‘Meets a local need’").fill("Clear local need, well evidenced")
    _criterion(page, "Reaches people").get_by_label("2: Level 2").check()
    _criterion(page, "Value").get_by_label("Not applicable to this application").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft has been saved")).to_be_visible()
    page.reload()
    expect(need.get_by_label("4: Level 4")).to_be_checked()
    expect(page.get_by_label("Comment on ‘Meets a local need’")).to_have_value(
        "Clear local need, well evidenced"
    )
    expect(_criterion(page, "Reaches people").get_by_label("2: Level 2")).to_be_checked()
    expect(_criterion(page, "Value").get_by_label("Not applicable")).to_be_checked()

    page.get_by_role("button", name="Submit scores").click()
    expect(page.get_by_text("Scores submitted", exact=True)).to_be_visible()
    expect(page.get_by_text("Your scores are locked")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_text("4 out of 5")).to_be_visible()
    expect(page.get_by_text("Not applicable", exact=True)).to_be_visible()
    assert_accessible(page)
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.user_id == setting.member.id))
    db.session.refresh(sheet)
    assert sheet.is_submitted
    assert {s.criterion_id: (s.score, s.not_applicable) for s in sheet.scores} == {
        setting.criteria[0].id: (4, False),
        setting.criteria[1].id: (2, False),
        setting.criteria[2].id: (None, True),
    }

    page.get_by_role("link", name="Back").click()
    expect(page.locator("#progress")).to_have_text("1 of 2 scored")
    pack = page.request.get("/scoring/pack.pdf")
    assert pack.status == 200
    assert pack.headers["content-type"] == "application/pdf"
    assert pack.body().startswith(b"%PDF")

    # A conflict: the application cannot be opened, and it leaves the count.
    _declare_link(page, other).click()
    page.get_by_label("I or someone close to me could gain or lose money").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Describe your interest")).to_be_visible()
    page.get_by_label("If you have an interest, describe it").fill("My sister runs the project")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You will not see or score this application")).to_be_visible()
    expect(page.locator("#progress")).to_have_text("1 of 1 scored")
    expect(page.get_by_text("Conflict declared")).to_be_visible()
    response = page.goto(f"/scoring/{other.id}")
    assert response is not None and response.status == 403
    expect(
        page.get_by_text("You declared a conflict of interest in this application")
    ).to_be_visible()
    expect(page.get_by_text(other.title)).to_have_count(0)
    assert_accessible(page)


def test_a_member_declines_an_assignment_with_a_reason(page, sign_in):
    setting = member_setup.assigned(declared=False)
    _on_a_phone(page, sign_in, setting.member)
    page.goto("/scoring/")
    _declare_link(page, setting.application).click()
    page.get_by_role("button", name="Decline this application").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter a reason")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why you cannot score this application").fill("I am away all month")
    page.get_by_role("button", name="Decline this application").click()
    expect(page.get_by_text("You have declined this application")).to_be_visible()
    expect(page.get_by_text("Declined", exact=True)).to_be_visible()
    expect(_declare_link(page, setting.application)).to_have_count(0)
    assignment = db.session.scalar(select(Assignment))
    db.session.refresh(assignment)
    assert assignment.status == AssignmentStatus.DECLINED
    assert page.goto(f"/scoring/{setting.application.id}/declare").status == 403


def test_a_blind_round_hides_the_group_on_every_member_page(page, sign_in):
    setting = member_setup.assigned(blind=True, declared=False, group_name="Larkfield Wheelers")
    application = setting.application
    _on_a_phone(page, sign_in, setting.member)
    pages = []
    for path in ("/home", "/scoring/", f"/scoring/{application.id}/declare"):
        page.goto(path)
        pages.append(page.content())
    page.get_by_label("No conflict of interest").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(f"Applicant {application.reference}").first).to_be_visible()
    pages.append(page.content())
    for html in pages:
        assert "Larkfield Wheelers" not in html
        assert "Brenda Hartley" not in html and "Hartley" not in html
    pack = page.request.get("/scoring/pack.pdf")
    assert pack.status == 200 and pack.headers["content-type"] == "application/pdf"


def test_the_guidance_page(page, sign_in):
    _on_a_phone(page, sign_in, panel_member())
    page.goto("/scoring/")
    expect(page.get_by_text("You have no applications to score")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="How scoring works, and what a conflict of interest is").click()
    expect(page.get_by_role("heading", name="How scoring works")).to_be_visible()
    expect(page.get_by_role("heading", name="Conflicts of interest")).to_be_visible()
    expect(page.get_by_text("I am a member of the group")).to_be_visible()
    assert_accessible(page)


def test_after_the_window_a_member_sees_the_panel_scores_without_names(page, sign_in):
    setting = member_setup.assigned()
    colleague = panel_member(name="Colin Colleague")
    member_setup.assign(setting.panel, setting.application, colleague)
    late = panel_member(name="Lena Late")
    member_setup.assign(setting.panel, setting.application, late)
    declarations.declare(colleague, setting.application, "none")
    declarations.declare(late, setting.application, "none")
    for person, values in ((setting.member, (4, 3, None)), (colleague, (2, 1, 5))):
        scoring.submit(
            person,
            person,
            setting.application,
            member_setup.scores(setting, *values, comments={0: f"Comment by {person.id}"}),
        )
    setting.panel.scoring_closes_at = utcnow() - timedelta(days=1)
    _on_a_phone(page, sign_in, setting.member)

    page.goto(f"/scoring/{setting.application.id}")
    page.get_by_role("link", name="See the panel's scores").click()
    expect(page.get_by_role("heading", name="Panel member 2")).to_be_visible()
    expect(page.get_by_text(f"Comment by {colleague.id}")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_text("Colin Colleague")).to_have_count(0)
    expect(main.get_by_text("Maya Member")).to_have_count(0)
    assert_accessible(page)

    _on_a_phone(page, sign_in, late)
    page.goto(f"/scoring/{setting.application.id}")
    expect(page.get_by_text("Scoring for this panel has closed")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    assert page.goto(f"/scoring/{setting.application.id}/scores").status == 403
