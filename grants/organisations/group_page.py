"""What later domains show on a group's page (applications: the group's applications). See
grants.page_sections."""

from __future__ import annotations

from grants.organisations.models import Organisation
from grants.page_sections import PageSections

_sections = PageSections[Organisation]()
register_section = _sections.register
sections_for = _sections.for_viewer
