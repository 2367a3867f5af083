"""The demo walks applications through screening without breaking the staff conflicts."""

from __future__ import annotations

from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.extensions import db
from grants.screening.models import EligibilityCheck


def test_the_demo_screens_assisted_applications_by_another_officer(runner, reference_data):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "officer2@example.org" in result.output
    checks = list(db.session.scalars(select(EligibilityCheck)))
    assert checks
    for check in checks:
        application = db.session.get(Application, check.application_id)
        assert check.officer_id != application.entered_by_id
    second = db.session.scalar(select(User).where(User.email == "officer2@example.org"))
    assert any(check.officer_id == second.id for check in checks)
