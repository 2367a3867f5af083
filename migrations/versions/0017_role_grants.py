"""privileged roles proposed by one admin and confirmed by another

Revision ID: 0017_role_grants
Revises: 0016_payment_trust
Create Date: 2026-12-04 18:30:00

Granting the finance officer, bank-details viewer or admin role becomes a row of its own: who
proposed it, for whom (an account, or an invitation until it is accepted), who confirmed or
refused it and when it took effect. Roles held before this revision have no such row: nobody can
say now who granted them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_role_grants"
down_revision = "0016_payment_trust"
branch_labels = None
depends_on = None

KEEP_IDS_UNIQUE = {"sqlite_autoincrement": True}
ROLES = ("panel_member", "programme_officer", "finance_officer", "bank_details_viewer", "admin")
STATUSES = ("proposed", "confirmed", "refused", "withdrawn", "granted_alone")
PROPOSED = sa.text("status = 'proposed' AND user_id IS NOT NULL")


def _one_of(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("took_effect_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_one_of("role", ROLES), name=op.f("ck_role_grant_role")),
        sa.CheckConstraint(
            _one_of("status", STATUSES), name=op.f("ck_role_grant_role_grant_status")
        ),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR invitation_id IS NOT NULL",
            name=op.f("ck_role_grant_has_grantee"),
        ),
        sa.CheckConstraint(
            "status = 'withdrawn' OR decided_by_id IS NULL OR decided_by_id <> proposed_by_id",
            name=op.f("ck_role_grant_second_admin"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_role_grant_user_id_user")),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_role_grant_invitation_id_invitation"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["user.id"], name=op.f("fk_role_grant_proposed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_role_grant_decided_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grant")),
        **KEEP_IDS_UNIQUE,
    )
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_grant_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_role_grant_invitation_id"), ["invitation_id"], unique=True
        )
        batch_op.create_index(
            batch_op.f("ix_role_grant_took_effect_at"), ["took_effect_at"], unique=False
        )
        batch_op.create_index(
            "uq_role_grant_proposed",
            ["user_id", "role"],
            unique=True,
            sqlite_where=PROPOSED,
            postgresql_where=PROPOSED,
        )


def downgrade() -> None:
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.drop_index("uq_role_grant_proposed")
        batch_op.drop_index(batch_op.f("ix_role_grant_took_effect_at"))
        batch_op.drop_index(batch_op.f("ix_role_grant_invitation_id"))
        batch_op.drop_index(batch_op.f("ix_role_grant_user_id"))
    op.drop_table("role_grant")
