"""One small helper for every life cycle: applications now; panels, awards, payments and reports
next.

A life cycle is a ``StrEnum`` of states (with a ``label``), an enum of actors, and a table
``(from, to) -> frozenset of actors who may make that move``. The table is the only place a move
is allowed: services call :meth:`StateMachine.check` before changing a status, and models and
templates ask :meth:`StateMachine.allowed` (``application.can_withdraw``) instead of comparing
state names. Groupings of states (sent, decided, editable) are defined beside each enum.

A new life cycle is then about a dozen lines::

    class PaymentStatus(enum.StrEnum): ...
    PAYMENTS = StateMachine("A payment", {
        (P.RAISED, P.APPROVED): frozenset({FinanceActor.APPROVER}),
        ...
    })
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from grants.errors import DomainError

State = TypeVar("State", bound=enum.Enum)
Who = TypeVar("Who", bound=enum.Enum)


class IllegalTransition(DomainError):
    """A move the life cycle's table does not allow for this actor (shown as a form error)."""


def _label(state: enum.Enum) -> str:
    return str(getattr(state, "label", state.value)).lower()


@dataclass(frozen=True)
class StateMachine(Generic[State, Who]):
    """``noun`` names one thing in refusals ("An application"); ``table`` maps a move to who may."""

    noun: str
    table: Mapping[tuple[State, State], frozenset[Who]]
    _targets: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        targets: dict = {}
        for (current, target), actors in self.table.items():
            for actor in actors:
                targets.setdefault((current, actor), set()).add(target)
        object.__setattr__(self, "_targets", targets)

    def allowed(self, current: State, target: State, actor: Who) -> bool:
        return actor in self.table.get((current, target), frozenset())

    def check(self, current: State, target: State, actor: Who) -> None:
        """Raise :class:`IllegalTransition` unless ``actor`` may move ``current`` to ``target``."""
        if not self.allowed(current, target, actor):
            raise IllegalTransition(
                f"{self.noun} that is {_label(current)} cannot be moved to {_label(target)}"
            )

    def targets(self, current: State, actor: Who) -> frozenset[State]:
        """Where ``actor`` may move something that is ``current``."""
        return frozenset(self._targets.get((current, actor), ()))

    def sources(self, target: State, actors: Iterable[Who] | None = None) -> frozenset[State]:
        """The states from which ``target`` can be reached (by any of ``actors``, if given)."""
        wanted = None if actors is None else frozenset(actors)
        return frozenset(
            current
            for (current, to), who in self.table.items()
            if to == target and (wanted is None or who & wanted)
        )
