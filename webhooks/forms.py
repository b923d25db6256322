from django import forms

from access.models import User
from core.forms import GovukForm
from webhooks.models import EventKind
from webhooks.scoping import clients_for


class SubscriptionForm(GovukForm):
    url = forms.CharField(
        label="Receiver's address",
        max_length=500,
        help_text="Where Homeward posts each event, such as https://cms.example.org/homeward-hooks",
        error_messages={"required": "Enter the receiver's address"},
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event"},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"] = forms.ModelChoiceField(
            queryset=clients_for(user).order_by("name"),
            label="System client",
            empty_label="Choose a system client",
            error_messages={
                "required": "Choose a system client",
                "invalid_choice": "Choose a system client from the list",
            },
        )
        self.order_fields(["client", "url", "events"])
