"""Forms for reporting a child missing and for each later change to the episode."""

from typing import Any

from django import forms
from django.utils import timezone

from access.models import Agency, AgencyKind, Role, User
from children.models import Child
from children.scoping import children_for
from core.forms import GovukForm, VersionField, checkboxes, radios, textarea
from core.templatetags.govuk import govuk_date
from core.widgets import GovukDateTimeField
from episodes.actions import MAX_FOUND_WITH_UNKNOWN
from episodes.codes import EpisodeType, FoundBy, LogEntryKind, MissingFrom, RiskGrade
from episodes.models import MissingEpisode
from episodes.scoping import found_with_candidates, found_with_for

EPISODE_TYPE_CHOICES: list[tuple[str, str]] = [
    (EpisodeType.MISSING, "Missing"),
    (EpisodeType.AWAY, "Away without authorisation"),
]
EPISODE_TYPE_HINTS = {
    EpisodeType.MISSING: "Their whereabouts are not known",
    EpisodeType.AWAY: "Their whereabouts are known, but they are away from their placement without permission",
}
# The College of Policing's missing-person risk grades, in brief.
RISK_HINTS = {
    RiskGrade.NO_APPARENT_RISK: "There is no apparent risk of harm to the child or to the public",
    RiskGrade.LOW: "The risk of harm to the child or to the public is possible but minimal",
    RiskGrade.MEDIUM: "The risk of harm to the child or to the public is likely but not serious",
    RiskGrade.HIGH: "The risk of serious harm to the child or to the public is very likely",
}
DATE_TIME_HINT = "For example, 21 11 2026 and 21:30"


def _episode_type() -> forms.ChoiceField:
    return radios(
        EPISODE_TYPE_CHOICES,
        label="Is the child missing, or away without authorisation?",
        error="Select whether the child is missing or away without authorisation",
        hints=EPISODE_TYPE_HINTS,
        help_text="The Department for Education counts these separately.",
    )


def _missing_from() -> forms.ChoiceField:
    return radios(
        MissingFrom.choices, label="Where was the child missing from?", error="Select where the child was missing from"
    )


def _last_seen_at() -> GovukDateTimeField:
    return GovukDateTimeField(
        label="When was the child last seen?",
        subject="The date the child was last seen",
        help_text=DATE_TIME_HINT,
        error_messages={"required": "Enter when the child was last seen"},
    )


def _last_seen_place() -> forms.CharField:
    return forms.CharField(
        label="Where was the child last seen?",
        max_length=300,
        error_messages={"required": "Enter where the child was last seen"},
    )


def _reported_by() -> forms.CharField:
    return forms.CharField(
        label="Who reported the child missing?",
        max_length=200,
        help_text="Their name and relationship to the child, such as Sam Smith, foster carer",
        error_messages={"required": "Enter who reported the child missing"},
    )


def _police_reference() -> forms.CharField:
    return forms.CharField(
        label="Police reference (optional)", max_length=40, required=False, help_text="Such as WP-2026-004512"
    )


def _circumstances() -> forms.CharField:
    return textarea(
        label="Circumstances (optional)",
        help_text="What happened before the child went missing, and anything that raises the risk",
    )


class ReportMissingForm(GovukForm):
    episode_type = _episode_type()
    missing_from = _missing_from()
    last_seen_at = _last_seen_at()
    last_seen_place = _last_seen_place()
    reported_at = GovukDateTimeField(
        label="When was the child reported missing?",
        subject="The date the child was reported missing",
        help_text=DATE_TIME_HINT,
        error_messages={"required": "Enter when the child was reported missing"},
    )
    reported_by = _reported_by()
    police_force = forms.ModelChoiceField(
        queryset=Agency.objects.filter(kind=AgencyKind.POLICE).order_by("name"),
        label="Police force",
        help_text="The force that holds the missing person report",
        empty_label="Choose the police force",
        error_messages={
            "required": "Select the police force that holds the report",
            "invalid_choice": "Select the police force that holds the report",
        },
    )
    police_reference = _police_reference()
    risk_grade = radios(
        RiskGrade.choices, label="Police risk grade", error="Select the police risk grade", hints=RISK_HINTS
    )
    circumstances = _circumstances()

    def __init__(self, *args, user: User, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["police_force"].widget.attrs["class"] = "govuk-select"
        self.fields["reported_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if self.own_force is not None:
            # Police report into their own force: the form shows it but does not ask.
            del self.fields["police_force"]
        else:
            self.fields["police_force"].initial = child.placement_council.police_force_id

    @property
    def own_force(self) -> Agency | None:
        return self.user.agency if self.user.has_role(Role.POLICE) else None

    def action_kwargs(self) -> dict[str, Any]:
        """The answers as episodes.actions.report_missing takes them."""
        return {**self.cleaned_data, "police_force": self.own_force or self.cleaned_data["police_force"]}


class EpisodeDetailsForm(GovukForm):
    episode_type = _episode_type()
    missing_from = _missing_from()
    last_seen_at = _last_seen_at()
    last_seen_place = _last_seen_place()
    reported_by = _reported_by()
    police_reference = _police_reference()
    circumstances = _circumstances()
    version = VersionField()


class ChangeRiskForm(GovukForm):
    grade = radios(RiskGrade.choices, label="New risk grade", error="Select the new risk grade", hints=RISK_HINTS)
    reason = textarea(
        label="Why has the risk grade changed?",
        required=True,
        error="Enter why the risk grade changed",
    )
    version = VersionField()


FOUND_WITH = ("found_with_children", "found_with_child_id", "found_with_unknown")
PREVENTION_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]
PREVENTION_VALUES = {"yes": True, "no": False, "not_known": None}


def _child_choice(child: Child) -> tuple[str, str]:
    return str(
        child.pk
    ), f"{child.full_name}, born {govuk_date(child.date_of_birth)}, council child ID {child.la_child_id}"


class FoundWithFields(GovukForm):
    """The "found with" picker, server-rendered: ticks for the children the user may see who were missing at about
    the same time (`found_with_candidates`, a short list), a box to add any other child the user may see by their
    council child ID, and how many other children were not known."""

    found_with_children = checkboxes(
        [],
        label="Other children the child was found with",
        error="Pick from the children listed",
        help_text="Children you can see who were missing at about the same time",
    )
    found_with_child_id = forms.CharField(
        label="Another child, by their council child ID (optional)",
        max_length=30,
        required=False,
        help_text="For a child you can see who is not listed above",
    )
    found_with_unknown = forms.IntegerField(
        label="How many other children not known to us, or not identified? (optional)",
        min_value=0,
        max_value=MAX_FOUND_WITH_UNKNOWN,
        required=False,
        error_messages={
            "invalid": "Enter the number of other children as a whole number, such as 2",
            "min_value": "The number of other children not known cannot be less than 0",
            "max_value": f"The number of other children not known must be {MAX_FOUND_WITH_UNKNOWN} or fewer",
        },
    )

    def __init__(self, *args, user: User, episode: MissingEpisode, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.episode = episode
        self.recorded_found_with = found_with_for(user, [episode])[episode.pk]
        offered = {child.pk: child for child in found_with_candidates(user, episode)}
        offered.update((child.pk, child) for child in self.recorded_found_with.children)
        field = self.fields["found_with_children"]
        field.choices = [_child_choice(child) for child in offered.values()]  # type: ignore[attr-defined]

    def clean_found_with_child_id(self) -> list[int]:
        """The children the user may see with that council child ID (any case): one is added; none, or more than
        one (children of two councils), is an error naming the field. A child the user may not see is not found."""
        text = self.cleaned_data["found_with_child_id"].strip()
        if not text:
            return []
        matches = list(children_for(self.user).filter(la_child_id__iexact=text).exclude(pk=self.episode.child_id))
        if not matches:
            raise forms.ValidationError(f"No child you can see has the council child ID {text}")
        if len(matches) > 1:
            field = self.fields["found_with_children"]
            field.choices = [*field.choices, *(_child_choice(child) for child in matches)]  # type: ignore[attr-defined]
            raise forms.ValidationError(
                f"More than one child you can see has the council child ID {text}: tick the right one above"
            )
        return [matches[0].pk]

    def found_with_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        picked = {int(pk) for pk in data.get("found_with_children") or ()} | set(data.get("found_with_child_id") or ())
        return {"found_with_children": sorted(picked), "found_with_unknown": data.get("found_with_unknown") or 0}


class FoundWithForm(FoundWithFields):
    """Change who a returned child was found with."""

    version = VersionField()

    def __init__(self, *args, user: User, episode: MissingEpisode, **kwargs) -> None:
        super().__init__(*args, user=user, episode=episode, **kwargs)
        self.fields["found_with_children"].initial = [str(child.pk) for child in self.recorded_found_with.children]
        self.fields["found_with_unknown"].initial = self.recorded_found_with.unknown or None
        self.fields["version"].initial = episode.version


class RecordReturnForm(FoundWithFields):
    returned_at = GovukDateTimeField(
        label="When was the child found or did they return?",
        subject="The date the child was found or returned",
        help_text=DATE_TIME_HINT,
        error_messages={"required": "Enter when the child was found or returned"},
    )
    found_place = forms.CharField(
        label="Where was the child found, or where did they return to?",
        max_length=300,
        error_messages={"required": "Enter where the child was found or returned to"},
    )
    found_by = radios(
        FoundBy.choices, label="Who found the child or brought them back?", error="Select who found the child"
    )
    found_with = forms.CharField(
        label="Who was the child with? (optional)",
        max_length=300,
        required=False,
        help_text="Names or descriptions of anyone the child was found with",
    )
    harm_on_return = textarea(label="Harm on return (optional)", help_text="Any injury or harm seen or disclosed")
    prevention_interview_done = radios(
        PREVENTION_CHOICES,
        label="Did police carry out a prevention interview (safe and well check)?",
        error="Select whether police carried out a prevention interview, or Not known",
    )
    version = VersionField()

    def action_kwargs(self) -> dict[str, Any]:
        """The answers as episodes.actions.record_return takes them."""
        found_with = self.found_with_kwargs()
        answers = {name: value for name, value in self.cleaned_data.items() if name not in ("version", *FOUND_WITH)}
        answers["prevention_interview_done"] = PREVENTION_VALUES[answers["prevention_interview_done"]]
        return answers | found_with


class LogEntryForm(GovukForm):
    kind = radios(LogEntryKind.choices, label="What happened?", error="Select what happened")
    occurred_at = GovukDateTimeField(
        label="When did it happen?",
        subject="The date it happened",
        help_text=DATE_TIME_HINT,
        error_messages={"required": "Enter when it happened"},
    )
    note = textarea(
        label="What happened, and what was done",
        help_text="Who, where and what was said or decided. Everyone who reads the episode in full can read this.",
        required=True,
        error="Enter what happened",
    )
