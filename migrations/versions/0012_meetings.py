"""moderation meetings, decisions and indicative neighbourhood allocations

Revision ID: 0012_meetings
Revises: 0011_panels
Create Date: 2026-11-29 20:15:00

The moderation meeting (attendance, quorum override), moderated scores kept beside the
originals, the editable list of decline reasons and one decision per application.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_meetings"
down_revision = "0011_panels"
branch_labels = None
depends_on = None

# A starting list; officers edit it on the decline reasons page.
DEFAULT_DECLINE_REASONS = (
    "Scored below the funding line",
    "Not enough evidence of local need",
    "Unclear how the project would be delivered",
    "Costs not clearly explained or not good value",
    "Does not fit the fund's principles",
    "Better suited to another fund",
)


def upgrade():
    with op.batch_alter_table("panel", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "indicative_allocations",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    decline_reasons = op.create_table(
        "panel_decline_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_decline_reason")),
        sa.UniqueConstraint("label", name=op.f("uq_panel_decline_reason_label")),
        sqlite_autoincrement=True,
    )
    op.bulk_insert(
        decline_reasons,
        [{"label": label, "is_active": True} for label in DEFAULT_DECLINE_REASONS],
    )
    op.create_table(
        "panel_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("min_members", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quorum_override_reason", sa.Text(), nullable=True),
        sa.Column("quorum_overridden_by_id", sa.Integer(), nullable=True),
        sa.Column("quorum_overridden_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("min_members >= 1", name=op.f("ck_panel_meeting_min_members_positive")),
        sa.CheckConstraint(
            "quorum_overridden_at IS NULL OR quorum_override_reason IS NOT NULL",
            name=op.f("ck_panel_meeting_override_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["user.id"], name=op.f("fk_panel_meeting_opened_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panel.id"], name=op.f("fk_panel_meeting_panel_id_panel")
        ),
        sa.ForeignKeyConstraint(
            ["quorum_overridden_by_id"],
            ["user.id"],
            name=op.f("fk_panel_meeting_quorum_overridden_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meeting")),
        sa.UniqueConstraint("panel_id", name=op.f("uq_panel_meeting_panel_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "panel_moderated_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("moderated_by_id", sa.Integer(), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "score >= 0 AND score <= 100", name=op.f("ck_panel_moderated_score_score_out_of_100")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_panel_moderated_score_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["moderated_by_id"],
            ["user.id"],
            name=op.f("fk_panel_moderated_score_moderated_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_moderated_score")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_moderated_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_moderated_score_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "panel_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "fund",
                "fund_reduced",
                "fund_with_conditions",
                "reserve",
                "decline",
                name="decision_outcome",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("reduced_reason", sa.Text(), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decline_reason_id", sa.Integer(), nullable=True),
        sa.Column("decline_detail", sa.Text(), nullable=True),
        sa.Column("departs_from_ranking", sa.Boolean(), nullable=False),
        sa.Column("departure_rationale", sa.Text(), nullable=True),
        sa.Column("rank_at_decision", sa.Integer(), nullable=True),
        sa.Column(
            "ranking_method",
            sa.Enum(
                "mean",
                "trimmed",
                "normalised",
                name="ranking_method",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome <> 'fund_reduced' OR reduced_reason IS NOT NULL",
            name=op.f("ck_panel_decision_reduced_has_reason"),
        ),
        sa.CheckConstraint(
            "outcome IN ('fund', 'fund_reduced', 'fund_with_conditions') OR amount_pence = 0",
            name=op.f("ck_panel_decision_only_funding_has_amount"),
        ),
        sa.CheckConstraint(
            "NOT departs_from_ranking OR departure_rationale IS NOT NULL",
            name=op.f("ck_panel_decision_departure_has_rationale"),
        ),
        sa.CheckConstraint("amount_pence >= 0", name=op.f("ck_panel_decision_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_panel_decision_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_panel_decision_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["decline_reason_id"],
            ["panel_decline_reason.id"],
            name=op.f("fk_panel_decision_decline_reason_id_panel_decline_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meeting.id"],
            name=op.f("fk_panel_decision_meeting_id_panel_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["released_by_id"], ["user.id"], name=op.f("fk_panel_decision_released_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_decision")),
        sa.UniqueConstraint("application_id", name=op.f("uq_panel_decision_application_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_decision_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "panel_meeting_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meeting.id"],
            name=op.f("fk_panel_meeting_attendance_meeting_id_panel_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_panel_meeting_attendance_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meeting_attendance")),
        sa.UniqueConstraint("meeting_id", "user_id", name="attends_once"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_meeting_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_meeting_attendance_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("panel_meeting_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_meeting_attendance_meeting_id"))

    op.drop_table("panel_meeting_attendance")
    with op.batch_alter_table("panel_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_decision_meeting_id"))

    op.drop_table("panel_decision")
    with op.batch_alter_table("panel_moderated_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_moderated_score_application_id"))

    op.drop_table("panel_moderated_score")
    op.drop_table("panel_meeting")
    op.drop_table("panel_decline_reason")
    with op.batch_alter_table("panel", schema=None) as batch_op:
        batch_op.drop_column("indicative_allocations")
