"""The group's report: a task list with save and return, check your answers and a declaration."""
