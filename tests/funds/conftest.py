"""Fixtures for the funds tests: a signed-in programme officer and an application to lock a round."""

from __future__ import annotations

import pytest

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.extensions import db
from grants.permissions import Role
from tests.factories import make_group, make_user, sign_in


@pytest.fixture
def officer(client):
    user = make_user(Role.PROGRAMME_OFFICER, name="Owen Officer")
    sign_in(client, user)
    return user


@pytest.fixture
def start_application():
    """start_application(round, status=DRAFT): a group has started applying to the round."""

    def start(round_, status: ApplicationStatus = ApplicationStatus.DRAFT) -> Application:
        applicant = make_user()
        group = make_group(applicant)
        application = Application(
            round_id=round_.id,
            organisation_id=group.id,
            created_by_id=applicant.id,
            status=status,
        )
        db.session.add(application)
        db.session.commit()
        return application

    return start
