"""Plain functions that make test data through the same services the app uses."""

from __future__ import annotations

import itertools

from grants import transaction
from grants.accounts import services as accounts
from grants.accounts.models import User
from grants.organisations import services as organisations
from grants.organisations.models import Organisation
from grants.permissions import Role

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_user(
    *roles: Role | None,
    email: str | None = None,
    name: str | None = None,
    confirmed: bool = True,
) -> User:
    """A person with these roles: ``make_user()`` has none (they apply through their groups),
    ``make_user(Role.ADMIN, Role.PROGRAMME_OFFICER)`` combines two. ``None`` stands for no role,
    so a parametrised test can include "a person with no roles" among the roles it tries.
    ``confirmed=False`` makes someone who has not yet followed their confirmation link."""
    number = next(_numbers)
    user = accounts.create_user(
        email=email or f"person{number}@example.org",
        full_name=name or f"Person {number}",
        password=PASSWORD,
        roles={role for role in roles if role is not None},
    )
    if not confirmed:
        user.email_confirmed_at = None
    return user


def group_details(**overrides) -> organisations.GroupDetails:
    values = {
        "name": "Pemberton Allotment Society",
        "org_type": "constituted_group",
        "charity_number": None,
        "company_number": None,
        "society_number": None,
        "address_line_1": "1 Orrell Road",
        "address_line_2": None,
        "town": "Wigan",
        "postcode": "WN5 8AB",
        "income_band": "under_10k",
        "contact_phone": "01942 123456",
    }
    values.update(overrides)
    return organisations.GroupDetails(**values)


def make_group(member: User, **overrides) -> Organisation:
    return organisations.create_group(member, group_details(**overrides))


def sign_in(client, user: User) -> None:
    """Sign in without a password round trip (the sign-in form has tests of its own).

    What the test made so far is committed first, as if earlier requests had made it: a request
    that fails rolls back its own work only, never the test's set-up.
    """
    transaction.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
