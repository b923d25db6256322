"""GOV.UK-styled date and date-time widgets and fields (day, month, year boxes; a 24-hour time)."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year in three boxes, as the GOV.UK date input pattern asks."""

    parts: tuple[str, ...] = ("Day", "Month", "Year")

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-4"}
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateTimeWidget(GovukDateWidget):
    """The date boxes plus a time box (24-hour, such as 21:30)."""

    parts: tuple[str, ...] = ("Day", "Month", "Year", "Time")

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets = [
            *self.widgets,
            forms.TextInput(
                attrs={"class": "govuk-input govuk-date-input__input govuk-input--width-4", "autocomplete": "off"}
            ),
        ]
        # MultiWidget names its parts when it is built; the time box is added afterwards, so name it too
        # (without this the time, posted as name_3, is never read).
        self.widgets_names = [f"_{index}" for index in range(len(self.widgets))]

    def decompress(self, value):
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [local.day, local.month, local.year, local.strftime("%H:%M")]
        return [None, None, None, None]


def _date_from_parts(subject: str, day: str, month: str, year: str) -> dt.date:
    if not (day and month and year):
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        raise ValidationError(f"{subject} must include a {' and '.join(missing)}", code="incomplete")
    try:
        year_number = int(year)
        if year_number < 1900:
            raise ValidationError(f"{subject} must have the year as four digits, such as 2026", code="invalid")
        return dt.date(year_number, int(month), int(day))
    except ValueError:
        raise ValidationError(f"{subject} must be a real date", code="invalid") from None


def _time_from_text(subject: str, text: str) -> dt.time:
    if not text:
        raise ValidationError(f"{subject} must include a time, such as 21:30", code="incomplete")
    cleaned = text.strip().lower().replace(".", ":")
    for pattern in ("%H:%M", "%H%M", "%I:%M%p", "%I%p"):
        try:
            return dt.datetime.strptime(cleaned.replace(" ", ""), pattern).time()  # noqa: DTZ007 (a time of day only)
        except ValueError:
            continue
    raise ValidationError(f"{subject} must have a real time on the 24-hour clock, such as 21:30", code="invalid")


class GovukDateField(forms.MultiValueField):
    """A date in day, month and year boxes. `subject` names the date in its error messages, after the GOV.UK
    pattern "[Whatever it is] must be a real date", so that a page with two dates says which one is wrong
    (labels are often questions, which cannot start such a sentence)."""

    widget = GovukDateWidget

    def __init__(self, *, subject: str = "The date", **kwargs):
        self.subject = subject
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        return _date_from_parts(self.subject, *[str(p or "").strip() for p in data_list[:3]])


class GovukDateTimeField(forms.MultiValueField):
    """A date and time in the service's time zone (Europe/London), stored as an aware datetime; `subject` as for
    GovukDateField."""

    widget = GovukDateTimeWidget

    def __init__(self, *, subject: str = "The date", **kwargs):
        self.subject = subject
        fields = tuple(forms.CharField(required=False) for _ in range(4))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        parts = [str(p or "").strip() for p in data_list]
        subject = self.subject
        # Both halves are checked, so "31 February, 25:99" is told about the date and the time at once.
        errors: list[ValidationError] = []
        day = time = None
        try:
            day = _date_from_parts(subject, *parts[:3])
        except ValidationError as error:
            errors.append(error)
        try:
            time = _time_from_text(subject, parts[3])
        except ValidationError as error:
            errors.append(error)
        if errors:
            raise ValidationError(errors)
        assert day is not None and time is not None  # each parsed, or its error was raised above
        return timezone.make_aware(dt.datetime.combine(day, time))
