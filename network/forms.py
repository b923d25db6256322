"""Forms for recording persons of concern and places, and linking children to them."""

from typing import TYPE_CHECKING, cast

from django import forms

from access.models import User
from children.models import Child
from core.forms import GovukForm, VersionField, radios, textarea
from core.widgets import GovukDateField
from episodes.scoping import episodes_for
from interviews.scoping import interviews_for
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind, Relationship
from network.scoping import (
    can_record_police_intelligence,
    partnership_persons_for,
    partnership_places_for,
    persons_for,
    places_for,
)

POLICE_ONLY_HINT = "Only police users of your force will see it. Councils, schools and other forces will not."


def _police_only_field(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=POLICE_ONLY_HINT)


if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # the mixin is only ever mixed into a form
else:
    _FormBase = object


class _PoliceOnlyMixin(_FormBase):
    """Police-only intelligence can be recorded only by police: the box is not offered to anyone else."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not can_record_police_intelligence(user):
            del self.fields["police_only"]


class PersonForm(_PoliceOnlyMixin, GovukForm):
    kind = radios(PersonKind.choices, label="Is this person an adult or a peer?", error="Select adult or peer")
    display_name = forms.CharField(
        label="Name or label",
        max_length=200,
        help_text="What the person is called in lists, such as a first name, nickname or 'Driver of a grey car'",
        error_messages={"required": "Enter a name or label for the person"},
    )
    aliases = textarea(label="Other names and nicknames (optional)")
    description = textarea(label="Description (optional)", help_text="Age, appearance, what is known about them")
    vehicles = textarea(label="Vehicles (optional)", help_text="Make, colour and registration, one a line")
    phone_numbers = textarea(label="Phone numbers and social media (optional)", help_text="One a line")
    approximate_age = forms.IntegerField(
        label="Approximate age (optional)",
        required=False,
        help_text="In years. With the name, it lets other agencies find this person exactly",
        error_messages={"invalid": "Enter the approximate age as a number of years, such as 25"},
    )
    police_only = _police_only_field("This is police-only intelligence")


class PlaceForm(_PoliceOnlyMixin, GovukForm):
    kind = radios(PlaceKind.choices, label="What kind of place is it?", error="Select the kind of place")
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="A short name, such as 'Chicken Palace takeaway' or 'Flat above the launderette'",
        error_messages={"required": "Enter a name for the place"},
    )
    address = textarea(label="Address (optional)")
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10)
    latitude = forms.CharField(
        label="Latitude (optional)", required=False, max_length=20, help_text="For example, 53.480759"
    )
    longitude = forms.CharField(
        label="Longitude (optional)", required=False, max_length=20, help_text="For example, -2.242631"
    )
    police_only = _police_only_field("This is police-only intelligence")


class _TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj}{' (police only)' if obj.police_only else ''}"


class _LinkForm(_PoliceOnlyMixin, GovukForm):
    target_field: str  # the field naming what the child is linked to: person or place
    source = radios(LinkSource.choices, label="How is the child linked?", error="Select how the child is linked")
    linked_on = GovukDateField(
        label="When",
        subject="The date they were together",
        help_text="The date they were together, for example 27 3 2026",
        error_messages={"required": ""},
    )
    confidence = radios(
        Confidence.choices,
        label="How sure is the link?",
        error="Select how sure the link is",
        hints={
            Confidence.CONFIRMED: "Seen or found together, or the child said so",
            Confidence.PROBABLE: "Good reason to think so, not yet confirmed",
            Confidence.POSSIBLE: "A lead to check",
        },
    )
    episode: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, label="Missing episode (optional)", empty_label="Not about one episode"
    )
    interview: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, label="Return interview (optional)", empty_label="Not from an interview"
    )
    notes = textarea(label="Notes (optional)")
    police_only = _police_only_field("This link is police-only intelligence")

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["linked_on"].error_messages["required"] = "Enter the date of the link"
        cast(forms.ModelChoiceField, self.fields["episode"]).queryset = (
            episodes_for(self.user).filter(child=child).order_by("-last_seen_at")
        )
        cast(forms.ModelChoiceField, self.fields["interview"]).queryset = (
            interviews_for(self.user).filter(child=child).order_by("-due_by")
        )
        for name in ("episode", "interview", self.target_field):
            self.fields[name].widget.attrs["class"] = "govuk-select"


class PersonLinkForm(_LinkForm):
    target_field = "person"
    person = _TargetChoiceField(
        queryset=None,
        label="Person",
        error_messages={"required": "Choose the person", "invalid_choice": "Choose the person"},
    )
    relationship = radios(
        Relationship.choices,
        label="What is the person to the child?",
        error="Select what the person is to the child",
        hints={
            Relationship.ADULT_OF_CONCERN: "An adult who may be exploiting or harming the child",
            Relationship.PEER: "Another young person the child spends time with",
            Relationship.FAMILY_CARER: "A relative or carer the child visits or stays with: it adds nothing to the "
            "network's ranking",
        },
    )
    field_order = ["person", "relationship"]

    def __init__(self, *args, offered: list[int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The persons the user may already see, and any they found in the partnership register.
        choices = persons_for(self.user)
        if offered:
            choices = choices | partnership_persons_for(self.user).filter(pk__in=offered)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = choices.distinct().order_by("display_name", "pk")


class PlaceLinkForm(_LinkForm):
    target_field = "place"
    place = _TargetChoiceField(
        queryset=None,
        label="Place",
        error_messages={"required": "Choose the place", "invalid_choice": "Choose the place"},
    )
    field_order = ["place"]

    def __init__(self, *args, offered: list[int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = places_for(self.user)
        if offered:
            choices = choices | partnership_places_for(self.user).filter(pk__in=offered)
        cast(forms.ModelChoiceField, self.fields["place"]).queryset = choices.distinct().order_by("name", "pk")


class FindPersonForm(GovukForm):
    phone = forms.CharField(label="Phone number (optional)", required=False, max_length=40)
    vehicle = forms.CharField(
        label="Vehicle registration (optional)", required=False, max_length=20, help_text="For example, AB12 CDE"
    )
    name = forms.CharField(
        label="Name or alias (optional)",
        required=False,
        max_length=200,
        help_text="Exactly as it may have been recorded. Give an approximate age with it",
    )
    approximate_age = forms.IntegerField(
        label="Approximate age",
        required=False,
        help_text="In years, such as 25: a recorded age within 3 years matches",
        error_messages={"invalid": "Enter the approximate age as a number of years, such as 25"},
    )


class FindPlaceForm(GovukForm):
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10)
    address = textarea(label="Address (optional)", help_text="Exactly as it may have been recorded")


class EndLinkForm(GovukForm):
    reason = textarea(
        label="Why is the link ended?",
        help_text="For example, 'Recorded against the wrong child' or 'Police enquiries found no link'",
        required=True,
        error="Enter why the link is ended",
    )
    version = VersionField()


class SearchForm(GovukForm):
    q = forms.CharField(label="Search by name", required=False, max_length=100)


class PeriodForm(GovukForm):
    days = forms.TypedChoiceField(
        label="Period",
        coerce=int,
        required=False,
        choices=[
            (30, "Last 30 days"),
            (90, "Last 90 days"),
            (180, "Last 6 months"),
            (365, "Last 12 months"),
            (730, "Last 2 years"),
        ],
    )


MERGE = "merge"
NOT_DUPLICATE = "not-duplicate"


class DuplicateDecisionForm(GovukForm):
    """Two records proposed as one: which survives and why (merge), or why they are different (not a duplicate).
    The button pressed posts `decision`; the versions are those of the records the user compared."""

    survivor = forms.ChoiceField(widget=forms.RadioSelect, required=False)
    reason = textarea(
        label="Why are these the same, or why are they different?",
        help_text="For example, 'Same phone number and the same nickname in both interviews'. "
        "It is kept with the records and is not shown in the audit trail.",
        required=True,
        error="Enter the reason",
    )
    decision = forms.ChoiceField(
        choices=[(MERGE, "Merge"), (NOT_DUPLICATE, "Not a duplicate")], widget=forms.HiddenInput, initial=MERGE
    )
    first_version = VersionField()
    second_version = VersionField()

    def __init__(self, *args, first, second, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["survivor"])
        field.label = "Which record should be kept?"
        field.help_text = "The other record's links to children, names, phone numbers and vehicles move to the one kept"
        field.choices = [
            (str(record.pk), f"Keep {record} (recorded by {record.owning_agency.name}, {record.created_at:%d/%m/%Y})")
            for record in (first, second)
        ]
        field.error_messages = {"invalid_choice": "Choose the record to keep"}
        self.initial.setdefault("first_version", first.version)
        self.initial.setdefault("second_version", second.version)

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == MERGE and not data.get("survivor") and "survivor" not in self.errors:
            self.add_error("survivor", "Choose the record to keep")
        return data
