"""Forms for calling a meeting, recording attendance, discussion and decisions, linking persons and places, and
agreeing and closing actions. Every choice offered is drawn from the user's scoped lookups."""

from typing import cast

from django import forms
from django.db.models import Q, QuerySet

from access.models import Agency, AgencyKind, User
from access.scoping import COUNCIL_CASE_ROLES
from children.models import Child
from core.forms import GovukForm, VersionField, radios, textarea
from core.widgets import GovukDateField, GovukDateTimeField
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from meetings.codes import DEFAULT_AGENCY_KINDS, ActionStatus, Attendance, MeetingKind
from meetings.models import Meeting
from meetings.scoping import children_to_add_for

SELECT = {"class": "govuk-select"}


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj}, {obj.agency}" if obj.agency_id else str(obj)


class _ChildChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Child) -> str:
        return obj.full_name


class _AgencyChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


def candidate_agencies(children: list[Child]) -> QuerySet[Agency]:
    """The agencies involved with the children: their councils and those councils' police forces, the forces that
    hold their episodes, their schools, the providers of their interviews, and the health bodies and providers in
    their councils' areas."""
    councils = {c.responsible_council_id for c in children} | {c.placement_council_id for c in children}
    forces = set(MissingEpisode.objects.filter(child__in=children).values_list("police_force_id", flat=True))
    providers = set(ReturnInterview.objects.filter(child__in=children).values_list("provider_id", flat=True))
    return (
        Agency.objects.filter(
            Q(pk__in=councils)
            | Q(council_areas__in=councils)
            | Q(pk__in=forces)
            | Q(pk__in={c.school_id for c in children})
            | Q(pk__in=providers)
            | Q(local_authority__in=councils, kind__in=[AgencyKind.HEALTH, AgencyKind.RHI_PROVIDER])
        )
        .distinct()
        .order_by("kind", "name")
    )


def default_agencies(kind: str, children: list[Child]) -> list[Agency]:
    """The agencies a meeting of this kind invites by default, among those involved with the children."""
    kinds = DEFAULT_AGENCY_KINDS.get(kind, ())
    return [agency for agency in candidate_agencies(children) if agency.kind in kinds]


class CallMeetingForm(GovukForm):
    kind = radios(MeetingKind.choices, label="What kind of meeting?", error="Select the kind of meeting")
    held_at = GovukDateTimeField(
        label="When is it held?",
        subject="The date of the meeting",
        help_text="For example, 21 11 2026 and 14:30",
        error_messages={"required": "Enter when the meeting is held"},
    )
    place = forms.CharField(label="Where (optional if online)", required=False, max_length=200)
    online = forms.BooleanField(label="Held online", required=False)
    chair = _PersonChoice(queryset=None, label="Chair", error_messages={"required": "Choose the chair"})
    agencies = _AgencyChoices(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Agencies invited",
        help_text="Ticked: the agencies this kind of meeting invites by default",
        required=False,
        error_messages={"invalid_choice": "Choose agencies from the list"},
    )
    children: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.MultipleHiddenInput, error_messages={"required": "Choose the child"}
    )

    def __init__(self, *args, user: User, children: list[Child], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        assert user.agency_id is not None  # can_call_meeting, checked before the form: a council's user
        cast(forms.ModelChoiceField, self.fields["chair"]).queryset = (
            User.objects.filter(agency_id=user.agency_id, is_active=True, role_assignments__role__in=COUNCIL_CASE_ROLES)
            .select_related("agency")
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["chair"].widget.attrs.update(SELECT)
        cast(forms.ModelChoiceField, self.fields["agencies"]).queryset = candidate_agencies(children)
        cast(forms.ModelChoiceField, self.fields["children"]).queryset = children_to_add_for(user)


class AttendanceForm(GovukForm):
    invite = _PersonChoice(queryset=None, required=False, label="Invite someone else (optional)", empty_label="Nobody")
    version = VersionField()

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        invited_agencies = [meeting.council_id, *meeting.agencies.values_list("agency_id", flat=True)]
        for row in meeting.agencies.select_related("agency"):
            name = f"agency_{row.agency_id}"
            self.fields[name] = radios(Attendance.choices, label=row.agency.name, error="Select the attendance")
            self.initial[name] = row.attendance
        for person in meeting.people.select_related("user", "user__agency"):
            name = f"person_{person.user_id}"
            label = f"{person.user}, {person.user.agency}" if person.user.agency_id else str(person.user)
            self.fields[name] = radios(Attendance.choices, label=label, error="Select the attendance")
            self.initial[name] = person.attendance
        cast(forms.ModelChoiceField, self.fields["invite"]).queryset = (
            User.objects.filter(agency_id__in=invited_agencies, is_active=True)
            .exclude(meeting_invitations__meeting=meeting)
            .select_related("agency")
            .order_by("agency__name", "last_name", "first_name")
        )
        self.fields["invite"].widget.attrs.update(SELECT)
        self.order_fields([*(n for n in self.fields if n not in {"invite", "version"}), "invite", "version"])

    def attendance(self, prefix: str) -> dict[int, str]:
        return {
            int(name.removeprefix(prefix)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix) and value
        }


class AddChildToPanelForm(GovukForm):
    la_child_id = forms.CharField(
        label="The child's council ID",
        help_text="The council's own ID for the child, as in the statutory returns",
        max_length=50,
        error_messages={"required": "Enter the child's council ID"},
    )
    version = VersionField()

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_la_child_id(self) -> Child:
        child = children_to_add_for(self.user).filter(la_child_id=self.cleaned_data["la_child_id"].strip()).first()
        if child is None:
            raise forms.ValidationError("No child in your caseload has that council ID")
        return child


class LinkForm(GovukForm):
    persons: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, required=False, label="Persons of concern"
    )
    places: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, required=False, label="Places"
    )
    version = VersionField()

    def __init__(self, *args, persons: QuerySet, places: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["persons"]).queryset = persons
        cast(forms.ModelChoiceField, self.fields["places"]).queryset = places


class DiscussionForm(GovukForm):
    discussion = textarea(label="What was discussed")
    decisions = textarea(label="What was decided")
    version = VersionField()


class ActionForm(GovukForm):
    what = forms.CharField(
        label="What is to be done", max_length=300, error_messages={"required": "Enter what is to be done"}
    )
    owner = _PersonChoice(queryset=None, label="Who owns it", error_messages={"required": "Choose who owns the action"})
    due_on = GovukDateField(
        label="Due by",
        subject="The due date",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter when the action is due"},
    )
    child = _ChildChoice(queryset=None, required=False, label="About (optional)", empty_label="The whole meeting")

    def __init__(self, *args, meeting: Meeting, children: list[Child], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        invited_agencies = [meeting.council_id, *meeting.agencies.values_list("agency_id", flat=True)]
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = (
            User.objects.filter(agency_id__in=invited_agencies, is_active=True)
            .select_related("agency")
            .order_by("agency__name", "last_name", "first_name")
        )
        cast(forms.ModelChoiceField, self.fields["child"]).queryset = Child.objects.filter(
            pk__in=[child.pk for child in children]
        )
        for name in ("owner", "child"):
            self.fields[name].widget.attrs.update(SELECT)


class CloseActionForm(GovukForm):
    status = radios(
        [(ActionStatus.DONE, "Done"), (ActionStatus.CANCELLED, "Cancelled")],
        label="Mark the action",
        error="Select done or cancelled",
        hints={ActionStatus.CANCELLED: "Say why below"},
    )
    note = textarea(label="Note", help_text="Needed when the action is cancelled")
    version = VersionField()
