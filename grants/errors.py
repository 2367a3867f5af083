"""Domain exceptions. Services raise them; routes turn them into form errors or status codes."""


class DomainError(Exception):
    """A rule was broken. The message is written for the person using the service."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this to this object (routes answer 403)."""


class NotFound(DomainError):
    """The object does not exist, or the actor may not know it exists (routes answer 404)."""


class InvalidInput(DomainError):
    """Several fields broke the rules at once; ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def add_to_form(form, error: DomainError, default_field: str | None = None) -> None:
    """Show a service's error on the form, against the fields it names (or ``default_field``,
    the form's main question, when it names none).

    A refused request keeps nothing: whatever the services flushed before the refusal is rolled
    back now, so the page drawn with the error shows what is really saved.
    """
    _abandon_transaction()
    if isinstance(error, InvalidInput):
        for field, message in error.errors.items():
            form.add_error(field, message)
    else:
        form.add_error(error.field or default_field, error.message)


def flash_refusal(error: DomainError, category: str = "information") -> None:
    """Show a service's refusal as a banner on the next page (the request keeps nothing)."""
    from flask import flash

    _abandon_transaction()
    flash(error.message, category)


def _abandon_transaction() -> None:
    from grants import transaction

    transaction.rollback()
