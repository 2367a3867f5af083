"""Bank details forms: shape only. ``bank.check_account`` tidies and checks what was typed and
reports every problem at once, so the fields here only cap the length."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField

from grants.awards.bank import NOTE_MAX
from grants.awards.models import VerificationMethod
from grants.forms import BaseForm, required, text_field


class BankDetailsForm(BaseForm):
    account_name = StringField(
        "Name on the account",
        widget=GovTextInput(),
        description="As it appears on your bank statement, for example the group's full name",
    )
    sort_code = StringField(
        "Sort code",
        widget=GovTextInput(),
        description="Must be 6 digits long",
    )
    account_number = StringField(
        "Account number",
        widget=GovTextInput(),
        description="Must be 8 digits long",
    )


class VerifyForm(BaseForm):
    method = RadioField(
        "How did you check these bank details?",
        widget=GovRadioInput(),
        choices=[(m.value, m.label) for m in VerificationMethod],
        validate_choice=False,  # the service refuses anything else, with the same message
        validators=[required("Choose how you checked the bank details")],
    )
    note = text_field(
        "Note (optional)",
        None,
        NOTE_MAX,
        field=TextAreaField,
        widget=GovTextArea(),
        description="For example who you spoke to and which number on file you called",
    )

    def chosen_method(self) -> VerificationMethod | None:
        try:
            return VerificationMethod(self.method.data)
        except ValueError:
            return None


class RevealForm(BaseForm):
    """A deliberate button press: each reveal is audited."""
