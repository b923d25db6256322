"""Forms for editing a Philomena profile and adding its photo."""

from django import forms
from django.conf import settings

from core.forms import GovukForm, VersionField, textarea
from core.widgets import GovukDateField
from philomena.models import PhotoType
from philomena.photos import size_text


def _short(label: str, help_text: str, max_length: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer"},
    )


class ProfileForm(GovukForm):
    # The sections the page shows, each a list of field names (the template lays them out in this order).
    SECTIONS = [
        ("Description", ["height", "build", "hair", "eyes", "distinguishing_marks", "usual_clothing"]),
        ("Phones and social media", ["phone_numbers", "social_media"]),
        ("Places and people", ["places_frequented", "associates"]),
        ("Medical needs", ["medication", "medical_conditions", "allergies"]),
        ("Missing history and other information", ["missing_history", "notes"]),
    ]

    height = _short("Height", "For example, 165cm or 5 feet 5 inches", 50)
    build = _short("Build", "For example, slim, medium or heavy", 100)
    hair = _short("Hair", "Colour, length and style", 200)
    eyes = _short("Eyes", "Colour, and glasses or contact lenses if worn", 100)
    distinguishing_marks = textarea(
        label="Distinguishing marks", help_text="Scars, tattoos, piercings and birthmarks, and where they are"
    )
    usual_clothing = textarea(label="Clothing usually worn", help_text="Coats, shoes, bags and colours")
    phone_numbers = textarea(
        label="Phone numbers", help_text="Every number the child uses, one on each line, and whose phone it is"
    )
    social_media = textarea(
        label="Social media accounts", help_text="The app or site and the username, one on each line"
    )
    places_frequented = textarea(
        label="Places the child goes",
        help_text="Addresses, areas, shops, parks, stations and friends' homes, one on each line",
    )
    associates = textarea(
        label="Associates",
        help_text="Friends, family and adults the child spends time with, how they know them and how to reach them",
    )
    medication = textarea(label="Medication", help_text="What, how often, and what happens if a dose is missed")
    medical_conditions = textarea(label="Medical conditions", help_text="Including mental health and disabilities")
    allergies = textarea(label="Allergies")
    missing_history = textarea(
        label="Previous missing history",
        help_text="How often the child has gone missing, where they were found, who with, and any pattern",
    )
    notes = textarea(
        label="Other information for police",
        help_text="Anything that will help find the child and keep them safe: languages spoken, how they may react "
        "to police, what calms them",
    )
    version = VersionField(required=False)

    def sections(self) -> list[dict]:
        return [{"title": title, "fields": [self[name] for name in names]} for title, names in self.SECTIONS]

    def content(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class PhotoForm(GovukForm):
    photo = forms.FileField(
        label="Upload a photo",
        required=False,  # the action says "Select a photo", so the message is the same however it arrives
        widget=forms.FileInput(attrs={"accept": ",".join(PhotoType.values)}),
        error_messages={
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded: try again",
            "missing": "Select a photo",
        },
    )
    taken_on = GovukDateField(
        label="When was the photo taken? (optional)",
        subject="The date the photo was taken",
        required=False,
        help_text="For example, 27 3 2026. Police need to know how recent it is.",
    )
    version = VersionField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = (
            f"A recent, clear photo of the child's face. It must be a JPG or PNG, smaller than "
            f"{size_text(settings.HOMEWARD_PHOTO_MAX_BYTES)}."
        )
