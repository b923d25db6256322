"""The auditor's search of the audit trail."""

from django import forms
from django.db.models import Q

from access.models import AuditEvent, User
from core.forms import GovukForm
from core.widgets import GovukDateField
from governance.audit_trail import AuditFilters
from governance.scoping import audit_children_for


class AuditSearchForm(GovukForm):
    child = forms.CharField(
        label="Child",
        required=False,
        max_length=30,
        help_text="The council's child ID, such as N004567, or the child's Homeward record number",
    )
    username = forms.CharField(
        label="Username of the person who acted", required=False, max_length=150, help_text="Such as j.smith"
    )
    date_from = GovukDateField(
        label="From", subject="The date to search from", required=False, help_text="For example, 27 3 2026"
    )
    date_to = GovukDateField(
        label="To", subject="The date to search to", required=False, help_text="For example, 31 3 2026"
    )
    action = forms.ChoiceField(
        label="What they did", required=False, choices=[("", "Anything"), *AuditEvent.Action.choices]
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_child(self) -> tuple[int, ...] | None:
        text = self.cleaned_data["child"].strip()
        if not text:
            return None
        match = Q(la_child_id__iexact=text)
        if text.isdigit():
            match |= Q(pk=int(text))
        found = tuple(audit_children_for(self.user).filter(match).values_list("pk", flat=True))
        if not found:
            raise forms.ValidationError("No child with that ID in your council's records. Check the ID and try again")
        return found

    def clean(self) -> dict:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean() returns cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            children=data["child"],
            username=data["username"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            action=data["action"],
        )
