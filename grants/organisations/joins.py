"""What later domains do when someone joins a group.

Organisations is earlier than every domain that works on a group's applications, so it never
imports them. A later domain that must react to a new membership (panels re-checks the sheets
of a panel member who has just joined, or rejoined, the group of a bid they were asked to
score) registers a listener here, and ``organisations.services`` calls every listener in the
same transaction as the join.
"""

from __future__ import annotations

from collections.abc import Callable

from grants.accounts.models import User

Listener = Callable[[User, int], object]  # (the person who joined, the group's id)

_listeners: list[Listener] = []


def on_join(listener: Listener) -> None:
    """Call ``listener`` whenever someone joins a group. Registering it twice is a no-op."""
    if listener not in _listeners:
        _listeners.append(listener)


def joined(person: User, organisation_id: int) -> None:
    """Tell every registered domain that this person has just joined this group."""
    for listener in _listeners:
        listener(person, organisation_id)
