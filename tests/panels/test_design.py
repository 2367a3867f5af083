"""The balanced design links the whole panel through shared applications, so per-scorer
normalisation can compare any two scorers, and keeps the work level."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.panels.design import applications_to_connect, coverage, plan_balanced


def _design(applications: int, members: int, scorers: int, **kwargs):
    plan = plan_balanced(
        range(applications),
        range(members),
        min_scorers=scorers,
        active=kwargs.get("active", {}),
        excluded=kwargs.get("excluded", set()),
        load=kwargs.get("load", {}),
    )
    active: dict[int, set[int]] = {a: set(s) for a, s in kwargs.get("active", {}).items()}
    for application, member in plan:
        active.setdefault(application, set()).add(member)
    return plan, active


def _check(applications: int, members: int, scorers: int) -> None:
    plan, active = _design(applications, members, scorers)
    assert len(plan) == len(set(plan)) == applications * min(scorers, members)
    assert all(len(s) == min(scorers, members) for s in active.values())
    shape = coverage(range(members), active)
    if applications >= applications_to_connect(members, scorers):
        assert shape.connected, (applications, members, scorers)
        assert shape.problem is None
    else:
        assert not shape.connected and shape.problem
    # Level loads are always possible here (with or without linking the panel), so they hold.
    assert shape.spread <= 1, (applications, members, scorers, shape)


@pytest.mark.parametrize("members", range(2, 16))
@pytest.mark.parametrize("scorers", range(2, 10))
def test_every_panel_is_linked_from_the_fewest_applications_that_can_link_it(members, scorers):
    """Around the threshold ⌈(n - 1)/(k - 1)⌉, where linking is hardest, and at the most."""
    needed = applications_to_connect(members, scorers)
    for applications in {max(1, needed - 1), needed, needed + 1, needed + 2, 60}:
        _check(applications, members, scorers)


@settings(max_examples=300, deadline=None)
@given(members=st.integers(2, 15), scorers=st.integers(2, 9), applications=st.integers(1, 60))
def test_any_panel_size_is_linked_with_level_loads(members, scorers, applications):
    _check(applications, members, scorers)


@pytest.mark.parametrize(("members", "scorers"), [(6, 3), (9, 3), (8, 4), (10, 5)])
def test_members_a_multiple_of_the_scorers_are_not_split_into_separate_groups(members, scorers):
    """The old design gave odd applications to members 1-3 and even ones to 4-6."""
    _plan, active = _design(12, members, scorers)
    assert coverage(range(members), active).groups == 1
    # and overlap is spread: no two applications have exactly the same scorers all the time
    assert len({frozenset(s) for s in active.values()}) > members // scorers


def test_consecutive_applications_share_one_member_while_the_panel_is_being_linked():
    _plan, active = _design(3, 7, 3)
    assert [sorted(active[a]) for a in range(3)] == [[0, 1, 2], [0, 3, 4], [1, 5, 6]]


def test_too_few_applications_keep_loads_level_and_say_scores_cannot_be_compared():
    _plan, active = _design(2, 6, 3)
    shape = coverage(range(6), active)
    assert (shape.groups, shape.fewest, shape.most) == (2, 1, 1)
    assert "cannot be normalised" in shape.problem


def test_one_scorer_each_cannot_link_anyone():
    assert applications_to_connect(5, 1) is None
    _plan, active = _design(10, 5, 1)
    shape = coverage(range(5), active)
    assert shape.one_scorer_each and not shape.connected
    assert shape.spread == 0 and "one scorer" in shape.problem


def test_topping_up_only_adds_and_running_again_adds_nothing():
    first, active = _design(8, 6, 3)
    again = plan_balanced(
        range(8),
        range(6),
        min_scorers=3,
        active=active,
        excluded=set(first),
        load={m: sum(m in s for s in active.values()) for m in range(6)},
    )
    assert again == []
    more, grown = _design(9, 7, 3, active={a: set(s) for a, s in active.items()})
    assert all(application == 8 for application, _member in more)
    assert coverage(range(7), grown).connected


def test_excluded_pairs_are_never_planned_and_the_panel_is_still_linked_around_them():
    excluded = {(a, 0) for a in range(0, 12, 2)} | {(a, 5) for a in range(1, 12, 2)}
    plan, active = _design(12, 6, 3, excluded=excluded)
    assert not set(plan) & excluded
    assert coverage(range(6), active).connected


def test_a_member_excluded_from_everything_is_reported_unassigned():
    excluded = {(a, 3) for a in range(6)}
    _plan, active = _design(6, 4, 2, excluded=excluded)
    shape = coverage(range(4), active)
    assert shape.unassigned == 1 and not shape.connected and "1 of the 4" in shape.problem
