"""The same account given by two groups: finance is warned, with the other group named, and
verifying it needs a written reason. Found by keyed fingerprints, never by decrypting rows."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from grants import transaction
from grants.awards import bank, crypto
from grants.awards.models import VerificationMethod
from grants.errors import InvalidInput
from grants.extensions import db
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_payments_setup import accept, enter_details
from tests.checks import error_messages
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def _two_groups(**second_account):
    first, second = released_award(), released_award()
    accept(first.award)
    accept(second.award)
    first.award.organisation.name = "Pemberton Allotment Society"
    second.award.organisation.name = "Ince Youth Football Club"
    enter_details(first.member, first.award)
    details = enter_details(second.member, second.award, **second_account)
    return first, second, details


def test_the_same_account_in_another_format_is_found_without_decrypting(monkeypatch):
    first, second, details = _two_groups(sort_code="309430", account_number="00733445")

    def refuse(token):
        raise AssertionError("the check must not decrypt")

    monkeypatch.setattr(crypto, "decrypt", refuse)
    assert [o.name for o in bank.groups_with_same_account(details)] == [
        "Pemberton Allotment Society"
    ]
    assert len(details.account_fingerprint) == 64
    assert "00733445" not in details.account_fingerprint


def test_another_account_or_the_groups_own_old_one_is_no_warning():
    first, second, details = _two_groups(account_number="11112222")
    assert bank.groups_with_same_account(details) == []
    changed = enter_details(second.member, second.award, account_number="11112222")
    assert bank.groups_with_same_account(changed) == []  # its own earlier row does not count


def test_the_fingerprint_is_keyed(app, monkeypatch):
    plain = crypto.fingerprint("309430", "00733445")
    monkeypatch.setitem(app.config, "BANK_DETAILS_FINGERPRINT_KEY", "another key")
    assert crypto.fingerprint("309430", "00733445") != plain


def test_verifying_a_duplicate_needs_a_written_reason():
    first, second, details = _two_groups()
    officer = finance_officer()
    with pytest.raises(InvalidInput) as refused:
        bank.verify(officer, details, VerificationMethod.CALL_BACK, "   ")
    assert "Another group has given this account" in refused.value.errors["note"]
    assert not details.is_verified
    bank.verify(officer, details, VerificationMethod.CALL_BACK, "Both groups share a treasurer")
    assert details.is_verified and details.duplicate_reason == "Both groups share a treasurer"


def test_finance_is_warned_with_the_other_group_named_and_the_group_is_not(client):
    first, second, details = _two_groups()
    transaction.commit()
    officer = finance_officer()
    sign_in(client, officer)
    for url in (f"/awards/{second.award.id}", f"/payments/bank-details/{details.id}/verify"):
        text = client.get(url).get_data(as_text=True)
        assert "Another group has given the same sort code and account number" in text, url
        assert "Pemberton Allotment Society" in text, url
    response = client.post(
        f"/payments/bank-details/{details.id}/verify", data={"method": "call_back", "note": ""}
    )
    assert response.status_code == 200
    assert error_messages(response) == [bank.DUPLICATE_REASON_NEEDED]
    db.session.expire_all()
    assert not details.is_verified
    sign_in(client, second.member)
    text = client.get(f"/awards/{second.award.id}").get_data(as_text=True)
    assert "Pemberton Allotment Society" not in text and "Another group" not in text


def test_rotating_the_key_keeps_duplicates_found(app, monkeypatch):
    first, second, details = _two_groups()
    new_key = Fernet.generate_key().decode()
    monkeypatch.setitem(
        app.config, "BANK_DETAILS_KEYS", [new_key, *app.config["BANK_DETAILS_KEYS"]]
    )
    before = details.account_fingerprint
    crypto.rotate_all()
    assert details.account_fingerprint != before
    assert [o.id for o in bank.groups_with_same_account(details)] == [first.award.organisation_id]
