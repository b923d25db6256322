"""The GOV.UK file upload component for the photo form. The sections Philomena adds to the child record and the
episode page are built by their views (philomena.pages_elsewhere, core.sections)."""

from django import template
from django.forms.boundfield import BoundField

from core.templatetags.govuk import govuk_field

register = template.Library()


@register.inclusion_tag("core/fields/field.html")
def govuk_file_upload(field: BoundField) -> dict:
    """A GOV.UK file upload: core's field layout (label, hint, error), with the file input's own classes."""
    context = govuk_field(field)
    attrs: dict[str, str | bool] = {
        "class": "govuk-file-upload" + (" govuk-file-upload--error" if field.errors else "")
    }
    if context["described_by"]:
        attrs["aria-describedby"] = context["described_by"]
    context["widget_html"] = field.as_widget(attrs=attrs)
    return context
