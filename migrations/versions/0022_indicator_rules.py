"""(reserved: indicator rules)

Revision ID: 0022_indicator_rules
Revises: 0021_monitoring
Create Date: 2026-12-06 21:20:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0022_indicator_rules"
down_revision = "0021_monitoring"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
