"""The eligibility checker, page by page: the yes path, each no with its reason, and back links."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.clock import utcnow
from grants.extensions import db
from grants.reference.models import Neighbourhood
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.funds.factories import make_round


@pytest.fixture
def wards(reference_data):
    return list(db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name).limit(3)))


@pytest.fixture
def small_grants(wards):
    return make_round(
        slug="small-grants",
        title="Small grants",
        eligible_org_types=["registered_charity", "constituted_group"],
        max_income_pence=5_000_000,
        all_neighbourhoods=False,
        neighbourhood_ids=[wards[0].id, wards[1].id],
    )


def base(slug="small-grants"):
    return f"/rounds/{slug}/check"


def answer(client, step, value, slug="small-grants"):
    return client.post(f"{base(slug)}/{step}", data={"answer": value})


def text(response):
    return response.get_data(as_text=True)


def test_the_round_page_starts_the_checker(client, small_grants):
    soup = soup_of(client.get("/rounds/small-grants"))
    start = soup.select_one("a.govuk-button--start")
    assert start["href"] == "/rounds/small-grants/check/group-type"
    assert "Check if you can apply" in start.get_text()


def test_the_yes_path_one_question_per_page(client, small_grants, wards):
    first = client.get(f"{base()}/group-type")
    assert first.status_code == 200
    assert soup_of(first).h1.get_text() == "What type of group are you?"
    assert soup_of(first).select_one(".govuk-back-link")["href"] == "/rounds/small-grants"

    to_income = answer(client, "group-type", "registered_charity")
    assert to_income.location == f"{base()}/income"
    to_where = answer(client, "income", "10k_to_50k")
    assert to_where.location == f"{base()}/where"
    where = client.get(f"{base()}/where")
    assert soup_of(where).select_one(".govuk-back-link")["href"] == f"{base()}/income"
    assert wards[0].name in text(where) and "Across the borough" in text(where)
    to_result = answer(client, "where", str(wards[0].id))
    assert to_result.location == f"{base()}/result"

    result = client.get(f"{base()}/result")
    assert soup_of(result).h1.get_text() == "You can apply"
    assert "£250 to £2,000" in text(result)


def test_a_yes_for_someone_signed_out_offers_sign_in_and_come_back(client, small_grants, wards):
    answer(client, "group-type", "registered_charity")
    answer(client, "income", "under_10k")
    answer(client, "where", str(wards[1].id))
    soup = soup_of(client.get(f"{base()}/result"))
    links = [a["href"] for a in soup.select("a")]
    assert "/register?next=/rounds/small-grants/check/result" in links
    assert "/sign-in?next=/rounds/small-grants/check/result" in links


def test_a_yes_for_an_applicant_offers_to_start_the_application(client, app, small_grants, wards):
    sign_in(client, make_user())
    answer(client, "group-type", "constituted_group")
    answer(client, "income", "under_10k")
    answer(client, "where", str(wards[0].id))
    soup = soup_of(client.get(f"{base()}/result"))
    if "applications.start" in app.view_functions:
        form = soup.select_one("form[method=post]:has(button.govuk-button--start)")
        assert form["action"] == "/applications/start/small-grants"
    else:
        assert "not ready yet" in soup.get_text()


def test_the_wrong_type_of_group_stops_at_once_with_the_reason(client, small_grants):
    response = answer(client, "group-type", "informal_group")
    assert response.location == f"{base()}/result"
    result = client.get(f"{base()}/result")
    soup = soup_of(result)
    assert soup.h1.get_text() == "You cannot apply to this round"
    assert (
        "This round is for these types of group: registered charity and constituted community "
        "group. You told us your group is an informal group."
    ) in soup.get_text(" ", strip=True)
    assert soup.select_one(".govuk-back-link")["href"] == f"{base()}/group-type"
    assert "communityfund@example.org" in soup.get_text()


def test_an_income_too_high_explains_the_limit(client, small_grants):
    answer(client, "group-type", "registered_charity")
    answer(client, "income", "over_250k")
    page = soup_of(client.get(f"{base()}/result")).get_text(" ", strip=True)
    assert (
        "This round is for groups with an income of £50,000 or less. "
        "You told us your income is More than £250,000."
    ) in page


def test_an_income_band_across_the_limit_suggests_asking(client, wards):
    make_round(slug="small-grants", max_income_pence=6_000_000)
    answer(client, "group-type", "cio")
    answer(client, "income", "50k_to_100k")
    page = soup_of(client.get(f"{base()}/result")).get_text(" ", strip=True)
    assert "If your group's income was £60,000 or less, you may still be able to apply" in page


def test_a_place_outside_the_round_explains_where_it_is_for(client, small_grants, wards):
    answer(client, "group-type", "registered_charity")
    answer(client, "income", "under_10k")
    answer(client, "where", str(wards[2].id))
    page = soup_of(client.get(f"{base()}/result")).get_text(" ", strip=True)
    assert f"This round is only for activities in {wards[0].name} and {wards[1].name}." in page
    assert f"You told us your activity happens in {wards[2].name}." in page


def test_across_the_borough_for_a_round_in_chosen_wards(client, small_grants, wards):
    answer(client, "group-type", "registered_charity")
    answer(client, "income", "under_10k")
    answer(client, "where", "borough")
    page = soup_of(client.get(f"{base()}/result")).get_text(" ", strip=True)
    assert "You told us your activity happens across the borough." in page


def test_a_no_suggests_other_open_rounds_that_fit(client, small_grants):
    make_round(slug="for-everyone", title="Grants for everyone")
    make_round(
        slug="later",
        title="Later",
        opens_at=utcnow() + timedelta(days=3),
        closes_at=utcnow() + timedelta(days=9),
    )
    answer(client, "group-type", "informal_group")
    soup = soup_of(client.get(f"{base()}/result"))
    suggested = [a.get_text() for a in soup.select("li a")]
    assert "Grants for everyone" in suggested and "Later" not in suggested


def test_answers_are_remembered_when_going_back(client, small_grants):
    answer(client, "group-type", "registered_charity")
    page = soup_of(client.get(f"{base()}/group-type"))
    assert page.find("input", attrs={"value": "registered_charity"}).has_attr("checked")


def test_changing_an_earlier_answer_changes_the_result(client, small_grants, wards):
    answer(client, "group-type", "informal_group")
    answer(client, "group-type", "registered_charity")
    answer(client, "income", "under_10k")
    answer(client, "where", str(wards[0].id))
    assert soup_of(client.get(f"{base()}/result")).h1.get_text() == "You can apply"


def test_the_result_needs_every_answer_first(client, small_grants):
    assert client.get(f"{base()}/result").location == f"{base()}/group-type"
    answer(client, "group-type", "registered_charity")
    assert client.get(f"{base()}/result").location == f"{base()}/income"


@pytest.mark.parametrize(
    ("step", "value", "message"),
    [
        ("group-type", "", "Select the type of group"),
        ("group-type", "spaceship", "Select the type of group"),
        ("income", "x" * 10_000, "Select your group's income"),
        ("where", "99999", "Select where your activity will happen"),
    ],
)
def test_no_answer_or_a_crafted_one_is_explained(client, small_grants, step, value, message):
    response = answer(client, step, value)
    assert response.status_code == 200
    assert error_messages(response) == [message]


def test_answers_are_kept_per_round(client, small_grants):
    make_round(slug="other")
    answer(client, "group-type", "informal_group")
    other = soup_of(client.get(f"{base('other')}/group-type"))
    assert other.find("input", attrs={"checked": True}) is None


def test_an_upcoming_round_can_be_checked_but_not_started(client):
    make_round(
        slug="later", opens_at=utcnow() + timedelta(days=3), closes_at=utcnow() + timedelta(days=9)
    )
    answer(client, "group-type", "cio", slug="later")
    answer(client, "income", "under_10k", slug="later")
    answer(client, "where", "borough", slug="later")
    soup = soup_of(client.get(f"{base('later')}/result"))
    assert "The round opens on" in soup.get_text()
    assert soup.select_one(".govuk-button--start") is None


def test_a_closed_round_sends_the_checker_back_to_the_round_page(client):
    make_round(
        slug="over", opens_at=utcnow() - timedelta(days=9), closes_at=utcnow() - timedelta(days=1)
    )
    assert client.get(f"{base('over')}/group-type").location == "/rounds/over"
    assert client.get(f"{base('over')}/result").location == "/rounds/over"


@pytest.mark.parametrize(
    "path",
    [
        "/rounds/nope/check/group-type",
        "/rounds/nope/check/result",
        "/rounds/small-grants/check/colour",
    ],
)
def test_unknown_rounds_and_steps_are_404(client, small_grants, path):
    assert client.get(path).status_code == 404
