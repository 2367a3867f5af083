"""Sections other parts of awards add to an award's page (bank details, payments, variations,
money recovered), so the page module does not need to know each of them."""

from grants.page_sections import PageSections

award_page: PageSections = PageSections()
