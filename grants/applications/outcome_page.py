"""What later domains show on an application's page.

Dependencies point one way (applications <- screening <- panels): applications never imports a
later domain. A later domain with something to show on the page (panels: the released decision
and its feedback) registers a section here when it is imported; the page draws each registered
section's template with what its loader returned (nothing is drawn for None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grants.accounts.models import User
from grants.applications.models import Application

SectionLoader = Callable[[User, Application], Any]


@dataclass(frozen=True)
class Section:
    template: str  # drawn with ``section`` set to what ``load`` returned
    load: SectionLoader


_sections: list[Section] = []


def register_section(template: str, load: SectionLoader) -> None:
    """Add a section to every application's page. Registering the same section twice is a no-op."""
    section = Section(template, load)
    if section not in _sections:
        _sections.append(section)


def sections_for(viewer: User, application: Application) -> list[tuple[str, Any]]:
    """Each registered section's template and what it shows this person, leaving out empty ones."""
    loaded = [(section.template, section.load(viewer, application)) for section in _sections]
    return [(template, value) for template, value in loaded if value is not None]
