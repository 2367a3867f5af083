"""Admin forms: searching people, filtering the audit log, closing and reopening accounts."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from grants.forms import BaseForm, SingleLineChecks, required, strip_bidi_controls


class PeopleSearchForm(SingleLineChecks, FlaskForm):
    """Search people by part of their name or email address (GET: a search can be bookmarked)."""

    class Meta:
        csrf = False  # a read-only search

    q = StringField(
        "Search by name or email address",
        widget=GovTextInput(),
        filters=[strip_bidi_controls],
        validators=[Optional(), Length(max=100, message="Search must be 100 characters or fewer")],
    )


class AuditFilterForm(SingleLineChecks, FlaskForm):
    """Audit log filters (GET, so a filtered view can be bookmarked and shared). Each matches part
    of the text, ignoring case."""

    class Meta:
        csrf = False  # a read-only search

    action = StringField(
        "Action",
        widget=GovTextInput(),
        description="For example roles or user.deactivated",
        validators=[Optional(), Length(max=80, message="Action must be 80 characters or fewer")],
    )
    object_type = StringField(
        "Object type",
        widget=GovTextInput(),
        description="For example User or Organisation",
        validators=[
            Optional(),
            Length(max=80, message="Object type must be 80 characters or fewer"),
        ],
    )
    actor = StringField(
        "Done by",
        widget=GovTextInput(),
        description="Part of their name or email address",
        validators=[Optional(), Length(max=254, message="Done by must be 254 characters or fewer")],
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())


class DeactivateForm(BaseForm):
    reason = TextAreaField(
        "Why are you deactivating this account?",
        widget=GovTextArea(),
        description="For example: left the council in March. This is kept in the audit log.",
        validators=[
            required("Enter why you are deactivating this account"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Deactivate account", widget=GovSubmitInput())
