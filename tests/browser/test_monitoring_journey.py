"""The monitoring journey in a real browser, through the real pages only: a group sends its interim
report (every section, a photo with its story); a programme officer from outside the group finds
it in the monitoring queue and asks for a change; the group fixes it and sends it again; the
officer accepts it; one finance officer raises the instalment that waited on it, and another
approves it.

It runs at desktop width, at phone width (where no page of the journey may scroll sideways) and
without JavaScript. The factories only set up the world: an award in force with verified bank
details, two budget lines and two outcomes, and the people.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from grants.accounts.models import User
from grants.awards.models import Payment, ReleaseCondition
from grants.awards.states import PaymentStatus
from grants.extensions import db
from grants.monitoring.models import MonitoringReport
from grants.monitoring.states import ReportStatus
from grants.permissions import Role
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_awards import button, expect_banner, heading
from tests.browser.test_journeys import expect_scripts_ran
from tests.factories import PASSWORD, make_user
from tests.monitoring.report_world import World, world

pytestmark = pytest.mark.usefixtures("reference_data")

PHONE = 390
DESKTOP = 1280
CHANGE_MESSAGE = "Please check the food spending: the receipts we saw add up to £1,550."
STORY = "Maya came to every session. Her mum says she now helps cook at home."
ALT_TEXT = "Children and volunteers serving lunch at long tables"
PLAYWRIGHT_EXPECT_TIMEOUT_MS = 5_000  # Playwright's own default, put back after each test


@pytest.fixture(autouse=True)
def _patient_expectations():
    """Assertions wait as long as actions do: a busy two-core machine can be slow to answer."""
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=PLAYWRIGHT_EXPECT_TIMEOUT_MS)


@dataclass
class Journey:
    """The browser and who is in it; ``look`` checks each page the journey reaches."""

    page: Page
    w: World
    officer: User
    width: int
    seen: list[str]

    @property
    def title(self) -> str:
        return self.w.application.title

    @property
    def reference(self) -> str:
        return self.w.ready.award.reference

    def look(self) -> None:
        """The page drew (its one h1), and on a phone it does not scroll sideways."""
        expect(heading(self.page)).to_have_count(1)
        self.seen.append(self.page.url)
        if self.width == PHONE:
            wide = self.page.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE, f"{self.page.url} is {wide}px wide on a {PHONE}px phone"

    # Each action looks at the page it starts from (settled: the journey has just used it) as
    # well as the one it leads to, so no page escapes the check while it is still loading.
    def click_link(self, name: str | re.Pattern, *, exact: bool = True) -> None:
        link = self.page.get_by_role("link", name=name, exact=exact).first
        link.wait_for()
        self.look()
        link.click()
        self.page.wait_for_load_state()
        self.look()

    def press(self, name: str) -> None:
        pressed = button(self.page, name)
        pressed.wait_for()
        self.look()
        pressed.click()
        self.page.wait_for_load_state()
        self.look()


def sign_in(page: Page, user: User) -> None:
    """Through the sign-in form. On a phone the header's links fold behind its menu button, so
    the sign-out button is looked for in the page, not on the screen."""
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    button(page, "Sign in").click()
    page.locator("header button", has_text="Sign out").wait_for(state="attached")


def sign_out(page: Page) -> None:
    # The header's scripts run before "load": only then is it known whether a phone's links are
    # folded behind "Menu" (asking earlier races the script that folds them).
    page.wait_for_load_state("load")
    sign_out_button = page.get_by_role("button", name="Sign out", exact=True)
    menu = page.get_by_role("button", name="Menu", exact=True)
    if not sign_out_button.is_visible() and menu.is_visible():
        menu.click()
    sign_out_button.click()
    expect(page.get_by_text("You have signed out")).to_be_visible()


def a_jpeg(tmp_path: Path) -> Path:
    """A small photo, made here, so the upload is a real JPEG."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path = tmp_path / "lunch-club.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def save_section(j: Journey) -> None:
    j.press("Save and return to your report")
    expect(heading(j.page)).to_have_text(f"Interim report for {j.title}")


# The group's steps ------------------------------------------------------------------------------


def open_report_from_home(j: Journey, verb: str) -> None:
    j.page.goto("/home")
    j.look()
    expect(j.page.get_by_role("heading", name="Your reports")).to_be_visible()
    j.click_link(f"{verb} your interim report for {j.title}")


def write_the_report(j: Journey, photo: Path | None) -> None:
    page = j.page
    open_report_from_home(j, "Start")
    expect(heading(page)).to_contain_text("nterim report")
    j.press("Start the report")
    expect(heading(page)).to_have_text(f"Interim report for {j.title}")

    j.click_link("What happened")
    page.get_by_label("What happened").fill("Twelve lunch sessions over the summer holidays.")
    save_section(j)

    j.click_link("Spending")
    page.get_by_label("Spent so far on Food").fill("1,700")  # £200 over a plan of £1,500
    page.get_by_label("Spent so far on Venue hire").fill("400")
    j.press("Save and return to your report")
    # More than 10% away from the plan with no reason: an error, and what was typed is kept.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("Spent so far on Food")).to_have_value("1,700")
    page.get_by_label("Why is spending on Food different from the plan? (if it is)").fill(
        "Food prices rose over the summer"
    )
    save_section(j)

    j.click_link("People and outcomes")
    page.get_by_label("Young people").fill("30")
    page.get_by_label("Families with children").fill("12")
    page.get_by_label("Number so far").fill("35")
    page.get_by_label("Comment (optional)").fill("Most children came every week")
    page.get_by_label("Progress so far").fill("Parents tell us the children eat better")
    save_section(j)

    j.click_link("A story of change")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Your story").fill(STORY)
    page.get_by_label("You may publish this without names").check()
    save_section(j)
    if photo is not None:
        j.click_link("A story of change")
        j.click_link("Add photos")
        page.get_by_label("Photo", exact=True).set_input_files(photo)
        page.get_by_label("Describe the photo for someone who cannot see it").fill(ALT_TEXT)
        page.get_by_label("The people shown in this photo agreed to it being used").check()
        j.press("Add photo")
        expect_banner(page, "Your photo has been added")
        expect(page.get_by_role("img", name=ALT_TEXT)).to_be_visible()
        j.click_link("Back to your story")
        expect(page.get_by_label("Your story")).to_have_value(STORY)
        save_section(j)

    j.click_link("Challenges and changes")
    page.get_by_label("What got in the way?").fill("Two sessions moved when the hall flooded.")
    save_section(j)
    expect(page.get_by_text("Completed")).to_have_count(5)
    send(j)


def send(j: Journey) -> None:
    page = j.page
    j.click_link("Check and send your report")
    expect(page.get_by_text("Food prices rose over the summer")).to_be_visible()
    page.get_by_role("button", name="Continue to the declaration").click()
    j.look()
    page.get_by_label("Your role in the group").fill("Chair")
    page.get_by_label("I confirm that this report is true").check()
    j.press("Send report")
    expect(heading(page)).to_have_text("Report sent")


def fix_and_send_again(j: Journey) -> None:
    page = j.page
    open_report_from_home(j, "Continue")
    asked = page.get_by_text(CHANGE_MESSAGE)
    expect(asked).to_be_visible()
    j.click_link("Spending")
    # Everything typed before is still there.
    expect(page.get_by_label("Spent so far on Venue hire")).to_have_value(
        re.compile(r"^400(\.00)?$")
    )
    page.get_by_label("Spent so far on Food").fill("1,550")
    save_section(j)
    send(j)
    expect(page.get_by_text("with the changes we asked for")).to_be_visible()


# The officers' steps ----------------------------------------------------------------------------


def open_from_the_queue(j: Journey) -> None:
    page = j.page
    page.goto("/monitoring")
    j.look()
    j.click_link(re.compile(r"^Sent and waiting for review \(1\)"), exact=False)
    j.click_link(f"Review the report for {j.reference}")
    expect(heading(page)).to_have_text(f"Interim report: {j.w.ready.award.organisation.name}")


def ask_for_a_change(j: Journey) -> None:
    open_from_the_queue(j)
    page = j.page
    expect(page.get_by_text("The group says: Food prices rose over the summer")).to_be_visible()
    page.get_by_label("What does the group need to change?").fill(CHANGE_MESSAGE)
    j.press("Ask for changes")
    expect_banner(page, "The report has gone back to the group with your message")


def accept(j: Journey) -> None:
    open_from_the_queue(j)
    page = j.page
    expect(page.get_by_text(CHANGE_MESSAGE)).to_be_visible()  # the review so far
    j.press("Accept the report")
    expect_banner(page, "The report has been accepted")
    # A second press (a replay) is not offered: the decision is made.
    expect(button(page, "Accept the report")).to_have_count(0)


def raise_released_instalment(j: Journey, number: int) -> None:
    page = j.page
    page.goto("/finance/")
    j.look()
    released = page.locator("#released + ul")  # "Released by an accepted report: ready to raise"
    expect(released).to_contain_text("Ready to be raised by a finance officer")
    released.get_by_role("link", name=f"{j.reference}, instalment {number}", exact=True).click()
    j.look()
    button(page, f"Raise payment {number} of {j.reference}").click()
    j.look()
    expect_banner(page, "Payment raised: another finance officer must approve it")


def approve_instalment(j: Journey, number: int) -> None:
    page = j.page
    page.goto("/payments/")
    j.look()
    j.click_link(f"{j.reference} payment {number}")
    j.press(f"Approve payment {number} of {j.reference}")
    expect_banner(page, "Payment approved")


# The whole journey ------------------------------------------------------------------------------


def the_journey(page: Page, width: int, photo: Path | None, *, javascript=True) -> None:
    w = world()
    officer = make_user(Role.PROGRAMME_OFFICER, name="Pat Reviewer")
    page.set_viewport_size({"width": width, "height": 900})
    j = Journey(page, w, officer, width, [])
    due = next(r for r in w.ready.award.reports if r.kind.value == "interim")
    waiting = next(
        p for p in w.ready.award.payments if p.release_condition == ReleaseCondition.INTERIM_REPORT
    )

    sign_in(page, w.member)
    expect_scripts_ran(page, javascript=javascript)
    write_the_report(j, photo)
    sign_out(page)

    sign_in(page, officer)
    ask_for_a_change(j)
    sign_out(page)

    sign_in(page, w.member)
    fix_and_send_again(j)
    sign_out(page)

    sign_in(page, officer)
    accept(j)
    sign_out(page)

    sign_in(page, w.ready.raiser)
    raise_released_instalment(j, waiting.number)
    sign_out(page)

    sign_in(page, w.ready.approver)
    approve_instalment(j, waiting.number)
    sign_out(page)

    sign_in(page, w.member)  # the group sees its report accepted beside its grant
    page.goto("/home")
    j.look()
    j.click_link(j.title)
    j.click_link("See your grant: payments and progress reports")
    expect(page.get_by_role("table", name=f"Progress reports for {j.reference}")).to_contain_text(
        "Accepted"
    )

    db.session.expire_all()
    report = db.session.scalar(db.select(MonitoringReport).filter_by(report_due_id=due.id))
    assert report.status == ReportStatus.ACCEPTED and report.sent_count == 2
    assert [
        spend.spent_pence for spend in report.spending if spend.budget_line_id == w.food.id
    ] == [155_000]
    assert len(report.photos()) == (1 if photo else 0)
    assert db.session.get(Payment, waiting.id).status == PaymentStatus.APPROVED
    assert len(j.seen) > 20


def test_the_journey_at_desktop_width(page, tmp_path):
    the_journey(page, DESKTOP, a_jpeg(tmp_path))


def test_the_journey_on_a_phone(page, tmp_path):
    the_journey(page, PHONE, a_jpeg(tmp_path))


def test_the_journey_without_javascript(js_disabled_page, tmp_path):
    the_journey(js_disabled_page, DESKTOP, a_jpeg(tmp_path), javascript=False)
