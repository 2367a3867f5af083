"""(reserved: review)

Revision ID: 0025_review
Revises: 0024_stories
Create Date: 2026-12-06 21:20:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0025_review"
down_revision = "0024_stories"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
