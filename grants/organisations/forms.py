"""Group forms: shape only. Registration numbers and postcodes are checked by the services."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, RadioField, SubmitField
from wtforms.validators import Email, Length, Optional

from grants.forms import BaseForm, email_validators, required, text_field
from grants.organisations.models import IncomeBand, OrganisationType


class GroupForm(BaseForm):
    name = text_field("Group name", "Enter your group's name", 200)
    org_type = RadioField(
        "What type of group is it?",
        widget=GovRadioInput(),
        choices=[(t.value, t.label) for t in OrganisationType],
        validators=[required("Select the type of group")],
        validate_choice=False,  # the service explains a bad choice in plain English
    )
    charity_number = text_field(
        "Charity number",
        None,
        20,
        description="Registered charities, CIOs and charitable companies. 6 or 7 digits.",
    )
    company_number = text_field(
        "Company number",
        None,
        20,
        description="Companies, including CICs. 8 characters: keep any zeros at the start.",
    )
    society_number = text_field(
        "Society registration number",
        None,
        20,
        description="Community benefit societies, from the FCA Mutuals Public Register.",
    )
    address_line_1 = text_field(
        "Address line 1", "Enter the first line of your group's address", 200
    )
    address_line_2 = text_field("Address line 2 (optional)", None, 200)
    town = text_field("Town or city", "Enter the town or city", 100)
    postcode = text_field("Postcode", "Enter a postcode", 10)
    income_band = RadioField(
        "What was your group's income last year?",
        widget=GovRadioInput(),
        description="Use your latest accounts. If you are new, estimate this year's income.",
        choices=[(band.value, band.label) for band in IncomeBand],
        validators=[required("Select your group's annual income")],
        validate_choice=False,
    )
    contact_phone = text_field(
        "Group's phone number",
        "Enter a phone number for the group, so we can call you back",
        40,
        description="Finance will call this number to check bank details before paying a grant.",
    )
    submit = SubmitField("Save group", widget=GovSubmitInput())


class InviteMemberForm(BaseForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=email_validators(),
        description="We will email them a link to join this group.",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class OfflineGroupForm(GroupForm):
    contact_name = text_field("Contact's full name", "Enter the name of the person to contact", 200)
    contact_phone = text_field(
        "Contact's phone number",
        "Enter a phone number for the contact",
        40,
        description="Finance will call this number to check bank details before paying a grant.",
    )
    contact_email = EmailField(
        "Contact's email address (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
    )
    submit = SubmitField("Save group and continue", widget=GovSubmitInput())
