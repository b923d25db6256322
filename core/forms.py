"""GOV.UK form plumbing: an error summary for every form, action errors on fields, and a sign-in form."""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, QueryDict

from core.errors import ConflictError
from core.widgets import GovukDateTimeWidget, GovukDateWidget

T = TypeVar("T")

STALE_FORM_MESSAGE = "This page was out of date. Nothing was saved: reload it and try again."


def submitted(request: HttpRequest) -> QueryDict | None:
    """The data to bind a page's form to: what was POSTed, or None for a GET.

    Not `request.POST or None`: an empty POST must still bind the form, so that it shows its errors rather
    than a blank form as if nothing had been sent.
    """
    return request.POST if request.method == "POST" else None


if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # the mixin is only ever mixed into a form
else:
    _FormBase = object


class GovukFormMixin(_FormBase):
    """Adds the GOV.UK error summary and a way to take field errors raised by an action."""

    # An action's error key → the form field that shows it, where the two names differ.
    action_error_fields: dict[str, str] = {}
    # Set when an action refused a stale version: the page answers 409 Conflict.
    conflict = False

    def error_summary(self) -> list[dict[str, str]]:
        # An error about the whole form links to its first field, as the GOV.UK pattern asks.
        first = next((self[name] for name, field in self.fields.items() if not field.widget.is_hidden), None)
        whole_form_anchor = f"#{self._anchor(first)}" if first is not None else "#main-content"
        items = [{"text": str(message), "href": whole_form_anchor} for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            items.extend({"text": str(message), "href": f"#{self._anchor(self[name])}"} for message in errors)
        return items

    @staticmethod
    def _anchor(field) -> str:
        """The id an error links to: the first box of a date, or the first option of a radio/checkbox group."""
        grouped = GovukDateWidget | GovukDateTimeWidget | forms.RadioSelect | forms.CheckboxSelectMultiple
        return f"{field.auto_id}_0" if isinstance(field.field.widget, grouped) else field.auto_id

    def add_action_errors(self, error: ValidationError) -> None:
        """Put an action's field errors on the matching fields (anything else above the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                field = self.action_error_fields.get(field, field)
                target = field if field in self.fields and not self.fields[field].widget.is_hidden else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)

    def call_action(self, action: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
        """Run an action; on refusal put its reasons on the form and return None (nothing was saved)."""
        try:
            return action(*args, **kwargs)
        except ValidationError as error:
            self.add_action_errors(error)
        except ConflictError as error:
            self.conflict = True
            self.add_error(None, str(error))
        return None

    def submit(self, call: Callable[[], T]) -> T | None:
        """A bound form's whole submission: run the action if every answer parsed; otherwise show, with the
        form's own errors, the action's checks on the answers that did (see `check_action`)."""
        if self.is_valid():
            return self.call_action(call)
        self.check_action(call)
        return None

    def check_action(self, call: Callable[[], object]) -> None:
        """Run the action's checks on the answers that parsed, in a transaction always rolled back.

        Checks that compare two answers (an offer before the return, an interview before its offer) live in the
        action. Without this they would appear only once the other errors were fixed; with it every error shows
        at once. An answer that did not parse is passed as None, and its field keeps only the form's own error.
        """
        cleaned = self.cleaned_data
        unparsed = [name for name in self.fields if name not in cleaned]
        cleaned.update(dict.fromkeys(unparsed))
        try:
            with transaction.atomic():
                call()
                raise _CheckedOnly
        except _CheckedOnly:
            pass
        except ValidationError as error:
            self._add_errors_for_clean_fields(error)
        except (ConflictError, IntegrityError, TypeError, ValueError, AttributeError, LookupError):
            pass  # the action could not judge answers missing their parts (all rolled back): the form's errors stand
        finally:
            for name in unparsed:
                del cleaned[name]

    def _add_errors_for_clean_fields(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            return
        for field, messages in error.message_dict.items():
            field = self.action_error_fields.get(field, field)
            if field in self.fields and not self.fields[field].widget.is_hidden and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)

    @property
    def status_code(self) -> int:
        """The status a re-rendered form answers with: 409 after a conflict, else 200 (the GOV.UK norm)."""
        return 409 if self.conflict else 200

    def full_clean(self) -> None:
        super().full_clean()
        # A hidden field (the record's version) cannot be corrected by the user: say so above the form.
        errors = self.errors  # full_clean() has just filled them
        hidden = [name for name in errors if name != NON_FIELD_ERRORS and self.fields[name].widget.is_hidden]
        for name in hidden:
            del errors[name]
        if hidden:
            self.add_error(None, STALE_FORM_MESSAGE)


class _CheckedOnly(Exception):
    """Rolls back an action run only for its checks."""


class GovukForm(GovukFormMixin, forms.Form):
    pass


class VersionField(forms.IntegerField):
    """The version of the record the user loaded, posted back so a stale edit is refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }


class RadiosField(forms.ChoiceField):
    """A ChoiceField drawn as GOV.UK radios, with an optional hint under each option."""

    option_hints: Mapping[Any, str] = {}


def radios(
    choices: list[tuple[str, str]],
    *,
    label: str,
    error: str,
    hints: Mapping[Any, str] | None = None,
    required: bool = True,
    help_text: str = "",
) -> RadiosField:
    """A GOV.UK radios question. `error` answers both "nothing chosen" and "an answer not on the list"."""
    field = RadiosField(
        choices=choices,
        widget=forms.RadioSelect,
        label=label,
        required=required,
        help_text=help_text,
        error_messages={"required": error, "invalid_choice": error},
    )
    field.option_hints = hints or {}
    return field


def checkboxes(
    choices: list[tuple[str, str]], *, label: str, error: str, help_text: str = ""
) -> forms.MultipleChoiceField:
    """A GOV.UK checkboxes question where no box need be ticked."""
    return forms.MultipleChoiceField(
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        required=False,
        help_text=help_text,
        error_messages={"invalid_choice": error},
    )


def textarea(*, label: str, help_text: str = "", required: bool = False, error: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": error} if error else None,
    )
