"""Register, sign in and out, reset a password and accept an invitation, through the pages."""

from __future__ import annotations

import re

import pytest

from grants import transaction
from grants.accounts import services
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import PASSWORD, make_user, sign_in


def _register(client, **overrides):
    data = {
        "full_name": "Sam Smith",
        "email": "sam@example.org",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    data.update(overrides)
    return client.post("/register", data=data)


def test_registering_signs_the_person_in(client):
    response = _register(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/groups/"  # their next step: add or join a group
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"full_name": ""}, "Enter your full name"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"password": "short", "confirm_password": "short"}, "12 characters or more"),
        ({"password": "password1234", "confirm_password": "password1234"}, "too easy to guess"),
        ({"confirm_password": "something else entirely"}, "Passwords must match"),
        ({"full_name": "x" * 10_000}, "200 characters or fewer"),
    ],
)
def test_registration_errors_are_explained_and_typing_is_kept(client, overrides, message):
    response = _register(client, **overrides)
    assert response.status_code == 200
    assert any(message in text for text in error_messages(response))
    soup = soup_of(response)
    assert soup.title.get_text().startswith("Error: ")
    if "email" not in overrides:
        assert soup.find("input", {"name": "email"})["value"] == "sam@example.org"
    assert soup.find("input", {"name": "password"}).get("value") in (None, "")


def test_duplicate_registration_is_refused_clearly(client):
    make_user(email="sam@example.org")
    response = _register(client)
    assert "An account with this email address already exists" in error_messages(response)


def test_sign_in_and_out(client):
    make_user(email="a@example.org")
    response = client.post("/sign-in", data={"email": "a@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert client.post("/sign-out").status_code == 302
    assert client.get("/account").status_code == 302


def test_wrong_password_gives_one_message_and_keeps_the_email(client):
    make_user(email="a@example.org")
    response = client.post(
        "/sign-in", data={"email": "a@example.org", "password": "nope nope nope"}
    )
    assert response.status_code == 200
    assert error_messages(response) == ["Enter a correct email address and password"]
    assert soup_of(response).find("input", {"name": "email"})["value"] == "a@example.org"


def test_sign_in_returns_to_the_page_asked_for_but_never_another_site(client):
    make_user(email="a@example.org")
    data = {"email": "a@example.org", "password": PASSWORD}
    response = client.post("/sign-in?next=/groups/", data=data)
    assert response.headers["Location"] == "/groups/"
    client.post("/sign-out")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(f"/sign-in?next={target}", data=data)
        assert response.headers["Location"] == "/home"  # their home, never elsewhere
        client.post("/sign-out")


def test_signing_in_is_rate_limited_with_a_clear_message(app, client):
    make_user(email="a@example.org")
    limit = int(app.config["SIGN_IN_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        client.post("/sign-in", data={"email": "a@example.org", "password": "wrong wrong wrong"})
    response = client.post("/sign-in", data={"email": "a@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Wait 5 minutes" in response.get_data(as_text=True)
    assert client.get("/sign-in").status_code == 200  # reading the page is not limited


def test_password_reset_journey(client, outbox):
    make_user(email="a@example.org")
    response = client.post("/password-reset", data={"email": "a@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    link = re.search(r"http://localhost(/password-reset/\S+)", outbox[0].body)[1]
    assert client.get(link).status_code == 200
    response = client.post(
        link, data={"password": "brand new passphrase", "confirm_password": "brand new passphrase"}
    )
    assert response.status_code == 302
    assert client.get(link).status_code == 410  # single use
    response = client.post(
        "/sign-in", data={"email": "a@example.org", "password": "brand new passphrase"}
    )
    assert response.status_code == 302


def test_reset_page_for_unknown_email_looks_the_same(client, outbox):
    response = client.post("/password-reset", data={"email": "nobody@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    assert outbox == []


def test_bad_reset_and_invitation_links_are_explained(client):
    for path in ("/password-reset/garbage", "/invitations/garbage"):
        response = client.get(path)
        assert response.status_code == 410
        assert "expired" in response.get_data(as_text=True)


def test_accepting_an_invitation_through_the_page(client, outbox):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    response = client.post(
        "/admin/users/invite",
        data={"email": "new.officer@example.org", "role": "programme_officer"},
    )
    assert response.status_code == 302
    client.post("/sign-out")
    link = re.search(r"http://localhost(/invitations/\S+)", outbox[0].body)[1]
    page = client.get(link).get_data(as_text=True)
    assert "new.officer@example.org" in page
    response = client.post(
        link, data={"full_name": "Nia Officer", "password": PASSWORD, "confirm_password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    assert set(services.find_by_email("new.officer@example.org").roles) == {Role.PROGRAMME_OFFICER}


def test_a_role_change_signs_the_person_out_everywhere(app):
    admin = make_user(Role.ADMIN)
    user = make_user()
    client = app.test_client()
    sign_in(client, user)
    assert client.get("/account").status_code == 200
    services.grant_role(admin, user, Role.PANEL_MEMBER)
    transaction.commit()
    assert client.get("/account").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client):
    make_user(email="a@example.org")
    response = client.post("/sign-in", data={"email": "a@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
