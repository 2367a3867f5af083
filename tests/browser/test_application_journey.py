"""The whole online application in a real browser, then the officer's eligibility check.

A person registers, adds their group, checks they can apply, completes every task, uploads their
documents, sends the application and sees its reference; a programme officer then finds it in the
screening queue and records it as eligible. Every control is found by its label or role, as a
person (or a screen reader) finds it, so a missing label fails the journey.

It runs with and without JavaScript: the service promises every page works without it, and the
applicant's pages are the ones that most need to (file uploads, date inputs, budget lines added
and removed one form at a time).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from grants.organisations.models import INCOME_LABELS, TYPE_LABELS, IncomeBand, OrganisationType
from grants.permissions import Role
from grants.screening.checks import CHECKLIST_LABELS
from tests.applications.factories import PDF_BYTES, open_round, submitted_application
from tests.browser.test_journeys import expect_scripts_ran, register
from tests.factories import make_user
from tests.funds.factories import make_indicator

NAME = "Asha Patel"
EMAIL = "asha.patel@example.org"
GROUP = "Hindley Summer Club"
WARD = "Hindley"
MAIN_PRINCIPLE = "Know this place"
PROJECT = "Hindley summer lunch club"
REFERENCE = re.compile(r"^\s*CIF-\d{4}-\d{4}\s*$")
SAVED = "Your answers have been saved"
SAVE_AND_RETURN = "Save and return to your application"
OUTCOMES = "How will you know it worked?"
DOCUMENTS = {
    "Governing document": "constitution.pdf",
    "Safeguarding policy": "safeguarding.pdf",
    "Latest accounts or bank statement": "accounts.pdf",
}


def pdf(name: str) -> dict:
    """A file as Playwright hands it to a file input: a real (tiny) PDF the upload checks accept."""
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def fieldset(page: Page, legend: str):
    """Radios, checkboxes and date inputs are found inside their question, as a listener hears them."""
    return page.get_by_role("group", name=legend, exact=True)


def expect_banner(page: Page, text: str) -> None:
    """The success banner is announced as an alert, so it is found as one."""
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def add_constituted_group(page: Page) -> None:
    page.goto("/groups/new")
    page.get_by_label("Group name", exact=True).fill(GROUP)
    page.get_by_label(TYPE_LABELS[OrganisationType.CONSTITUTED_GROUP], exact=True).check()
    page.get_by_label("Address line 1", exact=True).fill("3 Market Street")
    page.get_by_label("Town or city", exact=True).fill("Hindley")
    page.get_by_label("Postcode", exact=True).fill("WN2 3AA")
    page.get_by_label("Group's phone number", exact=True).fill("01942 496 011")
    page.get_by_label(INCOME_LABELS[IncomeBand.UNDER_10K], exact=True).check()
    button(page, "Save group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)


def answer(page: Page, choice: str) -> None:
    """One question of the eligibility checker: one set of radios and Continue."""
    page.get_by_label(choice, exact=True).check()
    button(page, "Continue").click()


def check_eligibility_from_the_home_page(page: Page, round_title: str) -> None:
    page.goto("/")
    page.get_by_role("link", name=round_title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(round_title)
    button(page, "Check if you can apply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What type of group are you?")
    answer(page, TYPE_LABELS[OrganisationType.CONSTITUTED_GROUP])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What was your group's income last year?"
    )
    answer(page, INCOME_LABELS[IncomeBand.UNDER_10K])
    expect(page.get_by_role("heading", level=1)).to_have_text("Where will your activity happen?")
    answer(page, WARD)
    expect(page.get_by_role("heading", level=1)).to_have_text("You can apply")


def start_application(page: Page) -> None:
    button(page, "Start your application").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")


def open_task(page: Page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def expect_task_completed(page: Page, title: str) -> None:
    """Back on the task list, the section's status says it is done."""
    task = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title, exact=True))
    expect(task).to_contain_text("Completed")


def save_and_return(page: Page, title: str) -> None:
    button(page, SAVE_AND_RETURN).click()
    expect_banner(page, SAVED)
    expect_task_completed(page, title)


def return_to_task_list(page: Page, title: str) -> None:
    """List sections (outcomes, budget, documents) save each row as it is added; "Save and return"
    saves anything still typed (nothing here) and goes back."""
    button(page, SAVE_AND_RETURN).click()
    expect_task_completed(page, title)


def fill_date(page: Page, legend: str, day: date) -> None:
    group = fieldset(page, legend)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def confirm_group(page: Page) -> None:
    open_task(page, "About your group")
    expect(page.get_by_role("main")).to_contain_text(GROUP)
    button(page, "Yes, these details are correct").click()
    expect_banner(page, SAVED)
    expect_task_completed(page, "About your group")


def describe_project(page: Page) -> None:
    open_task(page, "Your project")
    page.get_by_label("Project title", exact=True).fill(PROJECT)
    page.get_by_label("Summary", exact=True).fill("Free lunches and games in the holidays")
    page.get_by_label("Describe your project", exact=True).fill(
        "We will run a lunch club three days a week for six weeks."
    )
    save_and_return(page, "Your project")


def choose_where(page: Page) -> None:
    open_task(page, "Where it happens")
    expect(page.get_by_role("img", name=re.compile("^Map of the neighbourhoods"))).to_be_visible()
    fieldset(page, "Which neighbourhoods will the project work in?").get_by_label(
        WARD, exact=True
    ).check()
    save_and_return(page, "Where it happens")


def choose_principles(page: Page) -> None:
    open_task(page, "Principles")
    fieldset(page, "Which principle does your project mainly serve?").get_by_label(
        MAIN_PRINCIPLE, exact=True
    ).check()
    save_and_return(page, "Principles")


def say_who_benefits(page: Page) -> None:
    open_task(page, "Who benefits")
    page.get_by_label("How many people will take part or benefit?", exact=True).fill("40")
    fieldset(page, "Who will benefit?").get_by_label("Young people", exact=True).check()
    save_and_return(page, "Who benefits")


def add_outcome(page: Page) -> None:
    """One of the fund's measures with a target, then one in the group's own words."""
    open_task(page, OUTCOMES)
    measures = fieldset(page, "What will you count?")
    measures.get_by_label("People taking part", exact=True).check()
    button(page, "Continue").click()
    page.get_by_label("Your target", exact=True).fill("40")
    button(page, "Add outcome").click()
    expect_banner(page, "Outcome added")
    outcomes = page.get_by_role("table", name="Your outcomes")
    expect(outcomes).to_contain_text("40 people")
    # A second outcome typed, then "Save and return": it is saved, not thrown away.
    fieldset(page, "What will you count?").get_by_label(
        "Something else: describe it in your own words", exact=True
    ).check()
    button(page, "Continue").click()
    page.get_by_label("What will change?", exact=True).fill("Parents meet each other")
    page.get_by_label("Your target (optional)", exact=True).fill("20 parents")
    fieldset(page, "Which principle does this outcome serve?").get_by_label(
        MAIN_PRINCIPLE, exact=True
    ).check()
    button(page, SAVE_AND_RETURN).click()
    expect_task_completed(page, OUTCOMES)
    open_task(page, OUTCOMES)
    expect(outcomes).to_contain_text("Parents meet each other")
    return_to_task_list(page, OUTCOMES)


def add_budget_line(page: Page, item: str, category: str, amount: str) -> None:
    page.get_by_label("What will you spend it on?", exact=True).fill(item)
    page.get_by_label("Category", exact=True).select_option(label=category)
    page.get_by_label("Amount in pounds", exact=True).fill(amount)
    button(page, "Add to budget").click()
    expect_banner(page, "Added to your budget")


def plan_budget(page: Page) -> None:
    """Two lines added and one taken away, each a form of its own that works without scripts."""
    open_task(page, "Budget")
    add_budget_line(page, "Food", "Materials and food", "1250.50")
    add_budget_line(page, "Hall hire", "Venue hire", "300")
    budget = page.get_by_role("table", name="Your budget")
    expect(budget).to_contain_text("£1,550.50")
    button(page, "Remove Hall hire").click()
    expect(budget).not_to_contain_text("Hall hire")
    expect(budget.get_by_role("row", name=re.compile("^Food"))).to_contain_text("£1,250.50")
    expect(budget.get_by_role("row", name=re.compile("^Total"))).to_contain_text("£1,250.50")
    return_to_task_list(page, "Budget")


def set_timeline(page: Page) -> None:
    open_task(page, "Timeline")
    start = date.today() + timedelta(days=60)
    fill_date(page, "When will the project start?", start)
    fill_date(page, "When will the project end?", start + timedelta(days=42))
    save_and_return(page, "Timeline")


def answer_round_questions(page: Page) -> None:
    """The round's own questions: long text, yes or no, one choice; the file one is optional."""
    open_task(page, "Questions from this round")
    page.get_by_label("Why is this needed?", exact=True).fill("Children go hungry in the holidays.")
    fieldset(page, "Have you run this before?").get_by_label("Yes", exact=True).check()
    fieldset(page, "How often?").get_by_label("Weekly", exact=True).check()
    save_and_return(page, "Questions from this round")


def upload_documents(page: Page) -> None:
    open_task(page, "Supporting documents")
    for label, name in DOCUMENTS.items():
        page.get_by_label(label, exact=True).set_input_files(pdf(name))
    button(page, "Upload files").click()
    expect_banner(page, "Your files have been uploaded")
    documents = page.get_by_role("table", name="Your documents")
    for name in DOCUMENTS.values():
        expect(documents.get_by_role("link", name=name, exact=True)).to_be_visible()
    return_to_task_list(page, "Supporting documents")


def declare(page: Page) -> None:
    open_task(page, "Declaration")
    expect(page.get_by_label("Your full name", exact=True)).to_have_value(NAME)
    page.get_by_label(re.compile("I confirm that the information in this application")).check()
    button(page, "Save declaration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your application"
    )


def send(page: Page) -> None:
    """Send from check your answers, which shows what was entered."""
    main = page.get_by_role("main")
    expect(main).to_contain_text(PROJECT)
    expect(main).to_contain_text("£1,250.50")
    button(page, "Send application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application sent")


def reference_in_panel(page: Page) -> str:
    """The reference as the confirmation panel shows it: in bold, under "Your reference number"."""
    body = page.locator(".govuk-panel__body")
    expect(body).to_contain_text("Your reference number")
    expect(body.get_by_role("strong")).to_have_text(REFERENCE)
    reference = body.get_by_role("strong").inner_text().strip()
    assert reference.startswith(f"CIF-{date.today().year}-")
    return reference


def screen_as_eligible(page: Page, reference: str) -> None:
    page.goto("/screening/")
    page.get_by_label("Reference, project or group", exact=True).fill(reference)
    button(page, "Apply filters").click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{reference}: "))
    for label in CHECKLIST_LABELS.values():
        fieldset(page, label).get_by_label("Confirmed", exact=True).check()
    fieldset(page, "Outcome").get_by_label("Eligible", exact=True).check()
    button(page, "Save the check").click()
    expect_banner(page, "Check saved. The application is now: Eligible")
    expect(page.locator("main .govuk-tag").first).to_have_text("Eligible")
    expect(page.get_by_role("heading", name="Check eligibility")).to_have_count(0)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_group_applies_online_and_an_officer_screens_it_eligible(
    request, sign_in, reference_data, javascript
):
    round_ = open_round(questions=True)
    make_indicator(round_.fund, name="People taking part")
    officer = make_user(Role.PROGRAMME_OFFICER, name="Owen Officer")
    page = request.getfixturevalue("page" if javascript else "js_disabled_page")

    register(page, name=NAME, email=EMAIL)
    expect_scripts_ran(page, javascript)
    add_constituted_group(page)
    check_eligibility_from_the_home_page(page, round_.title)
    start_application(page)

    confirm_group(page)
    describe_project(page)
    choose_where(page)
    choose_principles(page)
    say_who_benefits(page)
    add_outcome(page)
    plan_budget(page)
    set_timeline(page)
    answer_round_questions(page)
    upload_documents(page)
    declare(page)
    send(page)
    reference = reference_in_panel(page)

    page.get_by_role("link", name="View your application", exact=True).click()
    expect(page.get_by_role("main").locator(".govuk-tag")).to_have_text("Submitted")
    button(page, "Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()

    sign_in(page, officer)
    screen_as_eligible(page, reference)


def test_officer_screens_a_sent_application_as_eligible(page, sign_in, reference_data):
    """The officer's half on its own, from an application the factories sent, so a break in
    screening is reported apart from anything wrong in the applicant's half."""
    sent = submitted_application(open_round(questions=True))
    sign_in(page, make_user(Role.PROGRAMME_OFFICER))
    screen_as_eligible(page, sent.reference)
