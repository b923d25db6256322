"""The share status tag. The sections sharing adds to other apps' pages are built by their views
(sharing.pages_elsewhere, core.sections); the emergency access banner by the context processor (core.banners,
sharing.pages_elsewhere.emergency_access_banners)."""

from django import template
from django.utils.html import format_html

register = template.Library()

STATUS_TAG_CLASSES = {"active": "govuk-tag--green", "expired": "govuk-tag--grey", "withdrawn": "govuk-tag--grey"}


@register.simple_tag
def share_status_tag(share) -> str:
    status = share.status
    return format_html('<strong class="govuk-tag {}">{}</strong>', STATUS_TAG_CLASSES[status], status.capitalize())
