"""The public round page in each state, and the home page's list of rounds."""

from datetime import UTC, datetime, timedelta

import pytest

from grants.clock import utcnow
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import make_user, sign_in
from tests.funds.factories import make_criterion, make_round


def upcoming(**overrides):
    now = utcnow()
    dates = {"opens_at": now + timedelta(days=7), "closes_at": now + timedelta(days=400)}
    return make_round(**{**dates, **overrides})


def closed(**overrides):
    now = utcnow()
    dates = {"opens_at": now - timedelta(days=30), "closes_at": now - timedelta(days=1)}
    return make_round(**{**dates, **overrides})


def page_text(response):
    return soup_of(response).get_text(" ", strip=True)


def test_an_open_round_shows_guidance_dates_amounts_and_the_start_button(client):
    round_ = make_round(
        slug="small-grants",
        title="Small grants",
        guidance="## What we fund\n\nActivities <script>alert(1)</script> for **everyone**.",
        closes_at=datetime(2027, 6, 30, 16, 0, tzinfo=UTC),
    )
    make_criterion(round_, name="Meets a local need", weight=3)
    response = client.get("/rounds/small-grants")
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.h1.get_text() == "Small grants"
    assert soup.select_one(".app-guidance h2.govuk-heading-m").get_text() == "What we fund"
    assert (
        "<script" not in response.get_data(as_text=True).split("</header>")[1].split("<footer")[0]
    )
    text = page_text(response)
    assert "It closes on 30 June 2027 at 5:00pm" in text
    assert "£250 to £2,000" in text
    assert "Meets a local need" in text
    assert soup.select_one(".govuk-button--start").get_text(strip=True) == "Check if you can apply"


def test_an_upcoming_round_says_when_it_opens_and_lets_people_check_now(client):
    round_ = upcoming(slug="later", opens_at=datetime(2027, 1, 4, 9, 30, tzinfo=UTC))
    soup = soup_of(client.get(f"/rounds/{round_.slug}"))
    assert "This round opens on 4 January 2027 at 9:30am" in soup.get_text()
    assert "You can check if you can apply now" in soup.get_text()
    checker = soup.select_one(".govuk-button--start")
    assert checker["href"] == "/rounds/later/check/group-type"
    assert client.get(checker["href"]).status_code == 200
    assert soup.select_one(".govuk-tag").get_text(strip=True) == "Opens soon"


@pytest.mark.parametrize("make", [make_round, upcoming])
def test_the_round_page_links_the_printable_paper_form(client, make):
    round_ = make(slug="paper")
    soup = soup_of(client.get(f"/rounds/{round_.slug}"))
    link = soup.find("a", string="Download the paper application form (PDF)")
    assert link["href"] == "/rounds/paper/application-form.pdf"


def test_a_closed_round_offers_no_paper_form(client):
    closed(slug="over")
    assert "paper application form" not in page_text(client.get("/rounds/over"))


def test_a_closed_round_says_it_has_closed(client):
    round_ = closed(slug="over")
    soup = soup_of(client.get(f"/rounds/{round_.slug}"))
    assert "This round closed on" in soup.get_text()
    assert soup.select_one(".govuk-tag").get_text(strip=True) == "Closed"
    assert soup.select_one(".govuk-button--start") is None


def test_an_officer_is_offered_a_preview_of_an_upcoming_round(client):
    round_ = upcoming(slug="later")
    assert "Preview this round" not in page_text(client.get("/rounds/later"))
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    soup = soup_of(client.get("/rounds/later"))
    assert soup.find("a", string="Preview this round with its questions")["href"] == (
        f"/funds/rounds/{round_.id}/preview"
    )


@pytest.mark.parametrize("slug", ["nope", "x" * 5000, "..%2F..%2Fetc"])
def test_unknown_rounds_are_404(client, slug):
    assert client.get(f"/rounds/{slug}").status_code == 404


def test_a_nul_byte_in_a_round_address_is_a_bad_request(client):
    assert client.get("/rounds/%00").status_code == 400


def test_home_lists_open_and_upcoming_rounds_but_not_closed_ones(client):
    make_round(title="Open now")
    upcoming(title="Opening soon")
    closed(title="All over")
    response = client.get("/")
    text = page_text(response)
    assert "Open now" in text and "Opening soon" in text
    assert "All over" not in text
    open_heading = text.index("Open for applications")
    soon_heading = text.index("Opening soon", open_heading)
    assert open_heading < text.index("Open now") < soon_heading


def test_home_links_each_round_to_its_page(client):
    make_round(slug="small-grants", title="Small grants")
    link = soup_of(client.get("/")).find("a", string="Small grants")
    assert link["href"] == "/rounds/small-grants"


def test_home_says_when_nothing_is_open(client):
    assert "No rounds are open at the moment." in page_text(client.get("/"))


def test_home_offers_officers_the_funds_pages(client):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    assert soup_of(client.get("/")).find("a", string="Manage funds and rounds")["href"] == "/funds/"
