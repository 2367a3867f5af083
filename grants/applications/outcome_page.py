"""What later domains show on an application's page (panels: the released decision and its
feedback). See grants.page_sections."""

from __future__ import annotations

from grants.applications.models import Application
from grants.page_sections import PageSections

_sections = PageSections[Application]()
register_section = _sections.register
sections_for = _sections.for_viewer
