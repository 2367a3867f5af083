"""Form building blocks shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import IntegerField, SubmitField
from wtforms.validators import Email, InputRequired, Length, StopValidation


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


class Required(InputRequired):
    """Like InputRequired, but an answer of only spaces counts as no answer."""

    def __call__(self, form, field):
        raw = field.raw_data or []
        if not raw or not any(str(value).strip() for value in raw):
            field.errors[:] = []
            raise StopValidation(self.message)


def required(message: str) -> Required:
    return Required(message=message)


class WholeNumberField(IntegerField):
    """An integer field whose 'not a number' message is written for the person filling it in."""

    def __init__(self, label=None, validators=None, *, invalid_message: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(",", "")
        if not text.lstrip("-").isdigit() or len(text) > 12:
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = int(text)


def email_validators() -> list:
    return [
        required("Enter an email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email(
            message="Enter an email address in the correct format, like name@example.com",
            check_deliverability=False,
        ),
    ]
