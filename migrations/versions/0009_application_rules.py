"""application rules: rounds that allow several applications per group, waived documents

Revision ID: 0009_application_rules
Revises: 0008_screening_waivers
Create Date: 2026-11-29 19:30:00

A round says whether a group may send more than one application to it (by default it may not).
An officer may agree that an assisted application goes without a required supporting document:
each waiver is a row naming the document, who agreed it, when and why (a reason is required).
Resends need no column: the first sent date stays on the application and every send already
writes a revision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_application_rules"
down_revision = "0008_screening_waivers"
branch_labels = None
depends_on = None

DOCUMENT_KINDS = (
    "governing_document",
    "safeguarding_policy",
    "accounts",
    "recording",
    "answer_file",
    "paper_scan",
)


def upgrade() -> None:
    with op.batch_alter_table("round") as batch:
        batch.add_column(
            sa.Column(
                "allows_several_applications",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    op.create_table(
        "document_waiver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*DOCUMENT_KINDS, name="document_kind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("waived_by_id", sa.Integer(), nullable=False),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in DOCUMENT_KINDS) + ")",
            name=op.f("ck_document_waiver_document_kind"),
        ),
        sa.CheckConstraint(
            "length(trim(reason)) > 0", name=op.f("ck_document_waiver_reason_given")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_document_waiver_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["waived_by_id"], ["user.id"], name=op.f("fk_document_waiver_waived_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_waiver")),
        sa.UniqueConstraint("application_id", "kind", name=op.f("uq_document_waiver_kind")),
    )
    with op.batch_alter_table("document_waiver") as batch:
        batch.create_index(
            batch.f("ix_document_waiver_application_id"), ["application_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("document_waiver") as batch:
        batch.drop_index(batch.f("ix_document_waiver_application_id"))
    op.drop_table("document_waiver")
    with op.batch_alter_table("round") as batch:
        batch.drop_column("allows_several_applications")
