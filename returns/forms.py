"""The Returns page's forms: which collection year, and which file to download."""

from django import forms
from django.conf import settings
from django.utils import timezone

from core.forms import GovukForm, radios
from returns.exports import RETURN_FILES

FIRST_YEAR = 2015


def current_collection_year() -> int:
    """The collection year running today: it starts on 1 April."""
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def year_choices() -> list[tuple[str, str]]:
    return [
        (str(year), f"{year}/{(year + 1) % 100:02d}") for year in range(current_collection_year(), FIRST_YEAR - 1, -1)
    ]


class ReturnYearForm(GovukForm):
    year = forms.TypedChoiceField(label="Collection year", coerce=int, choices=year_choices)


class ReturnDownloadForm(ReturnYearForm):
    year = forms.TypedChoiceField(label="Collection year", coerce=int, choices=year_choices, widget=forms.HiddenInput)
    file = radios(
        [(key, file.label) for key, file in RETURN_FILES.items()],
        label="Which file",
        error="Choose the file to download",
    )
    accept_failures = forms.BooleanField(
        label="Download it although checks fail",
        required=False,
        help_text="The DfE will reject a return whose checks fail: correct the records first where you can.",
    )


def _file_field(table: str) -> forms.FileField:
    return forms.FileField(
        label=f"SSDA903 {table} (CSV)",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": f"Select the {table} file",
            "empty": f"The {table} file is empty",
            "invalid": f"The {table} file could not be uploaded: try again",
            "missing": f"Select the {table} file",
        },
    )


class ReturnImportForm(GovukForm):
    """The council's three SSDA903 files, as the DfE's CSV layout (UTF-8, the column names first)."""

    header = _file_field("Header")
    episodes = _file_field("Episodes")
    missing = _file_field("Missing")

    def _text(self, name: str, table: str) -> str:
        upload = self.cleaned_data[name]
        limit = settings.HOMEWARD_RETURN_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The {table} file must be smaller than {limit // (1024 * 1024)} MB")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(f"The {table} file must be a CSV file saved as UTF-8") from exc

    def clean_header(self) -> str:
        return self._text("header", "Header")

    def clean_episodes(self) -> str:
        return self._text("episodes", "Episodes")

    def clean_missing(self) -> str:
        return self._text("missing", "Missing")
