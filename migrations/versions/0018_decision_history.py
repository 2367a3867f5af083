"""decision versions and the stored decision record with addenda

Revision ID: 0018_decision_history
Revises: 0017_role_grants
Create Date: 2026-12-04 18:30:00

Every existing decision becomes its version 1 (what it says now, by whoever recorded it, released
when it was), and feedback already written counts as written for that version. The decision
record of a meeting closed before this is stored the first time it is downloaded.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_decision_history"
down_revision = "0017_role_grants"
branch_labels = None
depends_on = None

OUTCOMES = ("fund", "fund_reduced", "fund_with_conditions", "reserve", "decline")
RECORD_KINDS = ("record", "decision_changed", "conflict_found")
COPIED = (
    "outcome",
    "amount_pence",
    "reduced_reason",
    "conditions",
    "rationale",
    "decline_reason_id",
    "decline_detail",
    "departs_from_ranking",
    "departure_rationale",
    "rank_at_decision",
)


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    with op.batch_alter_table("panel_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("feedback_version", sa.Integer(), nullable=True))
    op.execute("UPDATE panel_decision SET feedback_version = 1 WHERE feedback IS NOT NULL")

    op.create_table(
        "panel_decision_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("outcome", _enum(OUTCOMES, "decision_outcome"), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("reduced_reason", sa.Text(), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decline_reason_id", sa.Integer(), nullable=True),
        sa.Column("decline_detail", sa.Text(), nullable=True),
        sa.Column("departs_from_ranking", sa.Boolean(), nullable=False),
        sa.Column("departure_rationale", sa.Text(), nullable=True),
        sa.Column("rank_at_decision", sa.Integer(), nullable=True),
        sa.Column("change_reason", sa.Text(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "amount_pence >= 0", name=op.f("ck_panel_decision_version_amount_not_negative")
        ),
        sa.CheckConstraint(
            "version = 1 OR change_reason IS NOT NULL",
            name=op.f("ck_panel_decision_version_change_has_reason"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_panel_decision_version_version_positive")),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user.id"],
            name=op.f("fk_panel_decision_version_changed_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["panel_decision.id"],
            name=op.f("fk_panel_decision_version_decision_id_panel_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["decline_reason_id"],
            ["panel_decline_reason.id"],
            name=op.f("fk_panel_decision_version_decline_reason_id_panel_decline_reason"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_decision_version")),
        sa.UniqueConstraint("decision_id", "version", name="one_decision_version_number"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_decision_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_decision_version_decision_id"), ["decision_id"], unique=False
        )
    columns = ", ".join(COPIED)
    op.execute(
        f"INSERT INTO panel_decision_version (decision_id, version, {columns}, change_reason, "
        "changed_by_id, changed_at, released_at) "
        f"SELECT id, 1, {columns}, NULL, decided_by_id, decided_at, released_at "
        "FROM panel_decision"
    )

    op.create_table(
        "panel_record_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(RECORD_KINDS, "record_document_kind"), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("stored_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'record') = (number = 0)",
            name=op.f("ck_panel_record_document_record_is_number_0"),
        ),
        sa.CheckConstraint(
            "number >= 0", name=op.f("ck_panel_record_document_number_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_panel_record_document_created_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panel.id"], name=op.f("fk_panel_record_document_panel_id_panel")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_record_document")),
        sa.UniqueConstraint("panel_id", "number", name="one_record_document_number"),
        sa.UniqueConstraint("stored_name", name=op.f("uq_panel_record_document_stored_name")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_record_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_record_document_panel_id"), ["panel_id"], unique=False
        )


def downgrade() -> None:
    """Stored records and later versions are dropped: the decision keeps its newest version."""
    with op.batch_alter_table("panel_record_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_record_document_panel_id"))
    op.drop_table("panel_record_document")
    with op.batch_alter_table("panel_decision_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_decision_version_decision_id"))
    op.drop_table("panel_decision_version")
    with op.batch_alter_table("panel_decision", schema=None) as batch_op:
        batch_op.drop_column("feedback_version")
        batch_op.drop_column("version")
