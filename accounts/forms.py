"""The code form for the two-factor step (entering a code, and confirming a new authenticator app)."""

import re

from django import forms

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
