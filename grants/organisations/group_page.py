"""What later domains show on a group's page.

Dependencies point one way (organisations <- funds <- applications <- ...): organisations never
imports a later domain. A later domain with something to show on a group's page (applications:
the group's applications) registers a section here when it is imported; the page draws each
registered section's template with what its loader returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grants.accounts.models import User
from grants.organisations.models import Organisation

SectionLoader = Callable[[User, Organisation], Any]


@dataclass(frozen=True)
class Section:
    template: str  # drawn with ``section`` set to what ``load`` returned
    load: SectionLoader


_sections: list[Section] = []


def register_section(template: str, load: SectionLoader) -> None:
    """Add a section to every group's page. Registering the same section twice is a no-op."""
    section = Section(template, load)
    if section not in _sections:
        _sections.append(section)


def sections_for(actor: User, organisation: Organisation) -> list[tuple[str, Any]]:
    """Each registered section's template and what it shows this person about this group."""
    return [(section.template, section.load(actor, organisation)) for section in _sections]
