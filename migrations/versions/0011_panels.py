"""panels: members and representation, assignment, declarations of interest, scores

Revision ID: 0011_panels
Revises: 0010_admin
Create Date: 2026-11-29 20:08:05

Criteria gain ``optional`` (false for every existing one): only an optional criterion may be
scored "not applicable".
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_panels"
down_revision = "0010_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "panel_profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "representation",
            sa.Enum(
                "resident",
                "vcfse",
                "young_person",
                "faith",
                "partner",
                "council_officer",
                name="representation",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("home_neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_neighbourhood_id"],
            ["neighbourhood.id"],
            name=op.f("fk_panel_profile_home_neighbourhood_id_neighbourhood"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_panel_profile_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_panel_profile_user_id_user")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_panel_profile")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "panel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("min_scorers", sa.Integer(), nullable=False),
        sa.Column("community_majority", sa.Boolean(), nullable=False),
        sa.Column("min_young_people", sa.Integer(), nullable=False),
        sa.Column("min_faith_members", sa.Integer(), nullable=False),
        sa.Column("rotation_after", sa.Integer(), nullable=False),
        sa.Column("disagreement_sd", sa.Integer(), nullable=False),
        sa.Column("disagreement_range", sa.Integer(), nullable=False),
        sa.Column("scoring_closes_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "disagreement_sd >= 0 AND disagreement_range >= 0",
            name=op.f("ck_panel_thresholds_not_negative"),
        ),
        sa.CheckConstraint("min_scorers >= 1", name=op.f("ck_panel_min_scorers_positive")),
        sa.CheckConstraint(
            "min_young_people >= 0 AND min_faith_members >= 0",
            name=op.f("ck_panel_targets_not_negative"),
        ),
        sa.CheckConstraint("rotation_after >= 1", name=op.f("ck_panel_rotation_after_positive")),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f("fk_panel_round_id_round")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel")),
        sa.UniqueConstraint("round_id", name=op.f("uq_panel_round_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "panel_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "assigned",
                "declined",
                name="assignment_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("declined_reason", sa.Text(), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'declined' OR declined_reason IS NOT NULL",
            name=op.f("ck_panel_assignment_declined_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_panel_assignment_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["user.id"], name=op.f("fk_panel_assignment_assigned_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panel.id"], name=op.f("fk_panel_assignment_panel_id_panel")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_panel_assignment_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_assignment")),
        sa.UniqueConstraint("application_id", "user_id", name="one_assignment_per_member"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_assignment_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_panel_assignment_panel_id"), ["panel_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_panel_assignment_user_id"), ["user_id"], unique=False)

    op.create_table(
        "panel_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "none",
                "group_member",
                "family_or_friend",
                "financial",
                "other",
                name="interest_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("waived_by_id", sa.Integer(), nullable=True),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiver_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind = 'none' OR description IS NOT NULL",
            name=op.f("ck_panel_declaration_interest_has_description"),
        ),
        sa.CheckConstraint(
            "waived_at IS NULL OR waiver_reason IS NOT NULL",
            name=op.f("ck_panel_declaration_waiver_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_panel_declaration_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_panel_declaration_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_panel_declaration_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["waived_by_id"], ["user.id"], name=op.f("fk_panel_declaration_waived_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_declaration")),
        sa.UniqueConstraint("application_id", "user_id", name="one_declaration_per_member"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_declaration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_declaration_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_panel_declaration_user_id"), ["user_id"], unique=False)

    op.create_table(
        "panel_score_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by_id", sa.Integer(), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_panel_score_sheet_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user.id"], name=op.f("fk_panel_score_sheet_entered_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by_id"], ["user.id"], name=op.f("fk_panel_score_sheet_reopened_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_panel_score_sheet_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_score_sheet")),
        sa.UniqueConstraint("application_id", "user_id", name="one_sheet_per_member"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_score_sheet", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_score_sheet_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_panel_score_sheet_user_id"), ["user_id"], unique=False)

    op.create_table(
        "panel_seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["user.id"], name=op.f("fk_panel_seat_added_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panel.id"], name=op.f("fk_panel_seat_panel_id_panel")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_panel_seat_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_seat")),
        sa.UniqueConstraint("panel_id", "user_id", name="one_seat_per_person"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_seat_panel_id"), ["panel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_seat_user_id"), ["user_id"], unique=False)

    op.create_table(
        "panel_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("not_applicable", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "NOT (not_applicable AND score IS NOT NULL)",
            name=op.f("ck_panel_score_na_has_no_score"),
        ),
        sa.CheckConstraint(
            "score IS NULL OR score >= 0", name=op.f("ck_panel_score_score_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criterion.id"], name=op.f("fk_panel_score_criterion_id_criterion")
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["panel_score_sheet.id"],
            name=op.f("fk_panel_score_sheet_id_panel_score_sheet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_score")),
        sa.UniqueConstraint("sheet_id", "criterion_id", name="one_score_per_criterion"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("panel_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_score_criterion_id"), ["criterion_id"], unique=False
        )

    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("optional", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.drop_column("optional")

    with op.batch_alter_table("panel_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_score_criterion_id"))

    op.drop_table("panel_score")
    with op.batch_alter_table("panel_seat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_seat_user_id"))
        batch_op.drop_index(batch_op.f("ix_panel_seat_panel_id"))

    op.drop_table("panel_seat")
    with op.batch_alter_table("panel_score_sheet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_score_sheet_user_id"))
        batch_op.drop_index(batch_op.f("ix_panel_score_sheet_application_id"))

    op.drop_table("panel_score_sheet")
    with op.batch_alter_table("panel_declaration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_declaration_user_id"))
        batch_op.drop_index(batch_op.f("ix_panel_declaration_application_id"))

    op.drop_table("panel_declaration")
    with op.batch_alter_table("panel_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_assignment_user_id"))
        batch_op.drop_index(batch_op.f("ix_panel_assignment_panel_id"))
        batch_op.drop_index(batch_op.f("ix_panel_assignment_application_id"))

    op.drop_table("panel_assignment")
    op.drop_table("panel")
    op.drop_table("panel_profile")
