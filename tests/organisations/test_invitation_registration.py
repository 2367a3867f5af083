"""Someone invited to a group who has no account creates one from the invitation and is a member
at once, without a second emailed link."""

from __future__ import annotations

import pytest

from grants import transaction
from grants.accounts import services as accounts
from grants.organisations import services
from tests.checks import error_messages, soup_of
from tests.factories import PASSWORD, make_group, make_user, sign_in


@pytest.fixture
def invitation(outbox):
    member = make_user(name="Ada Member")
    group = make_group(member, name="Pemberton Allotment Society")
    tokens: list[str] = []
    services.invite_member(
        member, group, "Friend@example.org", link_for=lambda token: tokens.append(token) or token
    )
    transaction.commit()
    outbox.clear()
    return group, tokens[0]


def _new_account(**overrides):
    return {"full_name": "Fran Friend", "password": PASSWORD, "confirm_password": PASSWORD} | (
        overrides
    )


def test_a_signed_out_visitor_is_offered_an_account_to_join(client, invitation):
    _group, token = invitation
    page = soup_of(client.get(f"/groups/invitations/{token}"))
    create = page.find("a", string=lambda text: text and "Create an account and join" in text)
    assert create["href"] == f"/groups/invitations/{token}/register"
    sign_in_link = page.find("a", string=lambda text: text and "Sign in to join" in text)
    assert sign_in_link["href"] == f"/sign-in?next=/groups/invitations/{token}"


def test_registering_from_the_invitation_joins_the_group_at_once(client, invitation, outbox):
    group, token = invitation
    page = client.get(f"/groups/invitations/{token}/register")
    assert "friend@example.org" in page.get_data(as_text=True)
    response = client.post(f"/groups/invitations/{token}/register", data=_new_account())
    assert response.location == f"/groups/{group.id}"
    person = accounts.find_by_email("friend@example.org")
    assert services.is_member(person, group.id)
    assert person.email_confirmed  # the invitation's link proved the address
    assert not any("/confirm-email/" in message.body for message in outbox)
    assert client.get(f"/groups/{group.id}").status_code == 200  # signed in, no second link
    assert client.get(f"/groups/invitations/{token}/register").status_code == 410  # used


def test_registration_errors_from_the_invitation_keep_the_invitation(client, invitation):
    group, token = invitation
    response = client.post(
        f"/groups/invitations/{token}/register",
        data=_new_account(full_name="", password="short", confirm_password="short"),
    )
    assert response.status_code == 200
    assert "Enter your full name" in error_messages(response)
    assert accounts.find_by_email("friend@example.org") is None
    assert services.open_group_invitation(token) is not None


def test_an_address_with_an_account_signs_in_to_join_instead(client, invitation):
    _group, token = invitation
    make_user(email="friend@example.org")
    response = client.get(f"/groups/invitations/{token}/register")
    assert response.location == f"/sign-in?next=/groups/invitations/{token}"


def test_accepting_the_invitation_confirms_an_unconfirmed_address(client, invitation):
    group, token = invitation
    friend = make_user(email="friend@example.org", confirmed=False)
    sign_in(client, friend)
    assert client.post(f"/groups/invitations/{token}").location == f"/groups/{group.id}"
    assert accounts.find_by_email("friend@example.org").email_confirmed
