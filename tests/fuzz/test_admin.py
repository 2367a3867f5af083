"""The admin's searches and the form that closes an account, sent hostile input.

Never a 500. A search only ever reads; closing an account changes exactly the person named, and
only when the reason is a real answer.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from grants.accounts import services as accounts
from grants.extensions import db
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import make_user, sign_in
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, get, post, redirected_to


@pytest.fixture
def admin(client):
    user = make_user(Role.ADMIN, name="Ada Admin")
    make_user(Role.ADMIN, name="Ash Admin")
    sign_in(client, user)
    return user


@FUZZ
@given(data=st.data())
def test_searching_people_and_the_audit_log(client, admin, data):
    people = data.draw(fuzz.form_bodies({"q": fuzz.text_field("ada", "ADMIN")}), label="people")
    audit = data.draw(
        fuzz.form_bodies(
            {
                "action": fuzz.text_field("user.", "roles_changed"),
                "object_type": fuzz.text_field("user", "Organisation"),
                "actor": fuzz.text_field("ada", "example.org"),
                "page": fuzz.text_field("1", "2", tricky=["0", "-1", "99999999999999999999"]),
            }
        ),
        label="audit",
    )
    found = get(client, "/admin/users", query_string=people)
    logged = get(client, "/admin/audit", query_string=audit)
    event(f"answered {found.status_code} and {logged.status_code}")
    if found.status_code == 200:  # 400 only for a NUL character, refused before any search
        assert soup_of(found).find("input", {"name": "q"}) is not None
    if logged.status_code == 200:
        assert soup_of(logged).find("th", string="What changed") is not None


@FUZZ
@given(data=st.data())
def test_deactivating_someone(client, admin, data):
    body = data.draw(
        fuzz.form_bodies({"reason": fuzz.text_field("Left the council", tricky=["x" * 501])}),
        label="body",
    )
    person = make_user(Role.PANEL_MEMBER)

    response = post(client, f"/admin/users/{person.id}/deactivate", body)

    assert response.status_code in (200, 302, 400)  # the form with its errors, done, or a NUL
    db.session.refresh(person)
    deactivated = redirected_to(response, f"/admin/users/{person.id}")
    event("deactivated" if deactivated else f"answered {response.status_code}")
    assert person.is_active_account is not deactivated
    db.session.refresh(admin)
    assert admin.is_active_account
    response = post(client, f"/admin/users/{admin.id}/deactivate", body)
    db.session.refresh(admin)
    assert admin.is_active_account and not redirected_to(response, f"/admin/users/{admin.id}")
    if deactivated:
        accounts.reactivate_user(admin, person)
