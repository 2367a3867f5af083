"""(reserved: reminders)

Revision ID: 0026_reminders
Revises: 0025_review
Create Date: 2026-12-06 21:20:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0026_reminders"
down_revision = "0025_review"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
