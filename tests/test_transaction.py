"""One transaction per request, command or job: composition is atomic, side effects wait for the
commit, and two sends at once are put in order. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from grants import transaction, uploads
from grants.accounts.models import User
from grants.applications import services
from grants.applications.models import Application, Channel
from grants.audit import AuditEvent
from grants.email import OutboundEmail
from grants.errors import DomainError
from grants.extensions import db
from grants.funds.models import Round
from grants.organisations.models import Organisation
from grants.permissions import Role, public
from tests.applications.factories import complete, open_round, pdf_upload, start_application
from tests.concurrency import at_once
from tests.factories import make_group, make_user

pytestmark = pytest.mark.usefixtures("reference_data")


def _committed_count(model) -> int:
    """What another connection sees: only committed rows."""
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        engine.dispose()


def test_a_failure_after_another_service_flushed_leaves_nothing(app):
    round_ = open_round()
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = make_group(make_user())
    transaction.commit()
    before = _committed_count(AuditEvent)

    with pytest.raises(DomainError), transaction.unit_of_work():
        application = services.start(officer, round_, group, channel=Channel.PHONE)
        assert application.id is not None  # flushed: the second service can build on it
        raise DomainError("The scan could not be read")

    assert _committed_count(Application) == 0
    assert _committed_count(AuditEvent) == before


def test_a_request_that_fails_after_a_flush_commits_nothing(make_app):
    """The request boundary: an exception after a service has flushed rolls back everything."""
    round_ = open_round()
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = make_group(make_user())
    transaction.commit()
    ids = (round_.id, officer.id, group.id)

    @public
    def start_then_fail():
        round_, officer, group = (
            db.session.get(model, id_)
            for model, id_ in zip((Round, User, Organisation), ids, strict=True)
        )
        services.start(officer, round_, group, channel=Channel.PAPER)
        raise RuntimeError("Something went wrong after starting")

    other = make_app()
    other.add_url_rule("/test-only/start-then-fail", view_func=start_then_fail)
    other.config["PROPAGATE_EXCEPTIONS"] = False
    with other.app_context():
        response = other.test_client().get("/test-only/start-then-fail")
    assert response.status_code == 500
    assert _committed_count(Application) == 0


def test_a_deleted_drafts_files_go_only_after_the_commit(app):
    application = start_application()
    applicant = application.organisation.main_contact
    from grants.applications import answers
    from grants.applications.models import DocumentKind

    answers.attach(applicant, application, pdf_upload(), kind=DocumentKind.GOVERNING_DOCUMENT)
    transaction.commit()
    stored = uploads.path_of(application.documents[0].stored_name)
    assert stored.exists()

    services.delete_draft(applicant, application)
    transaction.rollback()
    assert stored.exists()  # rolled back: the draft and its file are both still there

    application = db.session.get(Application, application.id)
    services.delete_draft(applicant, application)
    assert stored.exists()  # not yet committed
    transaction.commit()
    assert not stored.exists()


def test_a_stored_upload_is_removed_when_its_transaction_rolls_back(app):
    application = start_application()
    applicant = application.organisation.main_contact
    transaction.commit()
    from grants.applications import answers
    from grants.applications.models import DocumentKind

    answers.attach(applicant, application, pdf_upload(), kind=DocumentKind.GOVERNING_DOCUMENT)
    stored = uploads.path_of(application.documents[0].stored_name)
    assert stored.exists()
    transaction.rollback()
    assert not stored.exists()


def _ready(application: Application) -> tuple[int, int]:
    complete(application)
    transaction.commit()
    return application.organisation.main_contact.id, application.id


def _send_at_once(app, pairs) -> list[BaseException | None]:
    """Send each (user id, application id) at once."""

    def sending(user_id: int, application_id: int):
        def prepare():
            user = db.session.get(User, user_id)
            application = db.session.get(Application, application_id)
            return lambda: services.submit(
                user, application, link_for=lambda a: f"/applications/{a.id}"
            )

        return prepare

    return at_once(app, [sending(*pair) for pair in pairs])


def test_the_same_application_sent_twice_at_once_is_sent_once(app, outbox):
    pair = _ready(start_application())
    results = _send_at_once(app, [pair, pair])

    assert sorted(type(result).__name__ for result in results) == ["AlreadySent", "NoneType"]
    db.session.expire_all()
    sent_events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "application.submitted")
    ).all()
    assert len(sent_events) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == 1
    assert len(outbox) == 1
    assert db.session.get(Application, pair[1]).reference is not None


def test_two_applications_sent_at_once_both_get_a_reference(app, outbox):
    round_ = open_round()
    pairs = [_ready(start_application(round_)), _ready(start_application(round_))]
    results = _send_at_once(app, pairs)

    assert results == [None, None]
    db.session.expire_all()
    references = {db.session.get(Application, pair[1]).reference for pair in pairs}
    assert len(references) == 2 and None not in references
    assert len(outbox) == 2


def test_the_database_is_really_shared_between_threads(app):
    """Guard for the two tests above: they need a database other connections can see."""
    assert db.session.execute(text("SELECT 1")).scalar_one() == 1
    assert db.engine.url.database not in (None, "", ":memory:")
