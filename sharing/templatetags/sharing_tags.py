"""Blocks other pages include: the emergency access banner (every page about a child, from core/base.html),
the child record's "Shared with" section and "Share" buttons on episodes and interviews."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from children.models import Child
from sharing.codes import ShareWhat
from sharing.scoping import active_emergency_access, can_share, can_share_about, shares_for, shares_received_by

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


@register.inclusion_tag("sharing/includes/child_shares.html", takes_context=True)
def child_sharing_section(context: template.Context, child: Child, full_record: bool) -> dict:
    """The child record's sharing section. Whoever sees the whole record sees the shares of the child they may
    see (all of them for the child's council); anyone else sees what is shared with them."""
    user = _user(context)
    related = ("to_agency", "to_user", "to_user__agency", "shared_by", "from_agency")
    if full_record:
        shares = shares_for(user).filter(child=child).select_related(*related).order_by("-shared_at", "-pk")
    else:
        shares = shares_received_by(user).filter(child=child).select_related(*related).order_by("-shared_at", "-pk")
    return {
        "child": child,
        "full_record": full_record,
        "shares": list(shares),
        "can_share": full_record and can_share_about(user, child),
        "status_classes": STATUS_TAG_CLASSES,
    }


@register.inclusion_tag("sharing/includes/share_button.html", takes_context=True)
def share_button(context: template.Context, child: Child, episode=None, interview=None) -> dict:
    """A "Share" button on an episode or interview page, for those who may share it."""
    user = _user(context)
    if episode is not None:
        allowed = can_share(user, child, ShareWhat.EPISODE_SUMMARY, episode=episode)
        query = f"?episode={episode.pk}"
    else:
        allowed = can_share(user, child, ShareWhat.INTERVIEW_SUMMARY, interview=interview)
        query = f"?interview={interview.pk}"
    href = reverse("sharing:share", args=[child.pk]) + query if allowed else ""
    intelligence = ""
    if interview is not None and can_share(user, child, ShareWhat.INTERVIEW_INTELLIGENCE, interview=interview):
        intelligence = reverse("sharing:share-intelligence", args=[interview.pk])
    return {"href": href, "intelligence_href": intelligence}


@register.simple_tag
def share_status_tag(share) -> str:
    status = share.status
    return format_html('<strong class="govuk-tag {}">{}</strong>', STATUS_TAG_CLASSES[status], status.capitalize())
