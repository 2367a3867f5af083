"""Account forms. Shape checks only; the password rules live in the services."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import AnyOf, EqualTo, Length, Optional

from grants.forms import BaseForm, email_validators, required
from grants.permissions import Role


def _full_name_field():
    return StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            required("Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )


def _new_password_fields():
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. Three random words work well.",
        validators=[required("Enter a password")],
    )
    confirm = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            required("Confirm your password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )
    return password, confirm


class RegisterForm(BaseForm):
    full_name = _full_name_field()
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=email_validators(),
        description="We will only use this to send you messages about your applications.",
    )
    password, confirm_password = _new_password_fields()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignInForm(BaseForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=email_validators())
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[required("Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgottenPasswordForm(BaseForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=email_validators())
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ResetPasswordForm(BaseForm):
    password, confirm_password = _new_password_fields()
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class AcceptInvitationForm(BaseForm):
    full_name = _full_name_field()
    password, confirm_password = _new_password_fields()
    submit = SubmitField("Create account", widget=GovSubmitInput())


ROLE_CHOICES = [(role.value, role.label) for role in Role]


class InviteForm(BaseForm):
    """Invite someone new with one role; an admin adds any further roles on their page."""

    email = EmailField("Email address", widget=GovTextInput(), validators=email_validators())
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=ROLE_CHOICES,
        validate_choice=False,
        description="They get this role when they create their account. You can add more roles "
        "on their page in People and roles afterwards.",
        validators=[
            required("Select a role"),
            AnyOf([value for value, _label in ROLE_CHOICES], message="Select a role"),
        ],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RolesForm(BaseForm):
    """The roles a person holds: any of them, or none (a group member needs no role)."""

    roles = SelectMultipleField(
        "Roles",
        widget=GovCheckboxesInput(),
        choices=ROLE_CHOICES,
        validate_choice=False,
        description="Select every role this person has. Leave them all empty for someone who only "
        "works on their own group's applications.",
    )
    representing = StringField(
        "Who they represent (panel members)",
        widget=GovTextInput(),
        description="For example: resident of Hindley, young person, faith group, VCFSE.",
        validators=[Optional(), Length(max=200, message="Must be 200 characters or fewer")],
    )
    submit = SubmitField("Save roles", widget=GovSubmitInput())

    def validate_roles(self, field) -> None:
        known = {value for value, _label in ROLE_CHOICES}
        if any(value not in known for value in field.data or []):
            raise ValidationError("Select roles from the list")

    def chosen_roles(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}
