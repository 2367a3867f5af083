"""The award's page: the sections other parts of awards add to it (bank details, payments,
variations, money recovered), so the page module does not need to know each of them, and the
links to it and to the bank details form that emails carry (absolute, from ``BASE_URL``)."""

from flask import url_for

from grants.page_sections import PageSections

award_page: PageSections = PageSections()


def award_link(award) -> str:
    return url_for("awards.show", award_id=award.id, _external=True)


def bank_details_link(award) -> str:
    """Where the group gives its bank details once it has accepted."""
    return url_for("payments.bank_details", award_id=award.id, _external=True)
