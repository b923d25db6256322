"""The Returns page's forms: which collection year, and which file to download."""

from django import forms
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
