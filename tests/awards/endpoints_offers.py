"""Endpoints of the offers pages, each checked for every role in tests/awards."""

ENDPOINTS: set[str] = {
    "awards.index",
    "awards.show",
    "awards.terms",
    "awards.adjust",
    "awards.send_offer",
    "awards.approve_increase",
    "awards.reissue",
    "awards.withdraw",
    "awards.record_decline",
    "awards.paper_acceptance",
    "awards.accept",
    "awards.decline",
    "awards.document",
}
