"""The blocks other pages include (the child record's Philomena section, an episode's grab-pack link), and
the GOV.UK file upload component for the photo form."""

from django import template
from django.forms.boundfield import BoundField

from core.templatetags.govuk import govuk_field
from philomena.models import profile_applies
from philomena.scoping import can_edit_profile, can_view_profile
from philomena.selectors import profile_of

register = template.Library()


@register.inclusion_tag("philomena/includes/child_section.html", takes_context=True)
def philomena_section(context: template.Context, child) -> dict:
    """The child record's "Philomena profile" section: for those who may see it, when the child has a
    profile or is in care (so one can be started)."""
    user = context["request"].user
    if not can_view_profile(user, child):
        return {"shown": False}
    profile = profile_of(child)
    current = profile.current_version() if profile else None
    return {
        "shown": profile is not None or profile_applies(child),
        "child": child,
        "current": current,
        "can_edit": can_edit_profile(user, child),
    }


@register.inclusion_tag("philomena/includes/episode_link.html", takes_context=True)
def philomena_grab_pack_link(context: template.Context, episode) -> dict:
    """On an open episode's page: the one-click grab-pack, for those who may see the child's profile."""
    user = context["request"].user
    return {"shown": episode.is_open and can_view_profile(user, episode.child), "child": episode.child}


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
