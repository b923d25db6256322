"""The public app's forms: the page editor, the public concern form and the MASH's triage forms."""

from django import forms

from children.codes import Sex
from core.forms import GovukForm, VersionField, radios, textarea
from core.widgets import GovukDateField
from public.codes import CloseReason, MissingNow, ReferTo, ReporterRole
from public.protection import HONEYPOT_FIELD


class PageForm(GovukForm):
    title = forms.CharField(max_length=120, error_messages={"required": "Enter the page's title"})
    summary = forms.CharField(
        max_length=300,
        help_text="One or two sentences: shown under the page's link in the list of pages",
        error_messages={"required": "Enter a summary of the page"},
    )
    body = forms.CharField(
        label="Content",
        help_text=(
            "Markdown: a blank line between paragraphs, ## for a heading, - for a list item, **bold**, "
            "[link text](https://example.org). HTML, images, styles and scripts are refused."
        ),
        widget=forms.Textarea(attrs={"rows": 20}),
        error_messages={"required": "Enter the page's content"},
    )
    slug = forms.SlugField(
        label="Page address",
        max_length=80,
        help_text="Lower-case letters, numbers and hyphens, such as if-your-child-is-missing",
        error_messages={
            "required": "Enter the page's address",
            "invalid": "Enter the page's address using only lower-case letters, numbers and hyphens",
        },
    )
    order = forms.IntegerField(
        label="Position in the list of pages",
        min_value=0,
        max_value=1000,
        help_text="Lower numbers come first",
        error_messages={
            "required": "Enter the page's position in the list",
            "invalid": "Enter the position as a whole number, such as 10",
            "min_value": "Enter a position of 0 or more",
            "max_value": "Enter a position of 1000 or less",
        },
    )
    review_by = GovukDateField(
        label="Review the content by", subject="The review date", error_messages={"required": "Enter a review date"}
    )
    version = VersionField(required=False)

    def clean_slug(self) -> str:
        return self.cleaned_data["slug"].lower()


class UnpublishForm(GovukForm):
    version = VersionField()


class ConcernForm(GovukForm):
    reporter_name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name"})
    reporter_role = radios(
        ReporterRole.choices,
        label="Where do you know the child from?",
        error="Select where you know the child from",
    )
    reporter_organisation = forms.CharField(
        label="Organisation (optional)",
        required=False,
        max_length=200,
        help_text="The name of your school, club, shop or organisation, if you have one",
    )
    reporter_email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="We need an email address or a phone number to reply to you",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    reporter_phone = forms.RegexField(
        label="Phone number",
        required=False,
        regex=r"^[0-9 +()-]{6,40}$",
        error_messages={"invalid": "Enter a phone number, like 01632 960 001 or 07700 900 982"},
    )
    child_name = forms.CharField(
        label="The child's name (optional)",
        required=False,
        max_length=200,
        help_text="As much as you know: a first name or a nickname helps",
    )
    child_age = forms.CharField(
        label="How old is the child? (optional)",
        required=False,
        max_length=40,
        help_text="An estimate is fine, such as 'about 14'",
    )
    child_whereabouts = textarea(
        label="Where does the child live, go to school or spend time? (optional)",
        help_text="Streets, schools, shops or places you have seen them",
    )
    missing_now = radios(
        MissingNow.choices, label="Is the child missing now?", error="Select if the child is missing now"
    )
    worry = textarea(
        label="What worries you?",
        required=True,
        error="Enter what worries you",
        help_text="What you have seen or heard, when, and who else was there",
    )
    # The honeypot: hidden from people (see public.protection); its label tells anyone who meets it to leave it.
    website = forms.CharField(
        label="Leave this box empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    honeypot_field = HONEYPOT_FIELD

    def clean_worry(self) -> str:
        worry = self.cleaned_data["worry"].strip()
        if len(worry) > 5000:
            raise forms.ValidationError("What worries you must be 5,000 characters or fewer")
        return worry

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if (
            not cleaned.get("reporter_email")
            and not cleaned.get("reporter_phone")
            and not self.has_error("reporter_email")
            and not self.has_error("reporter_phone")
        ):
            self.add_error("reporter_email", "Enter an email address or a phone number so the team can reply")
        return cleaned

    def action_fields(self) -> dict[str, str]:
        """What `public.actions.submit_concern` takes."""
        return {name: value for name, value in self.cleaned_data.items() if name not in ("website", "started")}


class LinkChildForm(GovukForm):
    la_child_id = forms.CharField(
        label="The child's council child ID",
        max_length=30,
        help_text="The ID in the council's children's records",
        error_messages={"required": "Enter the child's council child ID"},
    )
    version = VersionField()


class ProvisionalChildForm(GovukForm):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's first name"})
    last_name = forms.CharField(
        max_length=100,
        help_text="If it is not known, write 'Not known'",
        error_messages={"required": "Enter the child's last name"},
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        subject="The date of birth",
        help_text="An estimate if it is not known, such as 1 1 2012 for a child of about 14",
        error_messages={"required": "Enter the child's date of birth"},
    )
    sex = radios(Sex.choices, label="Sex", error="Select the child's sex, or not known")
    version = VersionField()


class ReferConcernForm(GovukForm):
    to = radios(ReferTo.choices, label="Who are you referring the concern to?", error="Select who to refer to")
    note = textarea(
        label="What are you asking them to do?",
        required=True,
        error="Enter what you are asking the team to do",
    )
    version = VersionField()


class CloseConcernForm(GovukForm):
    reason = radios(
        CloseReason.choices, label="Why are you closing the concern?", error="Select why you are closing it"
    )
    note = textarea(label="Note (optional)", help_text="Required when the child lives in another council's area")
    version = VersionField()
