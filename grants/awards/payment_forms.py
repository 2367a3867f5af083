"""Payment forms: shape only. The payments and runs services check the rules and report every
problem at once."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length

from grants.awards.payments import REASON_MAX, REMITTANCE_MAX
from grants.forms import BaseForm, GovDateField, required, text_field


class ConfirmForm(BaseForm):
    """A button that changes a payment (raise, approve, release): no questions."""


class PaidForm(BaseForm):
    paid_on = GovDateField(
        "Date paid",
        description="For example, 27 3 2027",
        invalid_message="Date paid must be a real date",
        validators=[required("Enter the date the payment was made")],
    )
    remittance_reference = StringField(
        "Remittance reference",
        widget=GovTextInput(),
        description="The reference from the council's finance system or the bank",
        validators=[
            required("Enter the remittance reference"),
            Length(
                max=REMITTANCE_MAX,
                message=f"Remittance reference must be {REMITTANCE_MAX} characters or fewer",
            ),
        ],
    )


class ReasonForm(BaseForm):
    reason = text_field("Reason", None, REASON_MAX, field=TextAreaField, widget=GovTextArea())


class RunForm(BaseForm):
    due_by = GovDateField(
        "Include approved payments due by",
        description="For example, 27 3 2027",
        invalid_message="The date must be a real date",
        validators=[required("Enter the date payments must be due by")],
    )


class BankAnswerForm(BaseForm):
    """What the bank said when asked to stop a payment whose run file had already gone."""

    stopped = RadioField(
        "Did the bank stop the payment?",
        widget=GovRadioInput(),
        choices=[
            ("yes", "Yes, it was stopped: pay it again in a new run, to the new details"),
            ("no", "No, it had already gone: it stays in the run, to be recorded as paid"),
        ],
        validate_choice=False,  # the service refuses anything else, with the same message
        validators=[required("Choose what the bank said")],
    )

    def answer(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.stopped.data)
