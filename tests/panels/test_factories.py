"""The panels test data is what the other panel tests assume."""

from __future__ import annotations

import pytest

from grants.applications.states import ApplicationStatus
from grants.panels.models import Representation
from tests.panels.factories import eligible_application, make_panel, panel_member, scoring_round


@pytest.mark.usefixtures("reference_data")
def test_an_eligible_application_on_a_round_with_a_panel():
    round_ = scoring_round()
    application = eligible_application(round_)
    members = [panel_member(), panel_member(Representation.YOUNG_PERSON)]
    panel = make_panel(round_, members)
    assert application.status == ApplicationStatus.ELIGIBLE
    assert [seat.user for seat in panel.seats] == members
    assert [c.optional for c in round_.criteria] == [False, False, True]
