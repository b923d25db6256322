"""Forms for acknowledging an alert, recording an exploitation screening, and referrals."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone

from core.forms import GovukForm, VersionField, checkboxes, radios, textarea
from core.widgets import GovukDateField, GovukDateTimeField
from risk.codes import (
    DECISIONS_ON_THE_ALERT_PAGE,
    REFERRAL_TRANSITIONS,
    AlertDecision,
    ExploitationFlag,
    Indicator,
    ReferralStatus,
    ReferralTo,
    ScreeningKind,
    ScreeningLevel,
)

DECISION_HINTS = {
    AlertDecision.NO_FURTHER_ACTION: "Say why below",
    AlertDecision.OTHER: "Say what below",
}
LEVEL_HINTS = {
    ScreeningLevel.NO_RISK: "No indicators of exploitation",
    ScreeningLevel.LOW: "Some indicators, but the child is not thought to be exploited now",
    ScreeningLevel.MEDIUM: "The child is at risk of exploitation or may be being targeted",
    ScreeningLevel.HIGH: "The child is being exploited, or is at immediate risk of it",
}
YES_NO = [("yes", "Yes"), ("no", "No")]


NOBODY = "nobody"


class AssignAlertForm(GovukForm):
    assigned_to = radios([], label="Who will decide on this alert?", error="Select a colleague")
    version = VersionField()

    def __init__(self, *args, colleagues: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.colleagues = {str(person.pk): person for person in colleagues}
        choices = [(pk, f"{person}, {person.agency}") for pk, person in self.colleagues.items()]
        cast(forms.ChoiceField, self.fields["assigned_to"]).choices = [*choices, (NOBODY, "Anyone in the role")]

    def chosen_colleague(self) -> Any:
        return self.colleagues.get(self.cleaned_data["assigned_to"])


class AcknowledgeAlertForm(GovukForm):
    decision = radios(
        DECISIONS_ON_THE_ALERT_PAGE,
        label="What has been decided?",
        error="Select what has been decided",
        hints=DECISION_HINTS,
    )
    reason = textarea(
        label="Reason or details",
        help_text="Needed for no further action or something else: say why, or what was decided",
    )


class ScreeningForm(GovukForm):
    screened_at = GovukDateTimeField(
        label="When was the screening done?",
        subject="The date of the screening",
        help_text="For example, 21 11 2026 and 14:30",
        error_messages={"required": "Enter when the screening was done"},
    )
    kind = radios(
        ScreeningKind.choices,
        label="What is the child being screened for?",
        error="Select what the child is being screened for",
    )
    recent_indicators = checkboxes(
        Indicator.choices,
        label="Indicators seen recently",
        help_text="Select every indicator present now or seen recently. Select all that apply.",
        error="Select indicators from the list",
    )
    historical_indicators = checkboxes(
        Indicator.choices,
        label="Indicators in the child's history",
        help_text=(
            "Select indicators seen in the past but not recently. Leave out any you selected as recent. "
            "Select all that apply."
        ),
        error="Select indicators from the list",
    )
    learning_disability = radios(
        YES_NO,
        label="Does the child have a learning disability?",
        error="Select yes if the child has a learning disability",
    )
    level = radios(
        ScreeningLevel.choices,
        label="Level of risk",
        error="Select the level of risk",
        hints=LEVEL_HINTS,
    )
    flags = checkboxes(
        ExploitationFlag.choices,
        label="Flags (optional)",
        help_text="Flag the forms of exploitation of concern. Select all that apply.",
        error="Select flags from the list",
    )
    review_date = GovukDateField(
        label="Review date",
        subject="The review date",
        required=False,
        help_text="When the screening will be looked at again, for example 21 2 2027. Not needed for no risk.",
    )
    notes = textarea(label="Notes (optional)", help_text="What the screening found, and the evidence for it")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["screened_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        age = settings.HOMEWARD_YOUNG_CHILD_AGE
        self.fields["level"].help_text = (
            f"A child under {age}, or with a learning disability, who shows any recent indicator "
            "must be graded medium or high."
        )

    def action_kwargs(self) -> dict[str, object]:
        """The answers as risk.actions.record_screening takes them."""
        answers = dict(self.cleaned_data)
        answers["learning_disability"] = answers["learning_disability"] == "yes"
        return answers


class ReferralForm(GovukForm):
    to = radios(ReferralTo.choices, label="Who are you referring the child to?", error="Select who to refer to")
    reason = textarea(
        label="Why are you referring the child?",
        required=True,
        error="Enter why you are referring the child",
        help_text="What the concern is and what you are asking the team to do",
    )


class ReferralStatusField(forms.ChoiceField):
    """Offers the statuses the referral can move to, but accepts any status, so that a page gone stale
    (someone else moved the referral on) gets the action's conflict message, not "not one of the choices"."""

    def valid_value(self, value: str) -> bool:
        return value in ReferralStatus.values


class ReferralStatusForm(GovukForm):
    status = ReferralStatusField(
        choices=[],
        widget=forms.RadioSelect,
        label="What has happened to the referral?",
        error_messages={
            "required": "Select what has happened to the referral",
            "invalid_choice": "Select what has happened to the referral",
        },
    )
    note = textarea(label="Note", help_text="Needed if the referral was declined: say why")
    version = VersionField()

    def __init__(self, *args, current_status: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (code, ReferralStatus(code).label) for code in REFERRAL_TRANSITIONS[current_status]
        ]
