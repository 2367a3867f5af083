"""Proving an email address: a new account's link, its expiry and what it names."""

from __future__ import annotations

import pytest

from grants import transaction
from grants.accounts import confirmation, services
from grants.errors import DomainError
from tests.conftest import SuiteConfig
from tests.factories import PASSWORD


def _link(captured: list):
    def link_for(token: str) -> str:
        captured.append(token)
        return f"http://localhost/link/{token}"

    return link_for


def test_a_new_account_is_unconfirmed_until_its_link_is_followed(outbox):
    tokens: list[str] = []
    user = services.register_applicant(
        email="new@example.org", full_name="New Person", password=PASSWORD, link_for=_link(tokens)
    )
    transaction.commit()
    assert not user.email_confirmed
    assert outbox[0].to == ["new@example.org"] and tokens[0] in outbox[0].body
    assert confirmation.confirm_email(tokens[0]) == (user, True)
    assert user.email_confirmed
    assert confirmation.confirm_email(tokens[0]) == (user, False)  # a second click changes nothing
    with pytest.raises(DomainError):
        confirmation.confirm_email(tokens[0][:-2])


def test_a_confirmation_link_expires_and_names_the_address(app, outbox):
    tokens: list[str] = []
    user = services.register_applicant(
        email="new@example.org", full_name="New Person", password=PASSWORD, link_for=_link(tokens)
    )
    user.email = "changed@example.org"
    with pytest.raises(DomainError):
        confirmation.confirm_email(tokens[0])
    user.email = "new@example.org"
    app.config["EMAIL_CONFIRMATION_MAX_AGE"] = -1
    try:
        with pytest.raises(DomainError):
            confirmation.confirm_email(tokens[0])
    finally:
        app.config["EMAIL_CONFIRMATION_MAX_AGE"] = SuiteConfig.EMAIL_CONFIRMATION_MAX_AGE
