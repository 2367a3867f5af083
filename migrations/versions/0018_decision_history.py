"""decision versions and the stored decision record with addenda

Revision ID: 0018_decision_history
Revises: 0017_role_grants
Create Date: 2026-12-04 18:30:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0018_decision_history"
down_revision = "0017_role_grants"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
