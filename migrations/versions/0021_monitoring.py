"""monitoring: report templates, the group's reports, reviews and reminders

Revision ID: 0021_monitoring
Revises: 0020_indicators
Create Date: 2026-12-06 21:06:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_monitoring"
down_revision = "0020_indicators"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "interim",
                "final",
                name="report_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_report_template_round_id_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_template")),
        sa.UniqueConstraint("round_id", "kind", name="one_template_per_kind"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_template", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_template_round_id"), ["round_id"], unique=False)

    op.create_table(
        "report_template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_report_template_version_created_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["report_template.id"],
            name=op.f("fk_report_template_version_template_id_report_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_template_version")),
        sa.UniqueConstraint("template_id", "number", name="one_template_version_number"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_template_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_template_version_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "monitoring_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_due_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("template_version_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "changes_requested",
                "accepted",
                name="report_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "online",
                "phone",
                "paper",
                "in_person",
                "video_call",
                "interpreter",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=True),
        sa.Column("reach", sa.JSON(), nullable=False),
        sa.Column("story", sa.Text(), nullable=True),
        sa.Column(
            "story_consent",
            sa.Enum(
                "named",
                "anonymous",
                "council_only",
                name="story_consent",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("challenges", sa.Text(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("sections_saved", sa.JSON(), nullable=False),
        sa.Column("declaration_name", sa.String(length=200), nullable=True),
        sa.Column("declaration_role", sa.String(length=200), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "sent_count >= 0", name=op.f("ck_monitoring_report_sent_count_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["user.id"], name=op.f("fk_monitoring_report_accepted_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["award.id"], name=op.f("fk_monitoring_report_award_id_award")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user.id"], name=op.f("fk_monitoring_report_entered_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["report_due_id"],
            ["award_report.id"],
            name=op.f("fk_monitoring_report_report_due_id_award_report"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["user.id"], name=op.f("fk_monitoring_report_started_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user.id"], name=op.f("fk_monitoring_report_submitted_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["template_version_id"],
            ["report_template_version.id"],
            name=op.f("fk_monitoring_report_template_version_id_report_template_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_report")),
        sa.UniqueConstraint("report_due_id", name=op.f("uq_monitoring_report_report_due_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("monitoring_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_report_award_id"), ["award_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_monitoring_report_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_monitoring_report_submitted_at"), ["submitted_at"], unique=False
        )

    op.create_table(
        "report_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_due_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "before",
                "on_the_day",
                "after",
                name="reminder_stage",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("by_letter", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_due_id"],
            ["award_report.id"],
            name=op.f("fk_report_reminder_report_due_id_award_report"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_reminder")),
        sa.UniqueConstraint("report_due_id", "due_on", "stage", name="one_reminder_per_stage"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_reminder_report_due_id"), ["report_due_id"], unique=False
        )

    op.create_table(
        "report_change_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "more_time",
                "different_amount",
                "move_spend",
                name="report_change_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "answer",
            sa.Enum(
                "agreed",
                "refused",
                "variation_proposed",
                name="report_change_answer",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("variation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user.id"],
            name=op.f("fk_report_change_request_answered_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_report.id"],
            name=op.f("fk_report_change_request_report_id_monitoring_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variation_id"],
            ["award_variation.id"],
            name=op.f("fk_report_change_request_variation_id_award_variation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_change_request")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_change_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_change_request_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "report_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_report_document_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_report.id"],
            name=op.f("fk_report_document_report_id_monitoring_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_document")),
        sa.UniqueConstraint("report_id", "version", name="one_pdf_per_send"),
        sa.UniqueConstraint("stored_name", name=op.f("uq_report_document_stored_name")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_document_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "recording",
                "photo",
                name="report_file_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("stored_name", sa.String(length=200), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("alt_text", sa.String(length=500), nullable=True),
        sa.Column("people_agreed", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_report_file_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_report.id"],
            name=op.f("fk_report_file_report_id_monitoring_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_report_file_stored_name")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_file_report_id"), ["report_id"], unique=False)

    op.create_table(
        "report_outcome_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("actual_value", sa.BigInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "actual_value IS NULL OR actual_value >= 0",
            name=op.f("ck_report_outcome_value_actual_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["outcome.id"], name=op.f("fk_report_outcome_value_outcome_id_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_report.id"],
            name=op.f("fk_report_outcome_value_report_id_monitoring_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_outcome_value")),
        sa.UniqueConstraint("report_id", "outcome_id", name="one_value_per_outcome"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_outcome_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_outcome_value_outcome_id"), ["outcome_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_report_outcome_value_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "report_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "draft",
                "submitted",
                "changes_requested",
                "accepted",
                name="report_review_outcome",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_report.id"],
            name=op.f("fk_report_review_report_id_monitoring_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user.id"], name=op.f("fk_report_review_reviewed_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_review")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_review_report_id"), ["report_id"], unique=False)

    op.create_table(
        "report_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("spent_pence", sa.BigInteger(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.CheckConstraint("spent_pence >= 0", name=op.f("ck_report_spend_spent_not_negative")),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
            name=op.f("fk_report_spend_budget_line_id_budget_line"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_report.id"],
            name=op.f("fk_report_spend_report_id_monitoring_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_spend")),
        sa.UniqueConstraint("report_id", "budget_line_id", name="one_spend_per_line"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("report_spend", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_spend_report_id"), ["report_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_spend", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_spend_report_id"))

    op.drop_table("report_spend")
    with op.batch_alter_table("report_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_review_report_id"))

    op.drop_table("report_review")
    with op.batch_alter_table("report_outcome_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_outcome_value_report_id"))
        batch_op.drop_index(batch_op.f("ix_report_outcome_value_outcome_id"))

    op.drop_table("report_outcome_value")
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_file_report_id"))

    op.drop_table("report_file")
    with op.batch_alter_table("report_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_document_report_id"))

    op.drop_table("report_document")
    with op.batch_alter_table("report_change_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_change_request_report_id"))

    op.drop_table("report_change_request")
    with op.batch_alter_table("report_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_reminder_report_due_id"))

    op.drop_table("report_reminder")
    with op.batch_alter_table("monitoring_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_report_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_monitoring_report_status"))
        batch_op.drop_index(batch_op.f("ix_monitoring_report_award_id"))

    op.drop_table("monitoring_report")
    with op.batch_alter_table("report_template_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_template_version_template_id"))

    op.drop_table("report_template_version")
    with op.batch_alter_table("report_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_template_round_id"))

    op.drop_table("report_template")
