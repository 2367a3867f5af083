"""Applications: the group's journey. Starting, the task list and its sections, uploads, sending,
revisions, withdrawing, PDFs, and who may see each application (screening is its own domain).

Importing the package tells funds what applications know about a round (its locks ask), and
adds the group's applications to the group's page.
"""

from grants.applications import group_listing, round_usage

round_usage.register()
group_listing.register()
