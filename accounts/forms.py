"""The code forms for the two-factor step: entering a code, confirming a new authenticator app, and the
enrolment code that setting one up asks for first."""

import re

from django import forms

from accounts.two_factor import ENROLMENT_CODE_ALPHABET, ENROLMENT_CODE_LENGTH, normalise_enrolment_code
from core.forms import GovukForm

CODE_MESSAGE = "Enter the 6-digit code from your authenticator app"
WRONG_CODE_MESSAGE = "The code is not right or has expired. Enter the 6-digit code your authenticator app shows now"


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, such as 123456. It changes every 30 seconds.",
        max_length=20,
        error_messages={"required": CODE_MESSAGE, "max_length": CODE_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(CODE_MESSAGE)
        return code

    def refuse(self) -> None:
        self.add_error("code", WRONG_CODE_MESSAGE)


ENROLMENT_CODE_MESSAGE = "Enter the enrolment code your Homeward administrator gave you, such as ABCD-EFGH-JKMN"
WRONG_ENROLMENT_CODE_MESSAGE = (
    "The enrolment code is not right. Check it and enter it again, or ask your Homeward administrator for a new one"
)
EXPIRED_ENROLMENT_CODE_MESSAGE = "The enrolment code has expired. Ask your Homeward administrator for a new one"


class EnrolmentCodeForm(GovukForm):
    code = forms.CharField(
        label="Enrolment code",
        help_text="12 letters and numbers, such as ABCD-EFGH-JKMN. Your Homeward administrator gave it to you.",
        max_length=40,
        error_messages={"required": ENROLMENT_CODE_MESSAGE, "max_length": ENROLMENT_CODE_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = normalise_enrolment_code(self.cleaned_data["code"])
        if not re.fullmatch(rf"[{ENROLMENT_CODE_ALPHABET}]{{{ENROLMENT_CODE_LENGTH}}}", code):
            raise forms.ValidationError(ENROLMENT_CODE_MESSAGE)
        return code

    def refuse(self, *, expired: bool) -> None:
        self.add_error("code", EXPIRED_ENROLMENT_CODE_MESSAGE if expired else WRONG_ENROLMENT_CODE_MESSAGE)
