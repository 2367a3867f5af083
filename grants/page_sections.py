"""Sections that later domains add to an earlier domain's page.

Dependencies point one way (organisations <- funds <- applications <- screening <- panels): an
earlier domain never imports a later one. A later domain with something to show on an earlier
domain's page (applications: a group's applications on the group's page; panels: the released
decision on an application's page) registers a section when it is imported. The page draws each
section's template with ``section`` set to what its loader returned for this viewer, and leaves
out a section whose loader returned None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

Subject = TypeVar("Subject")


class PageSections(Generic[Subject]):
    def __init__(self) -> None:
        self._sections: list[tuple[str, Callable[[Any, Subject], Any]]] = []

    def register(self, template: str, load: Callable[[Any, Subject], Any]) -> None:
        """Add a section to every such page. Registering the same section twice is a no-op."""
        if (template, load) not in self._sections:
            self._sections.append((template, load))

    def for_viewer(self, viewer, subject: Subject) -> list[tuple[str, Any]]:
        """Each section's template and what it shows this person, leaving out empty ones."""
        loaded = [(template, load(viewer, subject)) for template, load in self._sections]
        return [(template, value) for template, value in loaded if value is not None]
