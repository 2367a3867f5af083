"""The ledger and payments exports: one row per award or payment, money in pounds as exact
decimals, safe to open in a spreadsheet, streamed, private, and never any bank details."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from grants.awards import exports
from grants.awards.models import BankDetails
from grants.awards.states import PaymentStatus
from grants.clock import utcnow
from grants.extensions import db
from tests.awards.factories import finance_officer, released_awards
from tests.awards.test_variations import in_force, pay
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("reference_data")

SECRET_ACCOUNT = "31926819"


@pytest.fixture
def world():
    raiser, approver = finance_officer(name="Rae Raiser"), finance_officer(name="Abe Approver")
    first, second = released_awards([1_000_001, 150_000])
    in_force(first.award)
    pay(first.award.payments[0], raiser, approver)
    first.award.application.organisation.name = '=HYPERLINK("http://evil")'
    in_force(second.award)
    db.session.add(
        BankDetails(
            organisation_id=first.award.organisation_id,
            encrypted=f"plain-{SECRET_ACCOUNT}-40-47-84",
            account_last4=SECRET_ACCOUNT[-4:],
            entered_by_id=first.member.id,
            verified_at=utcnow(),
            verified_by_id=raiser.id,
            verification_method="call_back",
        )
    )
    db.session.flush()
    return first, second


def _csv(client, kind: str) -> list[dict]:
    response = client.get(f"/finance/exports/{kind}.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert SECRET_ACCOUNT not in text and SECRET_ACCOUNT[-4:] not in text
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_ledger_csv_has_a_row_per_award_in_pounds(client, world):
    first, second = world
    sign_in(client, finance_officer())
    rows = _csv(client, "ledger")
    assert [r["Reference"] for r in rows] == [first.award.reference, second.award.reference]
    row = rows[0]
    assert row["Group"].startswith("'=")  # a formula is made plain text
    assert (row["Amount (£)"], row["Paid (£)"], row["Outstanding (£)"]) == (
        "10000.01",
        "5000.01",
        "5000.00",
    )
    assert row["Committed (£)"] == "10000.01" and row["Recovered (£)"] == "0.00"
    assert row["Status"] == "Active" or row["Status"] == "Accepted"


def test_the_payments_csv_says_who_raised_and_approved(client, world):
    first, _ = world
    sign_in(client, finance_officer())
    rows = _csv(client, "payments")
    paid = next(r for r in rows if r["Status"] == PaymentStatus.PAID.label)
    assert (paid["Raised by"], paid["Approved by"], paid["Amount (£)"]) == (
        "Rae Raiser",
        "Abe Approver",
        "5000.01",
    )
    assert paid["Remittance reference"].startswith("REM-")
    assert len(rows) == len(first.award.payments) + 1


def test_the_xlsx_exports_open_with_exact_decimals(client, world):
    sign_in(client, finance_officer())
    for kind, column in (("ledger", "Amount (£)"), ("payments", "Amount (£)")):
        response = client.get(f"/finance/exports/{kind}.xlsx")
        assert response.status_code == 200 and response.is_streamed
        assert response.mimetype == exports.XLSX_MIMETYPE
        assert response.headers["Cache-Control"] == "private, no-store"
        body = response.get_data()
        assert SECRET_ACCOUNT.encode() not in body
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        index = rows[0].index(column)
        assert rows[1][index] in (10000.01, 5000.01)
        texts = [cell for row in rows for cell in row if isinstance(cell, str)]
        assert not any(t.startswith("=") for t in texts)


def test_money_becomes_exact_pounds():
    assert exports.pounds(100) == Decimal("1.00")
    assert str(exports.pounds(123_456)) == "1234.56"
    assert str(exports.pounds(-150)) == "-1.50"


def test_filters_and_rows_in_batches(world, monkeypatch):
    first, _ = world
    monkeypatch.setattr(exports, "BATCH_SIZE", 1)
    rows = list(exports.ledger_rows(round_id=first.award.round_id))
    assert [r[0] for r in rows] == [first.award.reference, world[1].award.reference]
    assert list(exports.ledger_rows(fund_id=999)) == []
    chunks = list(exports.as_csv(exports.LEDGER_HEADINGS, iter(rows)))
    assert len(chunks) >= 3
