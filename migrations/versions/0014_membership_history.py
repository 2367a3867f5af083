"""membership kept with dates: ended, never deleted

Revision ID: 0014_membership_history
Revises: 0013_awards
Create Date: 2026-12-04 18:30:00

A membership that ends keeps its row, with when it ended and who ended it, so the conflict rule
can ask who belonged to a group at any time since an application was made. The unique pair
becomes a partial unique index over open memberships, so a rejoin is a new row. Downgrading
deletes the ended rows (the old schema cannot hold them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_membership_history"
down_revision = "0013_awards"
branch_labels = None
depends_on = None

OPEN = sa.text("ended_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ended_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_membership_ended_by_id_user"), "user", ["ended_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            "ends_after_joining", "ended_at IS NULL OR ended_at >= joined_at"
        )
        batch_op.drop_constraint("uq_membership_pair", type_="unique")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(
            "uq_membership_pair",
            ["organisation_id", "user_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def downgrade() -> None:
    op.execute("DELETE FROM membership WHERE ended_at IS NOT NULL")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index("uq_membership_pair")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_membership_pair", ["organisation_id", "user_id"])
        batch_op.drop_constraint(op.f("ck_membership_ends_after_joining"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_membership_ended_by_id_user"), type_="foreignkey")
        batch_op.drop_column("ended_by_id")
        batch_op.drop_column("ended_at")
