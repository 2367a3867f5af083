"""control characters cleaned from single-line fields

Revision ID: 0019_single_line_text
Revises: 0018_decision_history
Create Date: 2026-12-04 18:30:00

Forms now refuse line breaks, tabs and other control characters in every single-line answer.
Rows written before keep none either: each run of such characters becomes one space, and the ends
are trimmed (an optional answer left empty becomes NULL) (the same as ``grants.single_line.single_line``, copied here so this revision never
changes). Email subjects are cleaned too, so messages stuck on a name with a line break can go.
Downgrading leaves the cleaned text as it is: the old characters are not worth restoring.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0019_single_line_text"
down_revision = "0018_decision_history"
branch_labels = None
depends_on = None

CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_CONTROL_RUN = re.compile(f" *(?:[{CONTROL_CHARACTERS}] *)+")

# table -> (primary key, single-line columns people type)
SINGLE_LINE = {
    "user": ("id", ["full_name", "representing"]),
    "organisation": (
        "id",
        ["name", "address_line_1", "address_line_2", "town", "contact_name", "contact_phone"],
    ),
    "panel_profile": ("user_id", ["organisation"]),
    "fund": (
        "id",
        ["name", "funder_name", "funder_org_id", "publisher_prefix", "publisher_website"],
    ),
    "fund_contribution": ("id", ["contributor_name", "contributor_org_id"]),
    "round": ("id", ["title"]),
    "criterion": ("id", ["name"]),
    "question": ("id", ["label"]),
    "application": ("id", ["title", "declaration_name"]),
    "budget_line": ("id", ["item"]),
    "outcome": ("id", ["indicator", "target"]),
    "document": ("id", ["original_name"]),
    "award": ("id", ["signatory_name", "signatory_role"]),
    "payment": ("id", ["remittance_reference"]),
    "neighbourhood": ("id", ["name", "place"]),
    "principle": ("id", ["name"]),
    "panel_decline_reason": ("id", ["label"]),
    "outbound_email": ("id", ["subject"]),
}


# Optional columns, where the app stores no answer as NULL rather than as empty text.
OPTIONAL = {
    ("user", "representing"),
    ("organisation", "address_line_2"),
    ("organisation", "contact_name"),
    ("organisation", "contact_phone"),
    ("panel_profile", "organisation"),
    ("fund", "publisher_prefix"),
    ("fund", "publisher_website"),
    ("application", "title"),
    ("application", "declaration_name"),
    ("award", "signatory_name"),
    ("award", "signatory_role"),
    ("payment", "remittance_reference"),
    ("neighbourhood", "place"),
}


def _cleaned(table: str, column: str, value: str) -> str | None:
    cleaned = _CONTROL_RUN.sub(" ", value).strip()
    return None if not cleaned and (table, column) in OPTIONAL else cleaned


def upgrade() -> None:
    connection = op.get_bind()
    for table_name, (key, columns) in SINGLE_LINE.items():
        table = sa.table(table_name, sa.column(key), *(sa.column(name) for name in columns))
        rows = connection.execute(sa.select(table.c[key], *(table.c[name] for name in columns)))
        for row in rows.fetchall():
            changes = {
                name: _cleaned(table_name, name, value)
                for name, value in zip(columns, row[1:], strict=True)
                if isinstance(value, str) and _CONTROL.search(value)
            }
            if changes:
                connection.execute(sa.update(table).where(table.c[key] == row[0]).values(changes))


def downgrade() -> None:
    pass
