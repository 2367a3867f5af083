"""Monitoring: funded groups report progress, spending, outcomes and stories; officers review
the reports, and accepting one releases the instalment that waits on it.

It builds on awards (an award owes reports: ``awards.models.ReportDue``) and never the reverse.
Sub-packages by concept:

- ``report/``: the group's report form, a task list with save and return and check your answers;
- ``review/``: the officers' queue, review, acceptance, changes requested and new due dates;
- ``setup/``: each round's versioned report templates and their custom questions;
- ``changes.py``: what a group asks to change, and finance's written answer;
- ``publishing.py``: the one gate deciding which stories and photos may leave staff views;
- ``reminders.py``: the daily ``send-reminders`` command.
"""
