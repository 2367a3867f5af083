"""control characters cleaned from single-line fields

Revision ID: 0019_single_line_text
Revises: 0018_decision_history
Create Date: 2026-12-04 18:30:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0019_single_line_text"
down_revision = "0018_decision_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
