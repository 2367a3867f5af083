"""Programme officers' pages for funds and rounds: they render, explain bad input and save."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from grants.clock import as_aware
from grants.extensions import db
from grants.funds.models import Fund, Round
from grants.permissions import Role
from grants.reference.models import Neighbourhood
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.funds.factories import make_criterion, make_fund, make_question, make_round


def fund_form(**overrides):
    values = {
        "name": "Community Investment Fund",
        "description": "For community projects.",
        "council_contribution_pence": "£500,000",
        "funder_name": "Wigan Council",
        "funder_org_id": "GB-LAE-WGN",
        "publisher_prefix": "360G-wigancouncil",
        "publisher_website": "",
    }
    values.update(overrides)
    return values


def round_form(**overrides):
    values = {
        "title": "Small grants 2026",
        "slug": "small-grants-2026",
        "guidance": "## Who can apply\n\nEveryone.",
        "opens_on": ["1", "4", "2026"],
        "opens_time": "09:00",
        "closes_on": ["29", "5", "2026"],
        "closes_time": "17:00",
        "budget_pence": "60,000",
        "min_award_pence": "250",
        "max_award_pence": "2,000",
        "eligible_org_types": ["registered_charity", "informal_group"],
        "max_income_pence": "250000",
        "all_neighbourhoods": "yes",
        "project_start_from": ["", "", ""],
        "project_end_by": ["", "", ""],
        "allows_recordings": "y",
    }
    values.update(overrides)
    return values


def typed(response, name):
    return soup_of(response).find("input", attrs={"name": name})["value"]


# Funds


def test_the_funds_list_shows_each_fund(client, officer):
    make_fund(name="Community Investment Fund")
    response = client.get("/funds/")
    assert response.status_code == 200
    assert "Community Investment Fund" in response.get_data(as_text=True)


def test_an_officer_adds_a_fund(client, officer):
    response = client.post("/funds/new", data=fund_form())
    fund = db.session.scalar(select(Fund))
    assert response.status_code == 302 and response.location == f"/funds/{fund.id}"
    assert fund.budget_pence == 50_000_000
    page = client.get(response.location).get_data(as_text=True)
    assert "£500,000" in page and "360G-wigancouncil" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the fund's name"),
        ({"council_contribution_pence": "lots"}, "Enter an amount like 1,250.50"),
        ({"council_contribution_pence": "-5"}, "Enter an amount like 1,250.50"),
        ({"council_contribution_pence": "1.234"}, "Enter an amount like 1,250.50"),
        ({"funder_org_id": "Wigan"}, "Enter the funder's org-id, like GB-LAE-WGN"),
        ({"name": "x" * 10_000}, "Name must be 200 characters or fewer"),
    ],
)
def test_bad_fund_input_is_explained_and_kept(client, officer, overrides, message):
    response = client.post("/funds/new", data=fund_form(**overrides))
    assert response.status_code == 200
    assert any(message in text for text in error_messages(response))
    assert typed(response, "funder_name") == "Wigan Council"
    assert db.session.scalar(select(Fund)) is None


UNSAFE_MARKDOWN = (
    "## Who we fund\n\nGroups **in** Wigan. [More](https://example.org) "
    "[bad](javascript:alert(1)) <script>alert(2)</script><img src=x onerror=alert(3)>"
)


def assert_rendered_safely(container):
    assert container.h2.get_text() == "Who we fund"
    assert container.strong.get_text() == "in"
    assert container.find("a", string="More")["href"] == "https://example.org"
    html = str(container)
    assert "javascript" not in html and "<script" not in html and "<img" not in html


def test_the_fund_page_renders_its_description_as_markdown_safely(client, officer):
    fund = make_fund(description=UNSAFE_MARKDOWN)
    soup = soup_of(client.get(f"/funds/{fund.id}"))
    assert_rendered_safely(soup.select_one("main .app-guidance"))


def test_the_round_page_renders_its_funds_description_as_markdown_safely(client):
    round_ = make_round(fund=make_fund(description=UNSAFE_MARKDOWN))
    soup = soup_of(client.get(f"/rounds/{round_.slug}"))
    about = soup.find("h2", string=f"About {round_.fund.name}")
    assert_rendered_safely(about.find_next_sibling("div", class_="app-guidance"))


def test_the_fund_form_reports_its_own_and_the_services_problems_together(client, officer):
    response = client.post("/funds/new", data=fund_form(name="", funder_org_id="Wigan"))
    messages = error_messages(response)
    assert "Enter the fund's name" in messages
    assert "Enter the funder's org-id, like GB-LAE-WGN" in messages


def test_an_officer_changes_a_fund(client, officer):
    fund = make_fund(name="Old")
    form = client.get(f"/funds/{fund.id}/edit")
    assert typed(form, "name") == "Old"
    # The budget changes only through contributions, never by typing a new total.
    assert soup_of(form).find("input", attrs={"name": "council_contribution_pence"}) is None
    response = client.post(f"/funds/{fund.id}/edit", data=fund_form(name="New"))
    assert response.status_code == 302
    assert db.session.get(Fund, fund.id).name == "New"


def test_the_fund_page_lists_its_rounds_with_their_status(client, officer):
    fund = make_fund()
    make_round(fund, title="Spring round")
    page = soup_of(client.get(f"/funds/{fund.id}"))
    row = page.select_one("tbody tr")
    assert "Spring round" in row.get_text() and "Open" in row.select_one(".govuk-tag").get_text()


@pytest.mark.parametrize("path", ["/funds/999", "/funds/999/edit", "/funds/999/rounds/new"])
def test_unknown_funds_are_404(client, officer, path):
    assert client.get(path).status_code == 404


# Rounds


def test_the_new_round_form_renders_with_every_neighbourhood(client, officer, reference_data):
    fund = make_fund()
    response = client.get(f"/funds/{fund.id}/rounds/new")
    assert response.status_code == 200
    boxes = soup_of(response).select("input[name=neighbourhood_ids]")
    assert len(boxes) == db.session.query(Neighbourhood).count()


def test_an_officer_adds_a_round_in_uk_time(client, officer, reference_data):
    fund = make_fund()
    ward = db.session.scalar(select(Neighbourhood))
    data = round_form(all_neighbourhoods="no", neighbourhood_ids=[str(ward.id)])
    response = client.post(f"/funds/{fund.id}/rounds/new", data=data)
    round_ = db.session.scalar(select(Round))
    assert response.status_code == 302 and response.location == f"/funds/rounds/{round_.id}"
    assert as_aware(round_.opens_at) == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)  # 9am BST
    assert as_aware(round_.closes_at) == datetime(2026, 5, 29, 16, 0, tzinfo=UTC)
    assert (round_.min_award_pence, round_.max_award_pence) == (25_000, 200_000)
    assert round_.max_income_pence == 25_000_000
    assert round_.neighbourhoods == [ward]
    assert round_.allows_recordings and not round_.blind_panel


def test_the_round_overview_shows_settings_in_uk_time(client, officer):
    fund = make_fund()
    client.post(f"/funds/{fund.id}/rounds/new", data=round_form())
    round_ = db.session.scalar(select(Round))
    page = client.get(f"/funds/rounds/{round_.id}").get_data(as_text=True)
    assert "1 April 2026 at 9:00am" in page and "29 May 2026 at 5:00pm" in page
    assert "£250 to £2,000" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"opens_time": "01:30", "opens_on": ["29", "3", "2026"]},
            "There is no 1:30am on 29 March 2026",
        ),
        ({"closes_time": "01:30", "closes_on": ["25", "10", "2026"]}, "happens twice in the UK"),
        ({"opens_time": "9am"}, "Enter a time using the 24-hour clock"),
        ({"opens_on": ["31", "2", "2026"]}, "Enter a real date"),
        ({"closes_on": ["1", "3", "2026"]}, "Closing date and time must be after the opening"),
        ({"slug": "Small Grants"}, "only lowercase letters, numbers and hyphens"),
        (
            {"min_award_pence": "£2,500"},
            "Largest grant must be the same as or more than the smallest",
        ),
        ({"budget_pence": "£1,000,001"}, "Budget must be £1,000,000 or less"),
        ({"eligible_org_types": []}, "Select the types of group that can apply"),
        ({"all_neighbourhoods": "no"}, "Select the neighbourhoods where projects can happen"),
        ({"all_neighbourhoods": "maybe"}, "Select where projects can happen"),
        ({"max_income_pence": "£lots"}, "Enter an amount like 1,250.50"),
        ({"title": "x" * 100_000}, "Title must be 200 characters or fewer"),
        ({"project_start_from": ["1", "", "2026"]}, "Enter a real date"),
    ],
)
def test_bad_round_input_is_explained_and_kept(client, officer, overrides, message):
    fund = make_fund()
    response = client.post(f"/funds/{fund.id}/rounds/new", data=round_form(**overrides))
    assert response.status_code == 200
    assert any(message in text for text in error_messages(response)), error_messages(response)
    assert typed(response, "title") == overrides.get("title", "Small grants 2026")
    assert db.session.scalar(select(Round)) is None
    assert soup_of(response).title.get_text().startswith("Error:")


def test_an_empty_round_form_lists_what_is_missing(client, officer):
    fund = make_fund()
    response = client.post(f"/funds/{fund.id}/rounds/new", data={})
    assert response.status_code == 200
    messages = error_messages(response)
    for expected in (
        "Enter the round's title",
        "Enter the opening date",
        "Enter the closing time",
        "Enter the round's budget",
        "Select the types of group that can apply",
    ):
        assert expected in messages


def test_the_round_form_reports_every_problem_on_the_first_submit(client, officer):
    fund = make_fund()
    response = client.post(
        f"/funds/{fund.id}/rounds/new",
        data=round_form(
            title="",
            closes_on=["1", "3", "2026"],
            budget_pence="£1,000,001",
            max_award_pence="",
            slug="Small Grants",
        ),
    )
    messages = error_messages(response)
    for expected in (
        "Enter the round's title",
        "Closing date and time must be after the opening date and time",
        "Budget must be £1,000,000 or less",
        "Enter the largest grant",
    ):
        assert any(expected in message for message in messages), messages
    assert len(messages) == len(set(messages)) == 5


def test_changing_a_round_reports_every_problem_on_the_first_submit(client, officer):
    round_ = make_round()
    response = client.post(
        f"/funds/rounds/{round_.id}/edit",
        data=round_form(title="", slug=round_.slug, closes_on=["1", "3", "2026"]),
    )
    messages = error_messages(response)
    assert "Enter the round's title" in messages
    assert any("Closing date and time must be after" in m for m in messages), messages


def test_the_edit_form_starts_with_the_saved_settings_in_uk_time(client, officer):
    round_ = make_round(
        opens_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        closes_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        max_income_pence=5_000_050,
    )
    response = client.get(f"/funds/rounds/{round_.id}/edit")
    assert typed(response, "opens_time") == "09:00"
    assert typed(response, "closes_time") == "17:00"
    assert typed(response, "max_income_pence") == "50,000.50"
    days = [i["value"] for i in soup_of(response).select("input[name=opens_on]")]
    assert days == ["01", "06", "2026"]


def test_an_officer_changes_a_round(client, officer):
    round_ = make_round(slug="spring")
    data = round_form(slug="spring", title="Spring grants")
    response = client.post(f"/funds/rounds/{round_.id}/edit", data=data)
    assert response.status_code == 302
    assert db.session.get(Round, round_.id).title == "Spring grants"


def test_locked_settings_are_shown_with_their_reason_and_kept(client, officer, start_application):
    round_ = make_round(slug="spring", eligible_org_types=["cio", "informal_group"])
    start_application(round_)
    page = client.get(f"/funds/rounds/{round_.id}/edit")
    soup = soup_of(page)
    assert "some settings are locked" in soup.get_text()
    assert "Locked: Groups have started applying, and changing who can apply" in soup.get_text()
    assert soup.select_one("input[type=checkbox][name=eligible_org_types]") is None
    kept = [i["value"] for i in soup.select("input[type=hidden][name=eligible_org_types]")]
    assert kept == ["cio", "informal_group"]


def test_the_locked_form_saves_as_it_is_drawn(client, officer, start_application):
    round_ = make_round(slug="spring")
    start_application(round_)
    soup = soup_of(client.get(f"/funds/rounds/{round_.id}/edit"))
    data = {}
    for field in soup.select("input, textarea"):
        name = field.get("name")
        if not name or field.get("type") in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        value = field.get_text() if field.name == "textarea" else field.get("value", "")
        data.setdefault(name, []).append(value)
    data["title"] = ["Spring grants, extended"]
    response = client.post(f"/funds/rounds/{round_.id}/edit", data=data)
    assert response.status_code == 302, error_messages(response)
    assert db.session.get(Round, round_.id).title == "Spring grants, extended"


def test_a_crafted_change_to_a_locked_setting_is_refused_with_its_reason(
    client, officer, start_application
):
    round_ = make_round(slug="spring", eligible_org_types=["cio"])
    start_application(round_)
    response = client.post(
        f"/funds/rounds/{round_.id}/edit",
        data=round_form(slug="spring", eligible_org_types=["cio", "informal_group"]),
    )
    assert response.status_code == 200
    assert any("changing who can apply" in m for m in error_messages(response))
    assert db.session.get(Round, round_.id).eligible_org_types == ["cio"]


@pytest.mark.parametrize(
    "path", ["/funds/rounds/999", "/funds/rounds/999/edit", "/funds/rounds/999/preview"]
)
def test_unknown_rounds_are_404(client, officer, path):
    assert client.get(path).status_code == 404


def test_the_preview_shows_questions_and_criteria_as_applicants_will_see_them(client, officer):
    round_ = make_round()
    make_question(round_, label="Tell us more", kind="long_text", word_limit=250)
    make_question(
        round_, label="Pick", kind="single_choice", options=["Red", "Blue"], required=False
    )
    make_question(round_, label="When", kind="date")
    make_question(round_, label="Upload", kind="file")
    make_question(round_, label="Both", kind="multiple_choice", options=["A", "B"])
    make_question(round_, label="Yes?", kind="yes_no")
    make_question(round_, label="How many", kind="number")
    make_question(round_, label="Name", kind="short_text")
    make_criterion(round_, name="Meets a local need")
    response = client.get(f"/funds/rounds/{round_.id}/preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Use 250 words or fewer." in page and "This question is optional." in page
    assert "Meets a local need" in page and "Strong evidence" in page
    assert soup_of(response).select("input[type=radio][value=Red]")


@pytest.mark.parametrize("role", [None, Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.ADMIN])
def test_other_roles_cannot_manage_funds(client, role):
    round_ = make_round()
    sign_in(client, make_user(role))
    for path in (
        "/funds/",
        "/funds/new",
        f"/funds/rounds/{round_.id}/edit",
        f"/funds/rounds/{round_.id}/preview",
    ):
        assert client.get(path).status_code == 403
    assert client.post("/funds/new", data=fund_form()).status_code == 403
