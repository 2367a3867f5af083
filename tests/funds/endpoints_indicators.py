"""Endpoints of a fund's indicator library pages, each checked for every role in
tests/funds/test_indicator_pages.py."""

ENDPOINTS: set[str] = {
    "funds.indicators_list",
    "funds.indicator",
    "funds.retire_indicator",
    "funds.reactivate_indicator",
    "funds.delete_indicator",
}
