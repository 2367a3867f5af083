"""Applications: the group's journey. Starting, the task list and its sections, uploads, sending,
revisions, withdrawing, PDFs, and who may see each application (screening is its own domain).

Importing the package tells funds what applications know about a round (its locks ask).
"""

from grants.applications import round_usage

round_usage.register()
