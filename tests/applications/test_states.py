"""The life cycle table: every allowed move, and nothing else."""

from __future__ import annotations

import itertools

import pytest

from grants.applications.states import (
    TRANSITIONS,
    Actor,
    ApplicationStatus,
    IllegalTransition,
    allowed,
    check_transition,
    next_steps,
)

S = ApplicationStatus


def test_applicants_send_and_withdraw_officers_decide():
    assert allowed(S.DRAFT, S.SUBMITTED, Actor.APPLICANT)
    assert not allowed(S.DRAFT, S.SUBMITTED, Actor.OFFICER)
    assert allowed(S.SUBMITTED, S.ELIGIBLE, Actor.OFFICER)
    assert not allowed(S.SUBMITTED, S.ELIGIBLE, Actor.APPLICANT)
    for state in (S.SUBMITTED, S.MORE_INFORMATION_REQUESTED, S.ELIGIBLE, S.IN_PANEL_REVIEW):
        assert allowed(state, S.WITHDRAWN, Actor.APPLICANT)


@pytest.mark.parametrize(
    "final", [S.FUNDED, S.FUNDED_WITH_CONDITIONS, S.DECLINED, S.INELIGIBLE, S.WITHDRAWN]
)
def test_decided_applications_cannot_be_withdrawn_or_reopened(final):
    assert not allowed(final, S.WITHDRAWN, Actor.APPLICANT)
    assert not allowed(final, S.DRAFT, Actor.OFFICER)


def test_everything_outside_the_table_is_illegal():
    for current, target, actor in itertools.product(S, S, Actor):
        if actor in TRANSITIONS.get((current, target), ()):
            check_transition(current, target, actor)
        else:
            with pytest.raises(IllegalTransition):
                check_transition(current, target, actor)


def test_every_status_has_a_label_colour_and_next_step():
    for status in S:
        assert status.label and status.tag_colour and next_steps(status)
