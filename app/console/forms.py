"""Console forms (Flask-WTF: every POST form carries the CSRF token)."""

from flask import abort
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from app.core.access.operators import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

ROLE_CHOICES = [
    SelectChoice("viewer", "Viewer — read only"),
    SelectChoice("editor", "Editor — contacts, templates, segments, campaigns"),
    SelectChoice("admin", "Admin — everything, including operators and API keys"),
]
SCOPE_CHOICES = [
    SelectChoice("send", "send — create notifications and events"),
    SelectChoice("manage", "manage — contacts, devices, preferences, templates"),
]


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=1024)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[InputRequired(), Length(
            min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
            message=f"Use {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.")],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A passphrase works well.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[InputRequired(), EqualTo("password", message="The passwords differ.")],
    )


class InviteOperatorForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=320)])
    name = StringField("Name", validators=[Optional(), Length(max=255)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="editor")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(c.value, c.value.title())
                                        for c in ROLE_CHOICES])


class ConfirmForm(FlaskForm):
    """An empty form: a POST button that only needs its CSRF token checked."""


def require_confirmation() -> None:
    """Answer 400 unless the POST came from a confirm button (its CSRF token checks)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


class ApiKeyForm(FlaskForm):
    name = StringField(
        "Name", validators=[InputRequired(), Length(max=255)],
        description="Where the key is used, e.g. “checkout service (production)”.",
    )
    scopes = CheckboxListField("Scopes", choices=SCOPE_CHOICES, default=["send"],
                               validators=[InputRequired(message="Pick at least one scope.")])
    rate_limit = StringField(
        "Rate limit", validators=[Optional(), Length(max=64)],
        description="Requests this key may make, e.g. “100/second” or “6000/minute”. "
                    "Empty: the server's default.",
    )


class AuditFilterForm(FlaskForm):
    """Filters read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    operator = SelectField("Operator", choices=[], validate_choice=False, default="")
    action = SelectField("Action", choices=[], validate_choice=False, default="")
    entity_type = SelectField("Entity", choices=[], validate_choice=False, default="")
    entity_id = StringField("Entity id", validators=[Optional(), Length(max=64)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


def attach_errors(form, error) -> None:
    """Show a core error (HeraldError) next to its fields, or on the form as a whole.

    Core errors name fields as "/name" or "name"; unknown fields go to form.form_errors.
    """
    items = getattr(error, "errors", None) or [{"field": "", "message": str(error)}]
    for item in items:
        field = getattr(form, (item.get("field") or "").strip("/").split("/")[0], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, item["message"]]
        else:
            form.form_errors.append(item["message"])


class TimeZoneForm(FlaskForm):
    timezone = SelectField(
        "Time zone", validate_choice=False,
        description="Campaign schedules, next runs and ETAs are shown in this zone.")
