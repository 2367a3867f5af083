"""(reserved: stories)

Revision ID: 0024_stories
Revises: 0023_report_form
Create Date: 2026-12-06 21:20:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0024_stories"
down_revision = "0023_report_form"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
