"""Command-line tasks: demo data, the first admin, and migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from grants.accounts.models import User, UserRole
from grants.accounts.services import authenticate, find_by_email
from grants.demo import DEMO_USERS
from grants.extensions import db
from grants.organisations.models import Membership, Organisation
from grants.organisations.services import groups_of
from grants.permissions import Permission, Role


def test_seed_demo_creates_every_role_and_prints_the_sign_ins(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for email, _name, roles, _rep in DEMO_USERS:
        assert email in result.output
        user = authenticate(email, app.config["DEMO_PASSWORD"])
        assert user is not None and set(user.roles) == roles
    assert app.config["DEMO_PASSWORD"] in result.output
    panel = db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.PANEL_MEMBER)
    ).all()
    assert len(panel) == 6 and all(member.representing for member in panel)


def test_seed_demo_combines_roles_and_groups(runner):
    """An officer who is also an admin, and a panel member who belongs to a demo group."""
    result = runner.invoke(args=["seed-demo"])
    officer = find_by_email("officer@example.org")
    assert set(officer.roles) == {Role.PROGRAMME_OFFICER, Role.ADMIN}
    panel1 = find_by_email("panel1@example.org")
    assert [group.name for group in groups_of(panel1)] == ["Hindley Green Community Association"]
    assert panel1.can(Permission.SCORE_APPLICATIONS) and panel1.can(Permission.APPLY)
    assert "Programme officer, Admin" in result.output
    assert "member of Hindley Green Community Association" in result.output


def test_seed_demo_gives_two_applicants_their_own_groups_in_different_places(runner):
    runner.invoke(args=["seed-demo"])
    rows = db.session.execute(
        select(User.email, Organisation.postcode)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Organisation.main_contact_id == User.id)
    ).all()
    by_email = dict(rows)
    assert {"applicant@example.org", "applicant2@example.org"} <= set(by_email)
    assert by_email["applicant@example.org"] != by_email["applicant2@example.org"]


def test_seed_demo_is_idempotent(runner):
    runner.invoke(args=["seed-demo"])
    counts = (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Organisation.id))),
    )
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert counts == (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Organisation.id))),
    )


def test_seed_demo_is_refused_in_production(app, runner):
    app.config["ALLOW_DEMO_DATA"] = False
    try:
        result = runner.invoke(args=["seed-demo"])
    finally:
        app.config["ALLOW_DEMO_DATA"] = True
    assert result.exit_code != 0
    assert "refused under ProductionConfig" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_admin(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "boss@example.org", "--name", "Bo Boss"],
        input="correct horse battery staple\ncorrect horse battery staple\n",
    )
    assert result.exit_code == 0, result.output
    assert set(find_by_email("boss@example.org").roles) == {Role.ADMIN}


def test_create_admin_explains_a_weak_password(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "boss@example.org",
            "--name",
            "Bo Boss",
            "--password",
            "password",
        ],
    )
    assert result.exit_code != 0
    assert "12 characters" in result.output


def test_migrations_match_the_models(runner):
    """The session fixture built the schema with `flask db upgrade`; nothing may be left to generate."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_db_check_fails_when_a_model_has_no_migration(runner):
    """The check above can fail: a column with no migration is reported as drift."""
    from sqlalchemy import Column, Integer, MetaData, Table

    extra = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(extra)
    Table("unmigrated_thing", extra, Column("id", Integer, primary_key=True))
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, extra)
    assert [diff[0] for diff in diffs] == ["add_table"]
