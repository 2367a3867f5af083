"""Form building blocks shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import Email, InputRequired, Length


class BaseForm(FlaskForm):
    """A CSRF-protected form whose errors feed base.html's single error summary."""

    submit = SubmitField("Continue", widget=GovSubmitInput())

    def add_error(self, field_name: str | None, message: str) -> None:
        """Attach a service's DomainError to the field it concerns (or to the form as a whole)."""
        field = getattr(self, field_name, None) if field_name else None
        if field is None or not hasattr(field, "errors"):
            self.form_errors.append(message)
            return
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(message)


def required(message: str) -> InputRequired:
    return InputRequired(message=message)


def email_validators() -> list:
    return [
        required("Enter an email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email(
            message="Enter an email address in the correct format, like name@example.com",
            check_deliverability=False,
        ),
    ]
