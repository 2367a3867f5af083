"""Endpoints of the finance pages, each checked for every role in tests/awards."""

ENDPOINTS: set[str] = {
    "finance.home",
    "finance.funds",
    "finance.fund",
    "finance.contribution",
    "finance.remove_contribution",
    "finance.ledger",
    "finance.export_csv",
    "finance.export_xlsx",
    "finance.variations_list",
    "finance.variation_kinds",
    "finance.propose_variation",
    "finance.variation",
    "finance.decide_variation",
    "finance.record_recovery",
    "finance.close_award",
}
