"""Forms for assigning, offering and recording a return home interview."""

from typing import Any, cast

from django import forms

from core.forms import GovukForm, RadiosField, VersionField, checkboxes, radios, textarea
from core.widgets import GovukDateTimeField
from interviews.codes import ConsentToShare, Disclosure, Outcome, PullFactor, PushFactor

NOBODY = "nobody"
WAITING = ""  # the outcome of an offer the child has not answered yet

OUTCOME_CHOICES = [
    (Outcome.ACCEPTED, "Accepted"),
    (Outcome.DECLINED, "Declined by the child"),
    (Outcome.NO_CONTACT, "Could not make contact"),
    (WAITING, "Offered, waiting for an answer"),
    (Outcome.NOT_OFFERED, "Not offered"),
]
OUTCOME_HINTS = {
    Outcome.NO_CONTACT: "The offer could not be made because the child could not be reached",
    Outcome.NOT_OFFERED: "Say why below, and leave the offer time empty",
}


class AssignForm(GovukForm):
    assigned_to = radios([], label="Who will do the interview?", error="Select a practitioner")
    version = VersionField()

    def __init__(self, *args, practitioners: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.practitioners = {str(person.pk): person for person in practitioners}
        choices = [(pk, f"{person}, {person.agency}") for pk, person in self.practitioners.items()]
        cast(forms.ChoiceField, self.fields["assigned_to"]).choices = [*choices, (NOBODY, "No one for now")]
        cast(RadiosField, self.fields["assigned_to"]).option_hints = {
            pk: person.job_title for pk, person in self.practitioners.items() if person.job_title
        }

    def chosen_practitioner(self):
        return self.practitioners.get(self.cleaned_data["assigned_to"])


class OfferForm(GovukForm):
    outcome = radios(
        OUTCOME_CHOICES,
        label="What happened to the offer?",
        error="Select what happened to the offer",
        hints=OUTCOME_HINTS,
        required=False,
    )
    offered_at = GovukDateTimeField(
        label="When was the interview offered?",
        subject="The date the interview was offered",
        help_text="For example, 21 11 2026 and 21:30. Leave this empty if no interview was offered.",
        required=False,
    )
    offered_by = forms.CharField(label="Who offered it?", max_length=200, required=False)
    not_offered_reason = textarea(label="If it was not offered, why not?")
    version = VersionField()

    def clean(self) -> dict:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean() returns cleaned_data
        # "Offered, waiting for an answer" posts an empty outcome: only a missing answer is an error.
        if self.is_bound and "outcome" not in self.data:
            self.add_error("outcome", "Select what happened to the offer")
        return cleaned

    def action_kwargs(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class RecordInterviewForm(GovukForm):
    action_error_fields = {"episodes": "episode_ids"}

    completed_at = GovukDateTimeField(
        label="When did the interview take place?",
        subject="The date of the interview",
        help_text="For example, 21 11 2026 and 14:00",
        error_messages={"required": "Enter when the interview took place"},
    )
    episode_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Which missing episodes did the interview cover?",
        error_messages={
            "required": "Choose at least one episode the interview covers",
            "invalid_choice": "Choose only this child's episodes that have a return recorded",
        },
    )
    push_factors = checkboxes(
        PushFactor.choices,
        label="Push factors (optional)",
        help_text="What made the child leave. Select all that apply.",
        error="Choose push factors from the list",
    )
    pull_factors = checkboxes(
        PullFactor.choices,
        label="Pull factors (optional)",
        help_text="What drew the child away. Select all that apply.",
        error="Choose pull factors from the list",
    )
    where_stayed = textarea(label="Where did the child stay? (optional)")
    who_with = textarea(label="Who was the child with? (optional)")
    harm_suffered = textarea(label="Harm the child suffered (optional)")
    disclosures = checkboxes(
        Disclosure.choices,
        label="Disclosures and concerns (optional)",
        help_text="Select all that apply, and describe them below.",
        error="Choose disclosures from the list",
    )
    disclosure_details = textarea(label="What did the child disclose? (optional)")
    childs_wishes = textarea(label="The child's own wishes and views (optional)")
    actions_agreed = textarea(label="Actions and referrals agreed (optional)")
    consent_to_share = radios(
        ConsentToShare.choices,
        label="Did the child agree to what they said being shared?",
        error="Select whether the child agreed to sharing",
    )
    narrative = textarea(
        label="Interview notes (optional)", help_text="The practitioner's account of the interview. Kept confidential."
    )
    version = VersionField()

    def __init__(self, *args, episodes: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["episode_ids"]).choices = [
            (episode.pk, label) for episode, label in episodes
        ]

    def action_kwargs(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
