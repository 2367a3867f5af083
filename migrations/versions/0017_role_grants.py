"""privileged roles proposed by one admin and confirmed by another

Revision ID: 0017_role_grants
Revises: 0016_payment_trust
Create Date: 2026-12-04 18:30:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0017_role_grants"
down_revision = "0016_payment_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
