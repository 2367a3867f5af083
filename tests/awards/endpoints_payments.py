"""Endpoints of the payments pages, each checked for every role in tests/awards."""

ENDPOINTS: set[str] = {
    "payments.index",
    "payments.show",
    "payments.raise_payment",
    "payments.approve",
    "payments.release",
    "payments.stop",
    "payments.mark_paid",
    "payments.hold",
    "payments.cancel",
    "payments.bank_details",
    "payments.verify",
    "payments.reveal",
    "payments.runs",
    "payments.new_run",
    "payments.run",
    "payments.run_csv",
}
