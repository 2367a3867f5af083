"""Form building blocks shared by every domain."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from wtforms import DateField, IntegerField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation

from grants import single_line
from grants.money import MoneyError, format_pence, parse_pounds
from grants.numbers import whole_number

# Invisible characters that reorder the text around them: "gpj.exe" shown as "exe.jpg", or a
# name that reads differently in an officer's list than it was typed. Nobody needs them in an
# answer to a form, so they are removed from every text field on the way in.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def strip_bidi_controls(value):
    return value.translate(BIDI_CONTROLS) if isinstance(value, str) else value


def is_single_line(field) -> bool:
    """A one-line text answer. Text areas may hold line breaks; a password is never shown,
    sent or stored as typed, so whatever a password manager put in it stays its owner's."""
    return isinstance(field, StringField) and not isinstance(field, TextAreaField | PasswordField)


def _what_it_is(field) -> str:
    """How an error names the field: its label, or "Your answer" for a question (a round's own
    questions are labelled with the whole question)."""
    label = str(field.label.text or "").strip()
    if not label or label.endswith("?") or len(label) > 60:
        return "Your answer"
    return label


def refuse_control_characters(form, field) -> None:
    """A validator for every single-line field: no line break, tab or other control character
    (see :mod:`grants.single_line`). Fields that parse their answer (amounts, times) have their
    own message for anything that is not one."""
    if isinstance(field.data, str):
        message = single_line.problem(_what_it_is(field), field.data)
        if message:
            raise StopValidation(message)


class SingleLineChecks:
    """Mixed into every form: each single-line field refuses control characters, so no form can
    forget to (``tests/test_single_line.py`` walks every form class to prove it)."""

    def validate(self, extra_validators=None):
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if is_single_line(field):
                extra.setdefault(name, []).append(refuse_control_characters)
        return super().validate(extra_validators=extra)


class BaseForm(SingleLineChecks, FlaskForm):
    """A CSRF-protected form whose errors feed base.html's single error summary."""

    submit = SubmitField("Continue", widget=GovSubmitInput())

    class Meta:
        def bind_field(self, form, unbound_field, options):
            """Every text field (and text area) strips bidirectional controls first."""
            if issubclass(unbound_field.field_class, StringField):
                filters = unbound_field.kwargs.get("filters", ())
                options = {**options, "filters": (strip_bidi_controls, *filters)}
            return unbound_field.bind(form=form, **options)

    # A service's name for a setting -> the field that asks for it, where the two differ.
    ERROR_FIELDS: dict[str, str] = {}

    def add_error(self, field_name: str | None, message: str) -> None:
        """Attach a service's DomainError to the field it concerns (or to the form as a whole)."""
        field_name = self.ERROR_FIELDS.get(field_name, field_name)
        field = getattr(self, field_name, None) if field_name else None
        if field is None or not hasattr(field, "errors"):
            self.form_errors.append(message)
            return
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(message)

    def add_further_errors(self, errors: dict[str, str]) -> None:
        """Add a service's problems to the fields the form's own checks passed.

        Called when the form's own checks failed, so that the first submit shows every problem
        (a closing date before the opening date as well as a missing title), one per field.
        """
        for name, message in errors.items():
            field = getattr(self, self.ERROR_FIELDS.get(name, name), None)
            if field is None or not getattr(field, "errors", None):
                self.add_error(name, message)


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
        number = whole_number(valuelist[0].replace(",", ""), max_digits=12, allow_negative=True)
        if number is None:
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = number


def text_field(
    label: str,
    required_message: str | None,
    max_length: int,
    *,
    field=StringField,
    widget=None,
    length_message: str | None = None,
    **kwargs,
):
    """A text field: required (with its GOV.UK message) or optional, and no longer than
    ``max_length``. The one way forms declare ordinary text answers."""
    validators = [required(required_message)] if required_message else [Optional()]
    validators.append(
        Length(
            max=max_length,
            message=length_message or f"{label} must be {max_length:,} characters or fewer",
        )
    )
    return field(label, widget=widget or GovTextInput(), validators=validators, **kwargs)


def email_validators() -> list:
    return [
        required("Enter an email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email(
            message="Enter an email address in the correct format, like name@example.com",
            check_deliverability=False,
        ),
    ]


class _GovDateInput(GovDateInput):
    """GOV.UK's date input, without a ``required`` attribute on its wrapping div (not valid HTML)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["attributes"].pop("required", None)
        return params


class GovDateField(DateField):
    """A GOV.UK day/month/year date input that never fails on a crafted POST.

    GovDateInput unpacks exactly three parts from the raw data, so a request with fewer or more
    parts (or none) would raise while the page is drawn. This field always keeps three parts and
    turns anything that is not a real date into a form error. All three parts blank means no
    answer: add ``required(...)`` for a compulsory date. Do not add wtforms' ``Optional``: it looks
    only at the day and would hide a half-typed date's error.
    """

    widget = _GovDateInput()

    def __init__(
        self, label=None, validators=None, *, invalid_message="Enter a real date", **kwargs
    ):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        valuelist = valuelist or []
        parts = [str(value).strip() for value in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts) and len(valuelist) <= 3:
            return
        day, month, year = parts
        numeric = all(part.isascii() and part.isdigit() for part in parts)
        if len(valuelist) > 3 or not numeric or len(day) > 2 or len(month) > 2 or len(year) != 4:
            raise ValueError(self.invalid_message)
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(self.invalid_message) from None


class PoundsField(StringField):
    """An amount of money typed in pounds ('£1,500.50'), held as integer pence in ``data``.

    Blank is no answer (``data`` None); add ``required(...)`` when an amount must be given.
    """

    widget = GovTextInput()

    def process_data(self, value):
        self.data = value

    def process_formdata(self, valuelist):
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = parse_pounds(text)
            except MoneyError as error:
                raise ValueError(str(error)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_pence(self.data).removeprefix("£")
