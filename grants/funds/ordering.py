"""Keeping a round's criteria or questions in the order the officer chose: 1, 2, 3, with no gaps."""

from __future__ import annotations

from typing import Protocol


class Positioned(Protocol):
    position: int


def renumber(items: list[Positioned]) -> None:
    for number, item in enumerate(items, start=1):
        item.position = number


def next_position(items: list[Positioned]) -> int:
    return max((item.position for item in items), default=0) + 1


def move(items: list[Positioned], item: Positioned, direction: str) -> bool:
    """Swap ``item`` with its neighbour above ("up") or below ("down"). False at either end."""
    ordered = sorted(items, key=lambda each: each.position)
    index = ordered.index(item)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    renumber(ordered)
    return True
