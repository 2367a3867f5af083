"""admin: invitations that can be revoked

Revision ID: 0010_admin
Revises: 0009_application_rules
Create Date: 2026-11-29 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_admin"
down_revision = "0009_application_rules"
branch_labels = None
depends_on = None

# Every invitation table shares grants.invitations.InvitationMixin, so each gets the column.
INVITATION_TABLES = ("invitation", "group_invitation")


def upgrade() -> None:
    for table in INVITATION_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in INVITATION_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("revoked_at")
