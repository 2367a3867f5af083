"""The shared life-cycle helper: a table of (from, to) -> who may, and nothing else."""

from __future__ import annotations

import enum

import pytest

from grants.errors import DomainError
from grants.statemachine import IllegalTransition, StateMachine


class Light(enum.StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"

    @property
    def label(self) -> str:
        return self.value.title()


class Who(enum.StrEnum):
    DRIVER = "driver"
    CONTROLLER = "controller"


LIGHTS = StateMachine(
    "A light",
    {
        (Light.RED, Light.GREEN): frozenset({Who.CONTROLLER}),
        (Light.GREEN, Light.AMBER): frozenset({Who.CONTROLLER}),
        (Light.AMBER, Light.RED): frozenset({Who.CONTROLLER, Who.DRIVER}),
    },
)


def test_only_the_table_allows_a_move_and_only_for_its_actors():
    assert LIGHTS.allowed(Light.RED, Light.GREEN, Who.CONTROLLER)
    assert not LIGHTS.allowed(Light.RED, Light.GREEN, Who.DRIVER)
    assert not LIGHTS.allowed(Light.RED, Light.AMBER, Who.CONTROLLER)


def test_a_refused_move_is_a_domain_error_in_words():
    with pytest.raises(IllegalTransition) as refused:
        LIGHTS.check(Light.GREEN, Light.RED, Who.CONTROLLER)
    assert isinstance(refused.value, DomainError)
    assert refused.value.message == "A light that is green cannot be moved to red"
    LIGHTS.check(Light.AMBER, Light.RED, Who.DRIVER)


def test_targets_and_sources_come_from_the_table():
    assert LIGHTS.targets(Light.AMBER, Who.DRIVER) == {Light.RED}
    assert LIGHTS.targets(Light.RED, Who.DRIVER) == frozenset()
    assert LIGHTS.sources(Light.RED) == {Light.AMBER}
    assert LIGHTS.sources(Light.GREEN, [Who.DRIVER]) == frozenset()
