"""The administrator's forms. Choices of agency are only the agencies the administrator looks after, so a posted
id of any other agency is refused on its field."""

from collections.abc import Mapping
from typing import Any, cast

from django import forms

from access.models import AgencyKind, ApiScope, Role, User
from core.forms import GovukForm, VersionField
from identity.scoping import agencies_for, users_for

ROLE_HINTS = {
    Role.ADMINISTRATOR: "Manages accounts, agencies and single sign-on groups",
    Role.AUDITOR: "Reads the audit trail",
    Role.EXPLOITATION: "Sees the cross-border picture (children counted, not named) and searches the partnership "
    "register; no child's record",
}
# The kinds of agency a council's administrator adds in the council's area.
LOCAL_AGENCY_KINDS = [
    (kind.value, kind.label)
    for kind in (AgencyKind.SCHOOL, AgencyKind.HEALTH, AgencyKind.RHI_PROVIDER, AgencyKind.OTHER)
]


def _agency_field(user: User, label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=agencies_for(user).order_by("name"),
        label=label,
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency",
            "invalid_choice": "Choose one of the agencies you administer",
        },
    )


class _CheckboxesField(forms.MultipleChoiceField):
    """Checkboxes with a hint under each option (read by `govuk_field`, as `core.forms.RadiosField`'s are)."""

    option_hints: Mapping[Any, str] = {}


class UserDetailsForm(GovukForm):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter the last name"})
    email = forms.CharField(
        label="Email address (optional)",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    roles = _CheckboxesField(
        label="Roles",
        help_text="Select all that apply. Each role must suit the agency.",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role", "invalid_choice": "Choose roles from the list"},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = _agency_field(user, "Agency")
        cast(_CheckboxesField, self.fields["roles"]).option_hints = ROLE_HINTS
        self.order_fields(["username", "first_name", "last_name", "email", "job_title", "agency", "roles"])


class AddUserForm(UserDetailsForm):
    username = forms.CharField(
        label="Username",
        help_text="What they type to sign in, such as sam.jones. Letters, numbers and . @ + - _ only.",
        max_length=150,
        error_messages={"required": "Enter a username"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ChangeUserForm(UserDetailsForm):
    version = VersionField()


class AccountStatusForm(GovukForm):
    version = VersionField()
    reason = forms.CharField(
        label="Reason (optional)",
        help_text="Recorded in the audit trail, such as: left the council on 31 March",
        max_length=200,
        required=False,
    )


class BulkAddForm(GovukForm):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="One person a row, with the columns the template below describes.",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty", "invalid": "Choose a CSV file"},
    )


class AddAgencyForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of agency is it?",
        choices=LOCAL_AGENCY_KINDS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of agency it is",
            "invalid_choice": "Choose a kind from the list",
        },
    )
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the agency's name"})
    code = forms.CharField(
        label="Code",
        help_text="A school's six-digit URN (such as 100001); for others, a short code of your own (such as NHT)",
        max_length=20,
        error_messages={"required": "Enter the agency's code"},
    )


class GroupMappingForm(GovukForm):
    group = forms.CharField(
        label="Group at the identity provider",
        help_text="As the provider sends it in the groups claim: the group's object ID in Microsoft Entra ID (such "
        "as 5f2a…), the group's name or path in Keycloak (such as /homeward/coordinators)",
        max_length=200,
        error_messages={"required": "Enter the group as the identity provider sends it"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Role its members hold",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role from the list"},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = _agency_field(user, "Agency its members belong to")
        self.order_fields(["group", "agency", "role"])


# --- API credentials ---------------------------------------------------------------------------------------

CASE_ROLES_FOR_CLIENTS = [(role.value, role.label) for role in Role if role not in (Role.ADMINISTRATOR,)]


class _TokenFields(GovukForm):
    name = forms.CharField(
        label="What the token is for", max_length=100, required=False, help_text="Such as 'Nightly warehouse load'"
    )
    scopes = forms.MultipleChoiceField(
        label="What the token may do",
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing the token may do"},
    )
    expires_on = forms.DateField(
        label="Expires on",
        help_text="For example, 31/3/2027. The token stops working at the start of this day.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"required": "Enter the day the token expires", "invalid": "Enter a date such as 31/3/2027"},
    )


class SystemClientForm(_TokenFields):
    client_name = forms.CharField(
        label="System's name",
        max_length=200,
        help_text="Such as 'Northmoor case management system'",
        error_messages={"required": "Enter the system's name"},
    )
    role = forms.ChoiceField(
        label="It sees what this role at your agency sees",
        choices=[("", "Choose a role"), *CASE_ROLES_FOR_CLIENTS],
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role from the list"},
    )

    field_order = ["client_name", "role", "name", "scopes", "expires_on"]


class PersonTokenForm(_TokenFields):
    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = forms.ModelChoiceField(
            queryset=users_for(user).filter(api_client__isnull=True, is_active=True).order_by("last_name", "username"),
            label="Person",
            empty_label="Choose a person",
            error_messages={"required": "Choose a person", "invalid_choice": "Choose a person from the list"},
        )
        self.order_fields(["person", "name", "scopes", "expires_on"])
