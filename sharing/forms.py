"""Forms for sharing, withdrawing a share, and emergency access (and its review)."""

from typing import cast

from django import forms

from access import share_kinds
from access.models import Agency, AgencyKind, User
from core.forms import GovukForm, RadiosField, VersionField, radios, textarea
from core.widgets import GovukDateField
from sharing.codes import LAWFUL_BASIS_HINTS, ChildConsent, LawfulBasis
from sharing.selectors import ShareOption, end_of_day

AGENCY = "agency"
PERSON = "user"


class ShareForm(GovukForm):
    """What to share, with whom, on what basis, with what consent, why, and until when."""

    # The action names the recipient and the item by model; the form shows both as one question each.
    action_error_fields = {**{item.field: "what" for item in share_kinds.items()}, "expires_at": "expires_on"}

    what = radios([], label="What do you want to share?", error="Select what to share")
    recipient = forms.ChoiceField(
        label="Who are you sharing it with?",
        help_text="An agency (everyone there whose role receives shares) or one person",
        error_messages={"required": "Select who to share it with", "invalid_choice": "Select who to share it with"},
    )
    lawful_basis = radios(
        LawfulBasis.choices,
        label="What is the lawful basis for sharing?",
        error="Select the lawful basis for sharing",
        hints=LAWFUL_BASIS_HINTS,
    )
    # Always shown, like child_consent_reason below, rather than revealed under "Other": GOV.UK Frontend's
    # conditional reveal puts aria-expanded on the radio, which ARIA does not allow there (axe: aria-allowed-attr).
    lawful_basis_other = textarea(
        label="Give the lawful basis (if you chose Other)",
        help_text="Required if the lawful basis is Other",
    )
    child_consent = radios(
        ChildConsent.choices,
        label="Did the child agree to this being shared?",
        error="Select whether the child agreed",
    )
    child_consent_reason = textarea(
        label="Why are you sharing without the child's agreement? (if they refused or were not asked)",
        help_text="Required if the child refused or consent was not sought",
    )
    purpose = textarea(
        label="Why are you sharing this?",
        help_text="What the recipient needs it for, and what you expect them to do",
        required=True,
        error="Enter why you are sharing this",
    )
    expires_on = GovukDateField(
        label="Share until (optional)",
        subject="The date to share until",
        help_text="The share ends at the end of this day. Leave it empty to share until it is withdrawn.",
        required=False,
    )

    def __init__(self, *args, options: list[ShareOption], agencies: list[Agency], people: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = {option.value: option for option in options}
        cast(forms.ChoiceField, self.fields["what"]).choices = [(option.value, option.label) for option in options]
        cast(RadiosField, self.fields["what"]).option_hints = {option.value: option.hint for option in options}
        self.agencies = {f"{AGENCY}:{agency.pk}": agency for agency in agencies}
        self.people = {f"{PERSON}:{person.pk}": person for person in people}
        agency_choices = [
            (key, f"{agency.name} ({AgencyKind(agency.kind).label.lower()})") for key, agency in self.agencies.items()
        ]
        person_choices = [
            (key, ", ".join(filter(None, [str(person), person.job_title, str(person.agency)])))
            for key, person in self.people.items()
        ]
        cast(forms.ChoiceField, self.fields["recipient"]).choices = [
            ("", "Choose an agency or a person"),
            *([("Agencies", agency_choices)] if agency_choices else []),
            *([("People", person_choices)] if person_choices else []),
        ]
        if len(options) == 1:
            self.fields["what"].initial = options[0].value

    def action_kwargs(self) -> dict[str, object]:
        data = self.cleaned_data
        option = self.options[data["what"]]
        return {
            "what": option.what,
            "item": option.item,
            "to_agency": self.agencies.get(data["recipient"]),
            "to_user": self.people.get(data["recipient"]),
            "lawful_basis": data["lawful_basis"],
            "lawful_basis_other": data["lawful_basis_other"],
            "child_consent": data["child_consent"],
            "child_consent_reason": data["child_consent_reason"],
            "purpose": data["purpose"],
            "expires_at": end_of_day(data["expires_on"]) if data["expires_on"] else None,
        }


class AcknowledgeShareForm(GovukForm):
    version = VersionField()


class WithdrawShareForm(GovukForm):
    reason = textarea(
        label="Why are you withdrawing this share?",
        help_text="The recipient loses access at once. The share stays on the child's record, marked withdrawn.",
        required=True,
        error="Enter why you are withdrawing the share",
    )
    version = VersionField()


class EmergencyAccessForm(GovukForm):
    child_id = forms.IntegerField(
        label="The child's Homeward ID (optional)",
        help_text="The number at the end of the record's web address, such as 1234",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "invalid": "Enter the Homeward ID as a number, such as 1234",
            "min_value": "Enter the Homeward ID as a number, such as 1234",
            "max_value": "Enter the Homeward ID as a number, such as 1234",
        },
    )
    la_child_id = forms.CharField(
        label="Or the council child ID (optional)", max_length=30, required=False, help_text="Such as N004512"
    )
    council = forms.ModelChoiceField(
        queryset=Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("name"),
        label="The council that gave that child ID",
        required=False,
        empty_label="Choose a council",
        error_messages={"invalid_choice": "Choose a council from the list"},
    )
    reason = textarea(
        label="Why do you need this record now?",
        help_text="Say what has happened and why it cannot wait. Your reason is recorded and reviewed.",
        required=True,
        error="Enter why you need emergency access to this record",
    )

    def action_kwargs(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in ("child_id", "la_child_id", "council", "reason")}


class ReviewEmergencyAccessForm(GovukForm):
    note = textarea(
        label="Your review",
        help_text="Was the access justified? Say what you checked and any action taken.",
        required=True,
        error="Enter what you found when you reviewed this use",
    )


class InterviewIntelligenceForm(GovukForm):
    """What a return interview named, passed to a police force as structured intelligence."""

    force = forms.ChoiceField(
        label="Which police force?",
        error_messages={"required": "Select the police force", "invalid_choice": "Select the police force"},
    )
    persons = forms.MultipleChoiceField(
        label="Persons of concern linked to the child", required=False, widget=forms.CheckboxSelectMultiple
    )
    places = forms.MultipleChoiceField(
        label="Places linked to the child", required=False, widget=forms.CheckboxSelectMultiple
    )
    vehicles = textarea(label="Vehicles (one a line)", help_text="Make, colour, registration as the child gave them")
    phone_numbers = textarea(label="Phone numbers (one a line)")
    addresses = textarea(label="Addresses (one a line)")
    lawful_basis = radios(
        LawfulBasis.choices,
        label="What is the lawful basis for sharing?",
        error="Select the lawful basis for sharing",
        hints=LAWFUL_BASIS_HINTS,
    )
    lawful_basis_other = textarea(
        label="Give the lawful basis (if you chose Other)", help_text="Required if the lawful basis is Other"
    )
    child_consent = radios(
        ChildConsent.choices, label="Did the child agree to this being shared?", error="Select whether the child agreed"
    )
    child_consent_reason = textarea(
        label="Why are you sharing without the child's agreement? (if they refused or were not asked)",
        help_text="Required if the child refused or consent was not sought",
    )
    purpose = textarea(
        label="Why are you sharing this?",
        help_text="What the police need it for, and what you expect them to do",
        required=True,
        error="Enter why you are sharing this",
    )
    include_childs_words = forms.BooleanField(
        label="Include what the child said in the interview",
        help_text="Left unticked, the police see the names, places and details only, not the child's words",
        required=False,
    )

    def __init__(self, *args, forces, persons, places, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["force"]).choices = [("", "Choose a force")] + [
            (str(force.pk), force.name) for force in forces
        ]
        self.fields["force"].widget.attrs["class"] = "govuk-select"
        cast(forms.MultipleChoiceField, self.fields["persons"]).choices = [(str(p.pk), str(p)) for p in persons]
        cast(forms.MultipleChoiceField, self.fields["places"]).choices = [(str(p.pk), str(p)) for p in places]
        self.initial.setdefault("lawful_basis", LawfulBasis.CRIME_PREVENTION)
