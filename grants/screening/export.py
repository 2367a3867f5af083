"""The filtered screening queue as a CSV file, streamed in batches, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from grants.applications.models import Application
from grants.clock import utc_to_uk, utcnow
from grants.extensions import db
from grants.screening.queue import QueueFilters, queue_query

EXPORT_BATCH_SIZE = 200

CSV_HEADINGS = [
    "Reference",
    "Project title",
    "Group",
    "Round",
    "Status",
    "Sent (UK time)",
    "Amount requested (£)",
    "Neighbourhoods",
    "Main principle",
    "How it reached us",
    "Entered by an officer",
]
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a cell that a spreadsheet would run as a formula read as plain text instead."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def csv_pounds(pence: int) -> str:
    """123450 -> '1234.50', 50000 -> '500.00': without the £ and thousands commas that would
    make a spreadsheet read the amount as text, and always with pence so a column lines up."""
    pounds, remainder = divmod(pence, 100)
    return f"{pounds}.{remainder:02d}"


def csv_row(application: Application) -> list[str]:
    sent = utc_to_uk(application.submitted_at) if application.submitted_at else None
    cells = [
        application.reference or "",
        application.title or "",
        application.organisation.name,
        application.round.title,
        application.status.label,
        sent.strftime("%Y-%m-%d %H:%M") if sent else "",
        csv_pounds(application.amount_requested_pence),
        "; ".join(n.name for n in application.neighbourhoods),
        application.main_principle.name if application.main_principle else "",
        application.channel.label,
        "Yes" if application.is_assisted else "No",
    ]
    return [neutralise(cell) for cell in cells]


def export_csv(filters: QueueFilters) -> Iterator[str]:
    """The filtered queue as CSV text, in batches: rows are read from the database a batch at a
    time and each batch is sent before the next is read, so memory stays flat for any size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")  # lets Excel read the file as UTF-8, so names like "Café" survive
    writer.writerow(CSV_HEADINGS)
    yield flush()
    query = queue_query(filters).execution_options(yield_per=EXPORT_BATCH_SIZE)
    for batch in db.session.scalars(query).partitions():
        writer.writerows(csv_row(application) for application in batch)
        yield flush()


def export_filename(today: date | None = None) -> str:
    """Named for the UK date it was made, so a day's downloads sort together."""
    return f"applications-{(today or utc_to_uk(utcnow()).date()).isoformat()}.csv"
