"""axe-core scans of the funding pages: rounds, the eligibility checker, the application, screening.

Same rule as test_accessibility.py: a serious or critical problem fails the test, naming the rule
and the elements. Each test signs in once and walks through many pages in the same browser, so
the whole set stays quick; the scans are judged together at the end, so a failure lists the
problems of every page at once and one run shows everything that needs fixing.

Lesser (moderate and minor) problems do not fail the build but are printed with the rest, so
`pytest -s` shows everything axe found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from playwright.sync_api import Page, expect

from grants.applications import answers, services
from grants.applications.models import Application
from grants.clock import utcnow
from grants.organisations.models import INCOME_LABELS, TYPE_LABELS, IncomeBand, OrganisationType
from grants.permissions import Role
from grants.screening import notes
from grants.screening import services as screening
from grants.screening.checks import CHECKLIST_LABELS
from tests.applications.factories import (
    assisted_application,
    complete,
    open_round,
    start_application,
    submitted_application,
)
from tests.browser.test_accessibility import AXE, BLOCKING_IMPACTS, describe, phone_problems
from tests.factories import make_group, make_user
from tests.funds.factories import make_criterion, make_fund, make_question, make_round

SECTIONS = (
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
)
# What shows a section page is scanned with its content, not empty: the map, a row, a file.
SECTION_CONTENT = {
    "where": lambda page: page.get_by_role("img", name=re.compile("^Map of the neighbourhoods")),
    "outcomes": lambda page: page.get_by_role("table", name="Your outcomes").get_by_role(
        "cell", name="Children attending", exact=True
    ),
    "budget": lambda page: page.get_by_role("table", name="Your budget").get_by_role(
        "cell", name="Food", exact=True
    ),
    "documents": lambda page: page.get_by_role("link", name="accounts.pdf", exact=True),
}


@dataclass
class Scans:
    """axe results for a series of pages seen in one browser, checked together at the end."""

    page: Page
    found: dict[str, list[dict]] = field(default_factory=dict)
    on_phones: dict[str, list[str]] = field(default_factory=dict)

    def here(self, name: str) -> None:
        """Scan the page as it is now (after a form was sent, say), then look at it on phones."""
        self.found[f"{name} ({self.page.url})"] = AXE.run(self.page).response["violations"]
        problems = phone_problems(self.page)
        if problems:
            self.on_phones[f"{name} ({self.page.url})"] = problems

    def visit(self, name: str, path: str) -> None:
        response = self.page.goto(path)
        status = response.status if response else "nothing"
        assert response is not None and response.ok, f"{name}: {path} answered {status}"
        self.here(name)

    def report(self, impacts: set[str] | None = None) -> str:
        lines = []
        for name, violations in self.found.items():
            chosen = [v for v in violations if impacts is None or v["impact"] in impacts]
            if chosen:
                lines.append(f"{name}:")
                lines.extend(f"  {line}" for line in describe(chosen).splitlines())
        return "\n".join(lines)

    def assert_accessible(self) -> None:
        print(self.report() or "axe found nothing on any page")
        blocking = self.report(BLOCKING_IMPACTS)
        assert not blocking, f"Serious or critical problems:\n{blocking}"
        phones = [f"{name}: {'; '.join(problems)}" for name, problems in self.on_phones.items()]
        assert not phones, "On phones:\n" + "\n".join(phones)


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def answer(page: Page, choice: str) -> None:
    page.get_by_label(choice, exact=True).check()
    button(page, "Continue").click()


def expect_errors(page: Page) -> None:
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


def test_rounds_and_the_eligibility_checker(page, reference_data):
    """The public pages, as someone without an account sees them."""
    round_ = open_round(max_income_pence=5_000_000)
    upcoming = open_round(
        title="Autumn grants",
        opens_at=utcnow() + timedelta(days=20),
        closes_at=utcnow() + timedelta(days=60),
    )
    closed = open_round(
        title="Spring grants",
        opens_at=utcnow() - timedelta(days=60),
        closes_at=utcnow() - timedelta(days=5),
    )
    scans = Scans(page)

    scans.visit("home with open and upcoming rounds", "/")
    expect(page.get_by_role("link", name="Autumn grants")).to_be_visible()
    scans.visit("open round", f"/rounds/{round_.slug}")
    scans.visit("upcoming round", f"/rounds/{upcoming.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn grants")
    scans.visit("closed round", f"/rounds/{closed.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring grants")

    scans.visit("checker: group type", f"/rounds/{round_.slug}/check/group-type")
    answer(page, TYPE_LABELS[OrganisationType.CONSTITUTED_GROUP])
    scans.here("checker: income")
    answer(page, INCOME_LABELS[IncomeBand.UNDER_10K])
    scans.here("checker: where")
    answer(page, "Hindley")
    expect(page.get_by_role("heading", level=1)).to_have_text("You can apply")
    scans.here("checker: yes, not signed in")

    page.goto(f"/rounds/{round_.slug}/check/income")
    answer(page, INCOME_LABELS[IncomeBand.OVER_250K])
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot apply to this round")
    scans.here("checker: no")

    # A round not checked yet, so no earlier answer is already chosen.
    page.goto(f"/rounds/{upcoming.slug}/check/group-type")
    button(page, "Continue").click()
    expect_errors(page)
    scans.here("checker: question with an error")

    scans.assert_accessible()


def test_applicant_pages(page, sign_in, reference_data):
    """Every page a group sees while applying, with real answers on each."""
    applicant = make_user(name="Asha Patel")
    group = make_group(applicant, name="Hindley Summer Club")
    other_group = make_group(applicant, name="Ince Community Choir")
    round_ = open_round(questions=True, allows_several_applications=True)
    ready = complete(start_application(round_, group))
    started = start_application(round_, other_group)
    answers.confirm_group(applicant, started)
    sent = submitted_application(round_, group)
    sign_in(page, applicant)
    scans = Scans(page)

    page.goto(f"/rounds/{round_.slug}/check/group-type")
    answer(page, TYPE_LABELS[OrganisationType.CONSTITUTED_GROUP])
    answer(page, INCOME_LABELS[IncomeBand.UNDER_10K])
    answer(page, "Hindley")
    expect(button(page, "Start your application")).to_be_visible()
    scans.here("checker: yes, signed in")

    scans.visit("dashboard", "/applications/")
    expect(page.get_by_role("table", name="3 applications")).to_be_visible()
    scans.visit("start: choose a group", f"/applications/start/{round_.slug}")
    expect(page.get_by_label("Ince Community Choir")).to_be_visible()
    scans.visit("task list", f"/applications/{started.id}")
    for section in SECTIONS:
        scans.visit(f"section: {section}", f"/applications/{ready.id}/{section}")
        if section in SECTION_CONTENT:
            expect(SECTION_CONTENT[section](page)).to_be_visible()
    scans.visit("check answers", f"/applications/{ready.id}/check")
    expect(button(page, "Send application")).to_be_visible()
    scans.visit("delete draft", f"/applications/{started.id}/delete")

    page.goto(f"/applications/{started.id}/project")
    button(page, "Save and return to your application").click()
    expect_errors(page)
    scans.here("section with errors: project")
    page.goto(f"/applications/{started.id}/timeline")
    start = page.get_by_role("group", name="When will the project start?")
    start.get_by_label("Day", exact=True).fill("31")
    start.get_by_label("Month", exact=True).fill("2")
    button(page, "Save and return to your application").click()
    expect_errors(page)
    expect(page.get_by_role("alert")).to_contain_text("Enter a real date")
    scans.here("section with errors: timeline")

    scans.visit("confirmation", f"/applications/{sent.id}/confirmation")
    scans.visit("application", f"/applications/{sent.id}/view")
    scans.visit("withdraw", f"/applications/{sent.id}/withdraw")

    scans.assert_accessible()


def test_officer_fund_and_round_pages(page, sign_in, reference_data):
    fund = make_fund(name="Community Investment Fund")
    round_ = make_round(fund, title="Small grants")
    make_criterion(round_, name="Meets a local need")
    make_criterion(round_, name="Value for money", weight=2)
    make_question(round_, label="Why is this needed?", kind="long_text", word_limit=200)
    make_question(round_, label="Have you run this before?", kind="yes_no")
    make_question(round_, label="How often?", kind="single_choice", options=["Weekly", "Monthly"])
    make_question(round_, label="When is your first session?", kind="date")
    make_question(round_, label="A photo of your venue", kind="file", required=False)
    start_application(round_)
    sign_in(page, make_user(Role.PROGRAMME_OFFICER))
    scans = Scans(page)

    scans.visit("funds", "/funds/")
    scans.visit("fund", f"/funds/{fund.id}")
    scans.visit("round", f"/funds/rounds/{round_.id}")
    scans.visit("round edit, with locks", f"/funds/rounds/{round_.id}/edit")
    expect(
        page.get_by_text("Groups have started applying, so some settings are locked")
    ).to_be_visible()
    scans.visit("criteria", f"/funds/rounds/{round_.id}/criteria")
    scans.visit("questions", f"/funds/rounds/{round_.id}/questions")
    scans.visit("round preview", f"/funds/rounds/{round_.id}/preview")
    scans.visit("new criterion", f"/funds/rounds/{round_.id}/criteria/new")
    scans.visit("new question", f"/funds/rounds/{round_.id}/questions/new")
    button(page, "Save question").click()
    expect_errors(page)
    scans.here("question form with errors")
    scans.visit("new fund", "/funds/new")
    button(page, "Save fund").click()
    expect_errors(page)
    scans.here("fund form with errors")
    scans.visit("new round", f"/funds/{fund.id}/rounds/new")
    button(page, "Save round").click()
    expect_errors(page)
    scans.here("round form with every error")

    scans.assert_accessible()


def _sent_again_with_a_change(officer, application: Application) -> None:
    """More information asked for, a title changed, sent again: the officer's page shows a diff."""

    def link(sent: Application) -> str:
        return f"/applications/{sent.id}/view"

    screening.screen(
        officer,
        application,
        outcome="more_information",
        checklist={},
        message="Send your latest accounts",
        link_for=link,
    )
    contact = application.organisation.main_contact
    answers.save_project(
        contact,
        application,
        title="Bigger lunch club",
        summary=application.summary,
        description=application.description,
    )
    services.submit(contact, application, link)
    notes.add_note(officer, application, "Rang the group to confirm the venue.")


def test_officer_screening_pages(page, sign_in, reference_data):
    officer = make_user(Role.PROGRAMME_OFFICER)
    round_ = open_round(questions=True)
    resent = submitted_application(round_)
    submitted_application(round_)
    _sent_again_with_a_change(officer, resent)
    assisted = assisted_application(officer, round_)
    eligible = submitted_application(round_)
    screening.screen(
        make_user(Role.PROGRAMME_OFFICER),
        eligible,
        outcome="eligible",
        checklist=dict.fromkeys(CHECKLIST_LABELS, True),
        message=None,
        link_for=str,
    )
    sign_in(page, officer)
    scans = Scans(page)

    scans.visit("screening queue", "/screening/")
    expect(page.get_by_role("link", name=resent.reference, exact=True)).to_be_visible()
    scans.visit("officer's application page", f"/screening/{resent.id}")
    expect(page.get_by_role("heading", name="What changed when it was sent again")).to_be_visible()
    expect(page.get_by_text("Rang the group to confirm the venue.")).to_be_visible()
    page.get_by_role("group", name="Outcome", exact=True).get_by_label(
        "Eligible", exact=True
    ).check()
    button(page, "Save the check").click()
    expect_errors(page)
    scans.here("eligibility check with an error for each item")
    scans.visit("correcting a screening outcome", f"/screening/{eligible.id}")
    expect(page.get_by_role("heading", name="Correct the outcome")).to_be_visible()
    scans.visit("assisted and overdue drafts", "/screening/assisted")
    expect(page.get_by_role("table", name="1 draft")).to_be_visible()
    page.goto("/screening/assisted/new")
    button(page, "Start the application").click()
    expect_errors(page)
    scans.here("assisted start with errors")
    scans.visit("assisted documents, with waive links", f"/applications/{assisted.id}/documents")
    waive = f"/applications/{assisted.id}/documents/safeguarding_policy/waive"
    scans.visit("waive a document", waive)

    scans.assert_accessible()
