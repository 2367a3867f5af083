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


# Groupings and what pages ask, derived from the table


def test_withdrawable_is_read_from_the_table():
    from grants.applications.states import WITHDRAWABLE

    assert {status for status in S if allowed(status, S.WITHDRAWN, Actor.APPLICANT)} == WITHDRAWABLE
    assert S.DRAFT not in WITHDRAWABLE


@pytest.mark.parametrize("status", list(S))
def test_the_model_answers_what_pages_may_offer(status):
    from grants.applications.models import Application
    from grants.applications.states import EDITABLE

    application = Application(status=status, decision_message="Because")
    assert application.can_withdraw == allowed(status, S.WITHDRAWN, Actor.APPLICANT)
    assert application.can_edit == (status in EDITABLE)
    assert application.is_draft == (status == S.DRAFT)
    assert application.awaiting_screening == (status == S.SUBMITTED)
    assert application.explains_decision == (status in (S.INELIGIBLE, S.MORE_INFORMATION_REQUESTED))


def test_task_list_sections_have_a_status_with_a_label_and_a_style():
    from grants.applications.sections import SectionStatus

    for status in SectionStatus:
        assert status.label
        assert bool(status.tag_class) != (status.is_complete or not status.can_start)
    assert SectionStatus.COMPLETED.is_complete
    assert not SectionStatus.CANNOT_START.can_start


def test_round_statuses_answer_for_templates():
    from grants.funds.models import RoundStatus

    assert [s for s in RoundStatus if s.is_open] == [RoundStatus.OPEN]
    assert [s for s in RoundStatus if s.is_upcoming] == [RoundStatus.UPCOMING]
    assert [s for s in RoundStatus if s.is_closed] == [RoundStatus.CLOSED]
