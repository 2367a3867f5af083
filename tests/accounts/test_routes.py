"""Register, sign in and out, reset a password and accept an invitation, through the pages."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from grants import transaction
from grants.accounts import services
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.conftest import SuiteConfig
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


def _emailed_link(message, path: str) -> str:
    return re.search(rf"http://localhost({path}\S+)", message.body)[1]


def test_registering_emails_a_link_that_confirms_and_signs_the_person_in(client, outbox):
    response = _register(client)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # not signed in until the link is followed
    link = _emailed_link(outbox[0], "/confirm-email/")
    response = client.get(link)
    assert response.headers["Location"] == "/groups/"  # their next step: add or join a group
    assert client.get("/account").status_code == 200
    assert services.find_by_email("sam@example.org").email_confirmed


def test_a_confirmation_link_opened_in_another_browser_confirms_but_does_not_sign_in(
    app, client, outbox
):
    _register(client)
    elsewhere = app.test_client()
    response = elsewhere.get(_emailed_link(outbox[0], "/confirm-email/"))
    assert response.headers["Location"] == "/sign-in"
    assert elsewhere.get("/account").status_code == 302
    assert services.find_by_email("sam@example.org").email_confirmed
    assert client.get("/confirm-email/not-a-token").status_code == 410


def test_until_confirmed_a_person_can_only_confirm_resend_or_sign_out(client, outbox):
    person = make_user(email="a@example.org", confirmed=False)
    sign_in(client, person)
    for path in ("/home", "/groups/", "/account", "/groups/new"):
        assert client.get(path).headers["Location"] == "/confirm-email"
    assert client.post("/groups/new", data={"name": "x"}).headers["Location"] == "/confirm-email"
    assert client.get("/").status_code == 200  # public pages are still public
    assert "Confirm your email address" in client.get("/confirm-email").get_data(as_text=True)
    assert client.post("/confirm-email/resend").status_code == 302
    client.get(_emailed_link(outbox[-1], "/confirm-email/"))
    assert client.get("/account").status_code == 200
    assert client.post("/sign-out").status_code == 302


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


def test_registering_an_address_that_has_an_account_looks_the_same(app, client, outbox):
    owner = make_user(email="taken@example.org")
    for_taken = soup_of(_register(client, email="taken@example.org")).main.get_text()
    for_new = soup_of(_register(app.test_client(), email="fresh@example.org")).main.get_text()
    assert for_taken.replace("taken@", "fresh@") == for_new
    assert client.get("/account").status_code == 302
    to_owner = [message for message in outbox if message.to == [owner.email]]
    assert len(to_owner) == 1 and "/confirm-email/" not in to_owner[0].body


def test_registering_is_rate_limited(app, client):
    limit = int(app.config["REGISTRATION_RATE_LIMIT"].split()[0])
    for number in range(limit):
        _register(client, email=f"person{number}@example.org")
    assert _register(client, email="one.more@example.org").status_code == 429


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


TOO_MANY = "Too many attempts to sign in. Try again in 15 minutes or reset your password"


def _sign_in(client, email, password=PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def test_fifteen_people_signing_in_from_one_community_centre_all_get_in(app):
    people = [make_user() for _ in range(15)]
    for person in people:
        client = app.test_client()  # everyone on the same address, 127.0.0.1
        assert _sign_in(client, person.email).status_code == 302


def test_five_failures_lock_the_account_and_email_its_owner_once(client, outbox):
    owner = make_user(email="a@example.org")
    other = make_user(email="b@example.org")
    for _ in range(5):
        response = _sign_in(client, "a@example.org", "wrong wrong wrong")
        assert error_messages(response) == ["Enter a correct email address and password"]
    response = _sign_in(client, "a@example.org", "wrong wrong wrong")
    assert error_messages(response) == [TOO_MANY]
    response = _sign_in(client, "A@example.org", PASSWORD)  # even the right password, for now
    assert error_messages(response) == [TOO_MANY]
    warnings = [message for message in outbox if message.to == [owner.email]]
    assert len(warnings) == 1
    assert "http://localhost/password-reset" in warnings[0].body
    assert _sign_in(client, other.email).status_code == 302  # other accounts are not locked


def test_successful_sign_ins_do_not_count_towards_the_lock(client):
    make_user(email="a@example.org")
    for _ in range(8):
        assert _sign_in(client, "a@example.org").status_code == 302
        client.post("/sign-out")
    for _ in range(4):
        _sign_in(client, "a@example.org", "wrong wrong wrong")
    assert _sign_in(client, "a@example.org").status_code == 302


def test_many_failures_from_one_address_are_stopped_across_accounts(app, client):
    limit = int(app.config["SIGN_IN_FAILURES_PER_ADDRESS"].split()[0])
    for number in range(limit):
        _sign_in(client, f"guess{number}@example.org", "wrong wrong wrong")
    make_user(email="a@example.org")
    assert error_messages(_sign_in(client, "a@example.org")) == [TOO_MANY]


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


def test_a_password_reset_lifts_the_lock_on_the_account(client, outbox):
    """Someone who keeps failing to sign in as another person cannot keep them out: resetting
    the password from the emailed link lets the owner straight back in."""
    owner = make_user(email="a@example.org")
    for _ in range(6):
        _sign_in(client, "a@example.org", "wrong wrong wrong")
    assert error_messages(_sign_in(client, "a@example.org")) == [TOO_MANY]
    client.post("/password-reset", data={"email": "A@example.org"})
    reset = next(message for message in outbox if message.subject.startswith("Reset"))
    link = re.search(r"http://localhost(/password-reset/\S+)", reset.body)[1]
    new_password = "brand new passphrase"
    response = client.post(link, data={"password": new_password, "confirm_password": new_password})
    assert response.status_code == 302
    assert _sign_in(client, owner.email, new_password).status_code == 302


def test_a_reset_that_fails_leaves_the_lock_in_place(client, outbox):
    """Only a completed reset lifts the lock: asking for a link, or a refused new password, does
    not (else the lock would be a form away from lifting for anyone)."""
    make_user(email="a@example.org")
    for _ in range(6):
        _sign_in(client, "a@example.org", "wrong wrong wrong")
    client.post("/password-reset", data={"email": "a@example.org"})
    reset = next(message for message in outbox if message.subject.startswith("Reset"))
    link = re.search(r"http://localhost(/password-reset/\S+)", reset.body)[1]
    response = client.post(link, data={"password": "password", "confirm_password": "password"})
    assert response.status_code == 200  # refused: too short
    assert error_messages(_sign_in(client, "a@example.org")) == [TOO_MANY]


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


def test_a_session_cookie_copied_before_signing_out_no_longer_works(client):
    make_user(email="a@example.org")
    client.post("/sign-in", data={"email": "a@example.org", "password": PASSWORD})
    copied = client.get_cookie("session").value
    client.post("/sign-out")
    client.set_cookie("session", copied)  # replayed, as someone on a shared computer could
    response = client.post("/groups/new", data={"name": "Not theirs"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_signing_in_starts_a_new_session_with_a_new_csrf_token(client):
    make_user(email="a@example.org")
    with client.session_transaction() as session:
        session["csrf_token"] = "planted before sign-in"
    client.post("/sign-in", data={"email": "a@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted before sign-in"
        assert session["_user_id"]


@pytest.mark.parametrize(
    "forged",
    [{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}],
    ids=["host", "x-forwarded-host"],
)
def test_a_forged_host_never_reaches_an_emailed_link(app, make_app, forged):
    """Whatever host the request names, the reset link starts with BASE_URL, or the request is
    refused. Behind the proxy, X-Forwarded-Host is the host Flask would believe."""
    proxied = make_app(type("Proxied", (SuiteConfig,), {"PROXY_FIX": True, "TRUSTED_HOSTS": None}))
    make_user(email="a@example.org")
    transaction.commit()
    for served in (app, proxied):
        response = served.test_client().post(
            "/password-reset", data={"email": "a@example.org"}, headers=forged
        )
        assert response.status_code in (200, 400)
    outbox = app.extensions["mailman"].outbox + proxied.extensions["mailman"].outbox
    links = [re.search(r"https?://\S+", message.body)[0] for message in outbox]
    assert links, "the untrusting app still sends the link"
    assert all(link.startswith("http://localhost/password-reset/") for link in links)


def test_requests_for_other_hosts_are_refused(client):
    assert client.get("/sign-in", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/sign-in", headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_links_built_outside_a_request_use_the_base_url(app):
    assert url_for("accounts.sign_in") == "http://localhost/sign-in"


def test_a_closed_account_cannot_sign_in_and_its_sessions_end(app, client):
    person = make_user(email="a@example.org")
    signed_in_elsewhere = app.test_client()
    sign_in(signed_in_elsewhere, person)
    assert signed_in_elsewhere.get("/account").status_code == 200
    person.is_active_account = False
    transaction.commit()
    response = _sign_in(client, "a@example.org")
    assert response.status_code == 200
    assert "Your account has been closed" in error_messages(response)[0]
    assert "Your account has been closed" not in str(
        error_messages(_sign_in(client, "a@example.org", "wrong wrong wrong"))
    )  # only the right password learns the account is closed
    assert signed_in_elsewhere.get("/account").status_code == 302


def test_an_invitation_to_an_existing_account_is_accepted_by_its_owner_signed_in(
    app, client, outbox
):
    admin = make_user(Role.ADMIN)
    owner = make_user(email="owner@example.org")
    sign_in(client, admin)
    client.post("/admin/users/invite", data={"email": owner.email, "role": "panel_member"})
    assert set(owner.roles) == set()  # typing the address did not change the account
    link = _emailed_link(outbox[0], "/invitations/")
    page = soup_of(client.get(link))  # the admin, signed in as themselves, cannot accept it
    assert page.find("button", string=re.compile("Accept")) is None
    assert client.post(link).status_code == 200
    assert set(services.find_by_email(owner.email).roles) == set()

    visitor = app.test_client()
    assert visitor.get(link).headers["Location"].startswith("/sign-in?next=/invitations/")
    sign_in(visitor, owner)
    assert visitor.post(link).headers["Location"] == "/home"
    assert set(services.find_by_email(owner.email).roles) == {Role.PANEL_MEMBER}
    assert visitor.get("/account").status_code == 200  # still signed in, with the new role
