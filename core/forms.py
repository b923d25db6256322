"""GOV.UK form plumbing: an error summary for every form and a sign-in form."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from core.widgets import GovukDateTimeWidget, GovukDateWidget


class GovukFormMixin:
    """Adds the GOV.UK error summary and a way to take field errors raised by an action."""

    def error_summary(self) -> list[dict[str, str]]:
        items = [{"text": str(message), "href": "#main-content"} for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                continue
            field = self[name]
            anchor = field.auto_id
            if isinstance(
                field.field.widget,
                GovukDateWidget | GovukDateTimeWidget | forms.RadioSelect | forms.CheckboxSelectMultiple,
            ):
                anchor = f"{anchor}_0"
            items.extend({"text": str(message), "href": f"#{anchor}"} for message in errors)
        return items

    def add_action_errors(self, error: ValidationError) -> None:
        """Put an action's field errors on the matching fields (anything else above the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class GovukForm(GovukFormMixin, forms.Form):
    pass


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }
