"""The account forms, sent hostile bodies: registering, signing in, and registering from a group
invitation. Never a 500; a refused registration makes no account, and nobody is signed in or made
a member by a body that is not a valid registration."""

from __future__ import annotations

import itertools

from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from grants import transaction
from grants.accounts.models import User
from grants.extensions import db, limiter
from grants.organisations import services as organisations
from tests.factories import PASSWORD, make_group, make_user
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, get, post, redirected_to

_invited = itertools.count(1)

NOT_EMAILS = ("friend@", "@example.org", "a@b", "friend@exämple.org")


def account_fields() -> dict:
    return {
        "full_name": fuzz.text_field("Fran Friend", tricky=["x" * 201]),
        "email": fuzz.text_field("fran@example.org", "Taken@Example.org", tricky=NOT_EMAILS),
        "password": fuzz.text_field(PASSWORD, tricky=["short", "password1234", "x" * 300]),
        "confirm_password": fuzz.text_field(PASSWORD, tricky=["something else entirely"]),
    }


def _people() -> int:
    return db.session.scalar(select(func.count(User.id)))


@FUZZ
@given(data=st.data())
def test_registering_and_signing_in(client, data):
    limiter.reset()
    if _people() == 0:
        make_user(email="taken@example.org")
        transaction.commit()
    body = data.draw(fuzz.form_bodies(account_fields()), label="body")
    people = _people()
    response = post(client, "/register", body)
    event(f"register answered {response.status_code}")
    assert _people() - people in (0, 1)
    assert get(client, "/account").status_code == 302  # registering alone never signs in

    response = post(client, "/sign-in", {k: body[k] for k in ("email", "password") if k in body})
    event(f"sign-in answered {response.status_code}")
    if response.status_code == 302:
        client.post("/sign-out")


@FUZZ
@given(data=st.data(), token=st.text(max_size=60))
def test_registering_from_a_group_invitation(client, data, token):
    limiter.reset()
    member = make_user()
    group = make_group(member)
    tokens: list[str] = []
    invited = f"fran{next(_invited)}@example.org"
    organisations.invite_member(
        member, group, invited, link_for=lambda made: tokens.append(made) or made
    )
    transaction.commit()
    body = data.draw(fuzz.form_bodies(account_fields()), label="body")
    for used in (token.replace("/", "") or "x", tokens[0]):
        response = post(client, f"/groups/invitations/{used}/register", body)
        event(f"answered {response.status_code}")
        joined = redirected_to(response, f"/groups/{group.id}")
        person = db.session.scalar(select(User).where(User.email == invited))
        assert joined == (person is not None and organisations.is_member(person, group.id))
        if joined:
            client.post("/sign-out")
