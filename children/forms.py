"""Forms for finding and adding children."""

import datetime as dt
from typing import cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from access.models import Agency, AgencyKind, Role, User
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Placement, Sex
from core.forms import GovukForm, VersionField, radios
from core.widgets import GovukDateField


class ChildSearchForm(GovukForm):
    q = forms.CharField(
        label="Name, council child ID, date of birth or police reference",
        help_text="For a date of birth use 21/11/2011 or 2011-11-21",
        required=False,
        max_length=100,
    )


def _select(field: forms.ModelChoiceField) -> forms.ModelChoiceField:
    field.widget.attrs["class"] = "govuk-select"
    return field


class AddChildForm(GovukForm):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's last name"})
    preferred_name = forms.CharField(
        label="Preferred name (optional)",
        required=False,
        max_length=100,
        help_text="The name the child likes to be called, if it is not their first name",
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        subject="Date of birth",
        help_text="For example, 27 3 2011",
        error_messages={"required": "Enter the child's date of birth"},
    )
    sex = radios(Sex.choices, label="Sex", error="Select the child's sex")
    gender_identity = forms.CharField(
        label="Gender identity (optional)",
        required=False,
        max_length=100,
        help_text="Only if the child has told you, in the words they use",
    )
    ethnicity = forms.ChoiceField(
        choices=Ethnicity.choices,
        initial=Ethnicity.NOBT,
        help_text="The Department for Education's ethnicity categories",
        error_messages={"invalid_choice": "Select the child's ethnicity from the list"},
    )
    legal_status = radios(LegalStatus.choices, label="Legal status", error="Select the child's legal status")
    la_child_id = forms.CharField(
        label="Council child ID",
        max_length=30,
        help_text="Your council's own identifier for the child, used in statutory returns",
        error_messages={"required": "Enter the council child ID"},
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        required=False,
        max_length=13,
        help_text="A letter and 12 digits, or UN1 to UN5 to record why it is not known",
    )
    responsible_council = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Responsible council",
        help_text="You can add only children your council is responsible for",
        empty_label=None,
        error_messages={
            "required": "Select the responsible council",
            "invalid_choice": "You can add only children your council is responsible for",
        },
    )
    living_arrangement = radios(
        LivingArrangement.choices, label="Where does the child live?", error="Select where the child lives"
    )
    placement_council = forms.ModelChoiceField(
        queryset=Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("name"),
        label="Council area the child lives in",
        help_text="If this is not the responsible council, the child is placed out of area",
        error_messages={
            "required": "Select the council area the child lives in",
            "invalid_choice": "Select the council area the child lives in from the list",
        },
    )
    placement_postcode = forms.CharField(
        label="Postcode where the child lives (optional)", required=False, max_length=8
    )
    school = forms.ModelChoiceField(
        queryset=Agency.objects.filter(kind=AgencyKind.SCHOOL).order_by("name"),
        label="School (optional)",
        required=False,
        empty_label="Not known or not at school",
        error_messages={"invalid_choice": "Select the child's school from the list"},
    )
    social_worker = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Allocated social worker (optional)",
        required=False,
        empty_label="Not allocated",
        error_messages={"invalid_choice": "Select a social worker from your council"},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        assert user.agency_id is not None  # can_add_child: a user at a council
        own_council = Agency.objects.filter(pk=user.agency_id, kind=AgencyKind.COUNCIL)
        cast(forms.ModelChoiceField, self.fields["responsible_council"]).queryset = own_council
        self.fields["responsible_council"].initial = user.agency_id
        self.fields["placement_council"].initial = user.agency_id
        cast(forms.ModelChoiceField, self.fields["social_worker"]).queryset = (
            User.objects.filter(is_active=True, agency_id=user.agency_id, role_assignments__role=Role.SOCIAL_WORKER)
            .distinct()
            .order_by("last_name", "first_name")
        )
        for name in ("placement_council", "school", "social_worker", "responsible_council"):
            _select(cast(forms.ModelChoiceField, self.fields[name]))

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        if born and born > timezone.localdate():
            raise ValidationError("The date of birth must be today or in the past")
        return born

    def clean_upn(self) -> str:
        return self.cleaned_data["upn"].strip().upper()

    def clean_la_child_id(self) -> str:
        return self.cleaned_data["la_child_id"].strip()

    def clean_placement_postcode(self) -> str:
        return " ".join(self.cleaned_data["placement_postcode"].upper().split())

    def child_fields(self) -> dict[str, object]:
        """The cleaned answers as children.actions.add_child takes them."""
        return dict(self.cleaned_data)

    def add_action_errors(self, error: ValidationError) -> None:
        """The model's "one council child ID per council" rule is reported on the council child ID field."""
        if hasattr(error, "error_dict"):
            duplicate = (
                f"{self.cleaned_data.get('responsible_council')} already has a child with council child ID "
                f"{self.cleaned_data.get('la_child_id')}"
            )
            remaining: dict[str, list[ValidationError]] = {}
            for field, errors in error.error_dict.items():
                for item in errors:
                    if field == NON_FIELD_ERRORS and item.code == "unique_together":
                        self.add_error("la_child_id", duplicate)
                    else:
                        remaining.setdefault(field, []).append(item)
            if not remaining:
                return
            error = ValidationError(remaining)
        super().add_action_errors(error)


class MergeChildrenForm(GovukForm):
    """Which of two records of one child survives, why, and the versions of both the user reviewed."""

    survivor = forms.ChoiceField(widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why are these two records the same child?",
        help_text="For example: the same child added twice, once by the police and once by the council",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why these two records are the same child"},
    )
    first_version = VersionField()
    second_version = VersionField()

    def __init__(self, *args, first, second, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["survivor"])
        field.label = "Which record should be kept?"
        field.help_text = "The other record's episodes, interviews, links and shares move to the one kept"
        field.choices = [
            (str(child.pk), f"Keep {child.la_child_id} (added {child.created_at:%d/%m/%Y})")
            for child in (first, second)
        ]
        field.error_messages = {
            "required": "Choose the record to keep",
            "invalid_choice": "Choose the record to keep",
        }
        self.initial.setdefault("survivor", str(first.pk))
        self.initial.setdefault("first_version", first.version)
        self.initial.setdefault("second_version", second.version)


class ChangePlacementForm(GovukForm):
    """A move to a new placement (children.actions.change_placement): the action checks the answers."""

    started_on = GovukDateField(
        label="Date the placement started",
        subject="Date the placement started",
        help_text="For example, 5 1 2026",
        error_messages={"required": "Enter the date the placement started"},
    )
    living_arrangement = radios(
        LivingArrangement.choices, label="Where does the child live now?", error="Select where the child lives"
    )
    placement_council = forms.ModelChoiceField(
        queryset=Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("name"),
        label="Council area the placement is in",
        error_messages={
            "required": "Select the council area the placement is in",
            "invalid_choice": "Select the council area the placement is in from the list",
        },
    )
    provider = forms.CharField(
        label="Provider's name (optional)",
        required=False,
        max_length=200,
        help_text="The children's home, foster carers' agency or other provider",
    )
    urn = forms.CharField(
        label="Ofsted URN (optional)",
        required=False,
        max_length=8,
        help_text="Six or seven digits, or SC and six digits for a children's home",
    )
    placement_type = forms.ChoiceField(
        label="Placement type (optional)",
        choices=[("", "Not recorded"), *Placement.choices],
        required=False,
        help_text="The SSDA903 placement code",
        error_messages={"invalid_choice": "Select the placement type from the list"},
    )
    postcode = forms.CharField(label="Postcode of the placement (optional)", required=False, max_length=8)
    version = VersionField()

    def __init__(self, *args, child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", child.version)
        self.initial.setdefault("placement_council", child.placement_council_id)
        self.initial.setdefault("living_arrangement", child.living_arrangement)
        _select(cast(forms.ModelChoiceField, self.fields["placement_council"]))
        self.fields["placement_type"].widget.attrs["class"] = "govuk-select"
