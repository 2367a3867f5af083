"""The ledger and the payments as CSV and XLSX files for finance, streamed.

Rows are read from the database a batch at a time (``yield_per``) and each batch is written out
before the next is read, so memory stays flat however many awards there are. Money is in pounds
with two decimals, made from pence with ``Decimal`` (never a float). A cell a spreadsheet would
run as a formula is made plain text. No bank details are ever read here: the payment run's file
is the only one that carries them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from tempfile import SpooledTemporaryFile

from openpyxl import Workbook
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from grants.accounts.models import User
from grants.applications.models import Application
from grants.awards.ledger import award_money
from grants.awards.models import Award, Payment
from grants.awards.reports import NO_NEIGHBOURHOOD, NO_PRINCIPLE, neighbourhoods_of
from grants.clock import uk_today
from grants.extensions import db
from grants.funds.models import Contribution, Fund, Round
from grants.organisations.models import Organisation
from grants.reference.models import Principle
from grants.screening.export import neutralise

BATCH_SIZE = 200
CHUNK_BYTES = 64 * 1024
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LEDGER_HEADINGS = [
    "Reference",
    "Group",
    "Fund",
    "Round",
    "Contributor",
    "Neighbourhoods",
    "Main principle",
    "Status",
    "Amount (£)",
    "Committed (£)",
    "Paid (£)",
    "Recovered (£)",
    "Outstanding (£)",
]
PAYMENT_HEADINGS = [
    "Award reference",
    "Group",
    "Instalment",
    "Amount (£)",
    "Due",
    "Status",
    "Raised by",
    "Approved by",
    "Paid on",
    "Remittance reference",
]


def pounds(pence: int) -> Decimal:
    """12345 -> Decimal('123.45'); 100 -> Decimal('1.00'): exact, always two places."""
    return Decimal(pence).scaleb(-2)


def _filtered(query: Select, fund_id: int | None, round_id: int | None) -> Select:
    if fund_id is not None:
        query = query.where(Round.fund_id == fund_id)
    if round_id is not None:
        query = query.where(Award.round_id == round_id)
    return query


def _ledger_query(fund_id: int | None, round_id: int | None) -> Select:
    query = (
        select(
            Award.id,
            Award.reference,
            Organisation.name,
            Fund.name,
            Round.title,
            Contribution.contributor_name,
            Principle.name,
            Award.status,
        )
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Round, Round.id == Award.round_id)
        .join(Fund, Fund.id == Round.fund_id)
        .join(Application, Application.id == Award.application_id)
        .outerjoin(Contribution, Contribution.id == Award.contribution_id)
        .outerjoin(Principle, Principle.id == Application.main_principle_id)
        .order_by(Award.id)
    )
    return _filtered(query, fund_id, round_id).execution_options(yield_per=BATCH_SIZE)


def ledger_rows(fund_id: int | None = None, round_id: int | None = None) -> Iterator[list]:
    """One row per award, a batch at a time: its names, then its money from the ledger."""
    result = db.session.execute(_ledger_query(fund_id, round_id))
    for batch in result.partitions():
        ids = [row[0] for row in batch]
        money = {m.award_id: m for m in award_money(Award.id.in_(ids))}
        places = neighbourhoods_of(ids)
        for award_id, reference, group, fund, round_title, contributor, principle, status in batch:
            figures = money[award_id]
            yield [
                reference,
                group,
                fund,
                round_title,
                contributor or "",
                "; ".join(places.get(award_id) or [NO_NEIGHBOURHOOD]),
                principle or NO_PRINCIPLE,
                status.label,
                pounds(figures.amount_pence),
                pounds(figures.committed_pence),
                pounds(figures.paid_pence),
                pounds(figures.recovered_pence),
                pounds(figures.outstanding_pence),
            ]


def payment_rows(fund_id: int | None = None, round_id: int | None = None) -> Iterator[list]:
    raiser, approver = aliased(User), aliased(User)
    query = (
        select(
            Award.reference,
            Organisation.name,
            Payment.number,
            Payment.amount_pence,
            Payment.due_on,
            Payment.status,
            raiser.full_name,
            approver.full_name,
            Payment.paid_on,
            Payment.remittance_reference,
        )
        .join(Award, Award.id == Payment.award_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Round, Round.id == Award.round_id)
        .outerjoin(raiser, raiser.id == Payment.raised_by_id)
        .outerjoin(approver, approver.id == Payment.approved_by_id)
        .order_by(Award.id, Payment.number)
    )
    query = _filtered(query, fund_id, round_id).execution_options(yield_per=BATCH_SIZE)
    for batch in db.session.execute(query).partitions():
        for reference, group, number, amount, due, status, raised, approved, paid, remit in batch:
            yield [
                reference,
                group,
                number,
                pounds(amount),
                due,
                status.label,
                raised or "",
                approved or "",
                paid,
                remit or "",
            ]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Decimal, int)):
        return str(value)
    return neutralise(str(value))


def _xlsx_cell(value):
    if isinstance(value, str):
        return neutralise(value)
    return value


def as_csv(headings: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text, a batch of rows at a time, with a byte order mark so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")
    writer.writerow(headings)
    yield flush()
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if count % BATCH_SIZE == 0:
            yield flush()
    yield flush()


def as_xlsx(title: str, headings: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """An XLSX workbook written row by row (openpyxl's write-only mode keeps rows on disk) into a
    temporary file that stays in memory only while small, then sent in chunks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(headings)
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    with SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


def filename(kind: str, extension: str, today: date | None = None) -> str:
    return f"{kind}-{(today or uk_today()).isoformat()}.{extension}"
