"""Who gets each funds page: officers' pages for programme officers only, public pages for all."""

import pytest

from grants.permissions import Role
from tests.factories import make_user, sign_in
from tests.funds.factories import make_criterion, make_question, make_round

OFFICER_PAGES = [
    "/funds/",
    "/funds/new",
    "/funds/{fund}",
    "/funds/{fund}/edit",
    "/funds/{fund}/rounds/new",
    "/funds/rounds/{round}",
    "/funds/rounds/{round}/edit",
    "/funds/rounds/{round}/preview",
    "/funds/rounds/{round}/criteria",
    "/funds/rounds/{round}/criteria/new",
    "/funds/rounds/{round}/criteria/{criterion}",
    "/funds/rounds/{round}/criteria/{criterion}/remove",
    "/funds/rounds/{round}/questions",
    "/funds/rounds/{round}/questions/new",
    "/funds/rounds/{round}/questions/{question}",
    "/funds/rounds/{round}/questions/{question}/remove",
]
OFFICER_POSTS = [
    "/funds/rounds/{round}/criteria/{criterion}/move",
    "/funds/rounds/{round}/questions/{question}/move",
]
PUBLIC_PAGES = [
    "/rounds/{slug}",
    "/rounds/{slug}/check/group-type",
    "/rounds/{slug}/check/income",
    "/rounds/{slug}/check/where",
]


@pytest.fixture
def ids():
    round_ = make_round(slug="access-round")
    return {
        "fund": round_.fund_id,
        "round": round_.id,
        "slug": round_.slug,
        "criterion": make_criterion(round_).id,
        "question": make_question(round_).id,
    }


@pytest.mark.parametrize("who", ["anonymous", *Role], ids=str)
def test_officer_pages_are_for_programme_officers(client, ids, who):
    if who != "anonymous":
        sign_in(client, make_user(who))
    expected = {"anonymous": 302, Role.PROGRAMME_OFFICER: 200}.get(who, 403)
    for path in OFFICER_PAGES:
        response = client.get(path.format(**ids))
        assert response.status_code == expected, path
        if expected == 302:
            assert response.location.startswith("/sign-in")
    for path in OFFICER_POSTS:
        expected_post = 302 if who in ("anonymous", Role.PROGRAMME_OFFICER) else 403
        assert (
            client.post(path.format(**ids), data={"direction": "down"}).status_code == expected_post
        )


@pytest.mark.parametrize("who", ["anonymous", *Role], ids=str)
def test_public_pages_are_for_everyone(client, ids, who):
    if who != "anonymous":
        sign_in(client, make_user(who))
    for path in PUBLIC_PAGES:
        assert client.get(path.format(**ids)).status_code == 200, path
    result = client.get(f"/rounds/{ids['slug']}/check/result")
    assert result.location == f"/rounds/{ids['slug']}/check/group-type"
