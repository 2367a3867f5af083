"""offline group handover approval and contact change notices

Revision ID: 0015_group_handover
Revises: 0014_membership_history
Create Date: 2026-12-04 18:30:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0015_group_handover"
down_revision = "0014_membership_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
