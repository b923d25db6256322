"""The notification choices form: how each kind reaches the user, and their mobile number."""

from django import forms

from core.forms import GovukForm, VersionField, radios
from notifications.codes import Channel, NotificationKind


class PreferencesForm(GovukForm):
    mobile_number = forms.CharField(
        label="Mobile number for text messages (optional)",
        help_text="A UK mobile number, like 07700 900 982",
        max_length=20,
        required=False,
    )
    version = VersionField()

    def __init__(self, *args, can_text: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c.value, c.label) for c in Channel if can_text or c != Channel.TEXT]
        for kind in NotificationKind:
            self.fields[kind.value] = radios(
                choices,
                label=kind.label,
                error=f"Choose how you want to hear that {kind.label[0].lower()}{kind.label[1:]}",
            )
        if not can_text:
            del self.fields["mobile_number"]

    def kind_fields(self) -> list:
        return [self[kind.value] for kind in NotificationKind]

    def channels(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[kind.value] for kind in NotificationKind}
