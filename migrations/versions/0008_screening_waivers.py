"""screening: checklist items waived with a reason, and corrected outcomes

Revision ID: 0008_screening_waivers
Revises: 0007_accounts_security
Create Date: 2026-11-29 19:30:00

An eligibility check keeps, beside the items the officer confirmed, the items they waived with
their written reasons. A check that corrects an earlier outcome names the check it corrects and
the reason; the database refuses one without the other.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_screening_waivers"
down_revision = "0007_accounts_security"
branch_labels = None
depends_on = None

# SQLite rebuilds the table: keep AUTOINCREMENT (0006), so a deleted check's id is never reused.
KEEP_IDS_UNIQUE = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("eligibility_check", table_kwargs=KEEP_IDS_UNIQUE) as batch:
        batch.add_column(
            sa.Column("waivers", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("correction_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_eligibility_check_corrects_id_eligibility_check"),
            "eligibility_check",
            ["corrects_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_check_constraint(
            op.f("ck_eligibility_check_correction_has_reason"),
            "(corrects_id IS NULL) = (correction_reason IS NULL)",
        )


def downgrade() -> None:
    with op.batch_alter_table("eligibility_check", table_kwargs=KEEP_IDS_UNIQUE) as batch:
        batch.drop_constraint(op.f("ck_eligibility_check_correction_has_reason"), type_="check")
        batch.drop_constraint(
            op.f("fk_eligibility_check_corrects_id_eligibility_check"), type_="foreignkey"
        )
        batch.drop_column("correction_reason")
        batch.drop_column("corrects_id")
        batch.drop_column("waivers")
