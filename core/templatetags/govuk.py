"""Render Django form fields as GOV.UK Design System components.

All the decisions (which component, which classes, which ids the hint and error use) are made
here, so the templates only lay out what they are given.
"""

import datetime as dt
from typing import Any, cast

from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.forms import GovukFormMixin
from core.sections import Section
from core.tags import coded_tag
from core.widgets import GovukDateTimeWidget, GovukDateWidget

register = template.Library()

INPUT_CLASSES: dict[type, str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.FileInput: "govuk-file-upload",
    forms.ClearableFileInput: "govuk-file-upload",
}


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, GovukDateWidget):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect in Django, so it must be tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.inclusion_tag("core/fields/field.html")
def govuk_field(field: BoundField, width: str = "", label_size: str = "s") -> dict:
    widget = field.field.widget
    kind = _kind(widget)
    hint_id = f"{field.auto_id}-hint" if field.help_text else ""
    error_id = f"{field.auto_id}-error" if field.errors else ""
    described_by = " ".join(filter(None, [hint_id, error_id]))
    context = {
        "field": field,
        "kind": kind,
        "label": field.label,
        "label_size": label_size,
        "hint": field.help_text,
        "hint_id": hint_id,
        "errors": field.errors,
        "error_id": error_id,
        "described_by": described_by,
        "required": field.field.required,
    }
    if kind in ("radios", "checkboxes"):
        selected = field.value()
        selected = {str(v) for v in (selected if isinstance(selected, list | tuple) else [selected]) if v is not None}
        hints = getattr(field.field, "option_hints", {})
        field_choices: list[tuple[Any, str]] = cast(Any, field.field).choices  # a radios or checkboxes field
        choices = [(value, label) for value, label in field_choices if not _is_blank_choice(field, value, label)]
        context["options"] = [
            {
                "id": f"{field.auto_id}_{index}",
                "value": value,
                "label": label,
                "checked": str(value) in selected,
                "hint": hints.get(str(value), ""),
            }
            for index, (value, label) in enumerate(choices)
        ]
        context["inline"] = kind == "radios" and len(choices) <= 2 and not hints
    elif kind == "date":
        values = field.value()
        if not isinstance(values, list | tuple):
            values = widget.decompress(values)
        context["parts"] = [
            {
                "id": f"{field.auto_id}_{index}",
                "name": f"{field.html_name}_{index}",
                "label": part,
                "value": values[index] if index < len(values) and values[index] is not None else "",
                "classes": sub.attrs["class"] + (" govuk-input--error" if field.errors else ""),
                "inputmode": sub.attrs.get("inputmode", ""),
            }
            for index, (part, sub) in enumerate(zip(widget.parts, widget.widgets, strict=True))
        ]
        context["with_time"] = isinstance(widget, GovukDateTimeWidget)
    else:
        css = INPUT_CLASSES.get(type(widget), "govuk-input")
        if kind == "checkbox":
            css = "govuk-checkboxes__input"
        if field.errors and kind != "checkbox":
            css += f" {css.split()[0]}--error"
        if width:
            css += f" govuk-input--width-{width}" if kind == "input" else ""
        attrs: dict[str, str | bool] = {"class": css}
        if described_by:
            attrs["aria-describedby"] = described_by
        context["widget_html"] = field.as_widget(attrs=attrs)
    return context


def _is_blank_choice(field: BoundField, value: object, label: str) -> bool:
    """Django's "---------" placeholder, which radios and checkboxes do not show.

    A choice whose value is "" but which has a real label (such as "Offered, waiting for an answer")
    is a deliberate answer and is shown.
    """
    return value == "" and label in ("---------", getattr(field.field, "empty_label", None))


@register.inclusion_tag("core/fields/error_summary.html")
def govuk_error_summary(form: GovukFormMixin) -> dict:
    return {"items": form.error_summary() if form.is_bound and form.errors else []}


@register.filter
def govuk_datetime(value) -> str:
    """A date and time as GOV.UK style asks: 21 November 2026 at 9:30pm."""
    if not value:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


@register.filter
def govuk_date(value) -> str:
    if not value:
        return ""
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_last_day(value) -> str:
    """When something that ends at a moment stops, as the person who set it said it. An end *date* entered in a
    form ("share until 31 December 2026") is inclusive and is stored as the midnight that follows it: that is
    shown as the date entered, not as "1 January 2027 at 12:00am". Any other moment is its date and time."""
    if not value:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value)
    if local.time() == dt.time.min:
        return govuk_date(local.date() - dt.timedelta(days=1))
    return govuk_datetime(value)


def _tag(text: str, css: str) -> str:
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, text)


@register.simple_tag
def risk_tag(grade: str) -> str:
    """A police risk grade as a GOV.UK tag: high red, medium orange, low and no apparent risk grey."""
    if not grade:
        return ""
    return _tag(*coded_tag("risk_grade", grade))  # registered by the episodes app


@register.simple_tag
def interview_status_tag(status: str) -> str:
    """A return interview's status (ReturnInterview.status()) as a GOV.UK tag."""
    if not status:
        return ""
    return _tag(*coded_tag("interview_status", status))  # registered by the interviews app


@register.simple_tag
def child_banners(banners: dict[int, list[Section]], child: Any) -> SafeString:
    """The banners (core.banners) for the page's `child`, built before the page rendered: display only. Anything
    else named `child` in a page's context (not a child's record) shows none."""
    if not isinstance(banners, dict) or getattr(getattr(child, "_meta", None), "label", "") != "children.Child":
        return mark_safe("")
    rendered = (render_to_string(section.template, section.context) for section in banners.get(child.pk, []))
    return mark_safe("".join(rendered))  # noqa: S308 - each part is a rendered template, autoescaped


@register.simple_tag(takes_context=True)
def page_sections(context: template.Context, sections: list[Section]) -> SafeString:
    """Render the sections the page's view built (core.sections): display only, every query ran in the view."""
    request = context.get("request")
    rendered = (render_to_string(section.template, section.context, request=request) for section in sections)
    return mark_safe("".join(rendered))  # noqa: S308 - each part is a rendered template, autoescaped
