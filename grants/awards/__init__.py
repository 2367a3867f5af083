"""Awards and payments: what happens after a panel decides to fund an application.

A released funding decision becomes an award (``services.create_from_decision``); finance prepares
and sends the offer letter and grant agreement; the group accepts online (or on paper), gives its
bank details, which finance verifies; instalments are raised by one finance officer, approved by
another, sent in a payment run and recorded as paid. Variations and money recovered are records of
their own, and every figure in the ledger is computed from these records.

It builds on panels, applications and funds, and never the reverse: panels tells awards of each
released decision through ``grants.panels.feedback.on_release``.
"""
