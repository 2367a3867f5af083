"""combinable roles: a person holds any set of roles, in the user_role table

Each user's old single role becomes one row in user_role, except "applicant", which is no longer a
role (anyone signed in may create or join a group; membership gives access to its applications).
Invitations keep their one role; the old "applicant" value becomes empty (an account with no role).
The data steps are plain SQL built with sa.table, so they run on SQLite and PostgreSQL alike.

Downgrading keeps one role per person, the most powerful they hold (admin, then programme officer,
then finance officer, then panel member; "applicant" for none): the other roles are lost.

Revision ID: 0005_combinable_roles
Revises: 0004_outbound_email
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_combinable_roles"
down_revision = "0004_outbound_email"
branch_labels = None
depends_on = None

ROLES = ("panel_member", "programme_officer", "finance_officer", "admin")
OLD_ROLES = ("applicant", *ROLES)
ALLOWED = "role IN (" + ", ".join(f"'{role}'" for role in ROLES) + ")"

user = sa.table("user", sa.column("id", sa.Integer), sa.column("role", sa.String))
user_role = sa.table("user_role", sa.column("user_id", sa.Integer), sa.column("role", sa.String))
invitation = sa.table("invitation", sa.column("role", sa.String))


def _old_role_type() -> sa.Enum:
    return sa.Enum(*OLD_ROLES, name="role", native_enum=False, length=40)


def upgrade():
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role", sa.Enum(*ROLES, name="role", native_enum=False, length=40), nullable=False
        ),
        sa.CheckConstraint(ALLOWED, name=op.f("ck_user_role_allowed")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_role_user_id_user")),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )
    with op.batch_alter_table("user_role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_role_role"), ["role"], unique=False)

    # Every old role but "applicant" becomes a row. An unknown value would break the CHECK
    # constraint and stop the migration, rather than be dropped without anyone noticing.
    op.execute(
        user_role.insert().from_select(
            ["user_id", "role"],
            sa.select(user.c.id, user.c.role).where(
                user.c.role.is_not(None), user.c.role != "applicant"
            ),
        )
    )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_role"))
        batch_op.drop_column("role")

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=40), nullable=True)
    op.execute(invitation.update().where(invitation.c.role == "applicant").values(role=None))


def downgrade():
    op.execute(invitation.update().where(invitation.c.role.is_(None)).values(role="applicant"))
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=40), nullable=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", _old_role_type(), nullable=False, server_default="applicant")
        )
    # Least powerful first, so each person's most powerful role is the one written last.
    for role in ("panel_member", "finance_officer", "programme_officer", "admin"):
        held = sa.select(user_role.c.user_id).where(user_role.c.role == role)
        op.execute(user.update().where(user.c.id.in_(held)).values(role=role))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=_old_role_type(), server_default=None)
        batch_op.create_index(batch_op.f("ix_user_role"), ["role"], unique=False)

    with op.batch_alter_table("user_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_role_role"))
    op.drop_table("user_role")
