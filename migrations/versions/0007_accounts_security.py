"""sign-in security: confirmed email addresses

Every account made before confirmation existed counts as confirmed from when it was made: those
people were invited or registered under the old rules, and locking them out now would help nobody.

Revision ID: 0007_accounts_security
Revises: 0006_integrity
Create Date: 2026-11-29 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_accounts_security"
down_revision = "0006_integrity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True))
    user = sa.table(
        "user",
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("email_confirmed_at", sa.DateTime(timezone=True)),
    )
    op.execute(user.update().values(email_confirmed_at=user.c.created_at))


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_column("email_confirmed_at")
