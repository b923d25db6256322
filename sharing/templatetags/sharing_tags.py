"""The emergency access banner (every page about a child, from core/base.html) and the share status tag. The
sections sharing adds to other apps' pages are built by their views (sharing.pages_elsewhere, core.sections)."""

from django import template
from django.utils.html import format_html

from children.models import Child
from sharing.scoping import active_emergency_access

register = template.Library()

STATUS_TAG_CLASSES = {"active": "govuk-tag--green", "expired": "govuk-tag--grey", "withdrawn": "govuk-tag--grey"}


def _user(context: template.Context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("sharing/includes/emergency_banner.html", takes_context=True)
def emergency_access_banner(context: template.Context) -> dict:
    """On any page with a `child`, while the user is seeing that child's record under emergency access."""
    user = _user(context)
    child = context.get("child")
    if user is None or not user.is_authenticated or not isinstance(child, Child):
        return {"access": None}
    return {"access": active_emergency_access(user, child), "child": child}


@register.simple_tag
def share_status_tag(share) -> str:
    status = share.status
    return format_html('<strong class="govuk-tag {}">{}</strong>', STATUS_TAG_CLASSES[status], status.capitalize())
