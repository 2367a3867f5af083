"""(reserved: report form)

Revision ID: 0023_report_form
Revises: 0022_indicator_rules
Create Date: 2026-12-06 21:20:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0023_report_form"
down_revision = "0022_indicator_rules"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
