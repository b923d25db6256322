from django import forms

from access.models import Agency
from children.codes import LivingArrangement
from children.models import Child
from core.forms import GovukForm, VersionField

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Notification file",
        help_text="CSV with a header row, or JSON Lines (.jsonl): the layout is in the integration guide",
    )
    import_valid_rows = forms.BooleanField(
        required=False,
        label="If some rows have errors, import the valid rows and quarantine the rest for correction",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 200 MB: split it into smaller files")
        if not upload.name.lower().endswith((".csv", ".jsonl", ".ndjson", ".json")):
            raise forms.ValidationError("The file must be a .csv or .jsonl file")
        return upload


class ConfirmChildForm(GovukForm):
    """A proposal this user may see, or another child of their caseload by their Homeward record number."""

    child: forms.ModelChoiceField[Child] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Which child is this notification about?",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    other_child = forms.IntegerField(
        required=False,
        min_value=1,
        label="Or another child",
        help_text="Their Homeward record number (the number in the address of their record)",
    )
    version = VersionField()

    def __init__(self, *args, children=None, proposals=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.children = children if children is not None else Child.objects.none()
        field = self.fields["child"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = proposals if proposals is not None else Child.objects.none()

    def clean(self):
        cleaned = super().clean() or {}
        other = cleaned.get("other_child")
        if other is not None:
            child = self.children.filter(pk=other).first()
            if child is None:
                self.add_error("other_child", "There is no child with this number among the children you work with")
            cleaned["child"] = child
        elif cleaned.get("child") is None and "child" not in self.errors:
            self.add_error("child", "Choose the child, or give another child's record number")
        return cleaned


class ProvisionalChildForm(GovukForm):
    responsible_council: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=None, label="Responsible council", empty_label=None
    )
    living_arrangement = forms.ChoiceField(choices=LivingArrangement.choices, label="Where the child lives")
    version = VersionField()

    def __init__(self, *args, councils=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["responsible_council"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = councils if councils is not None else Agency.objects.none()


class ConfirmProvisionalForm(GovukForm):
    """The coordinator's corrections on confirming a provisional record: what the police could not know."""

    la_child_id = forms.CharField(
        label="Council child ID",
        max_length=30,
        help_text="Your council's own identifier for the child, used in statutory returns",
    )
    living_arrangement = forms.ChoiceField(choices=LivingArrangement.choices, label="Where the child lives")
    placement_council: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Placement council",
        help_text="The council whose area the child lives in",
        empty_label=None,
    )
    version = VersionField()

    def __init__(self, *args, councils=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["placement_council"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = councils if councils is not None else Agency.objects.none()


class MergeProvisionalForm(GovukForm):
    """Which existing record a provisional one duplicates: a likely match, or any by its council child ID."""

    existing = forms.CharField(
        label="Council child ID of the existing record",
        max_length=30,
        help_text="The record this child already has; you review both side by side before merging",
    )
