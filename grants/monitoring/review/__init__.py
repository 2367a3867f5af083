"""The officers' side: the monitoring queue, a report's review, acceptance, changes requested,
reports entered for a group, and new due dates."""
