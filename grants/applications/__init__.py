"""Applications: the task-list journey, assisted and paper routes, revisions and screening."""
