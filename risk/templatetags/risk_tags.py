"""Tags for the risk pages, and My work's alerts block (the task inbox replaces it). The sections risk adds to the
child record and the interview page are built by their views (risk.pages_elsewhere, core.sections)."""

from django import template
from django.utils.html import format_html

from access.scoping import COUNCIL_CASE_ROLES
from risk.codes import ReferralStatus, ScreeningLevel
from risk.selectors import my_work_alerts

register = template.Library()

LEVEL_TAG_CLASSES: dict[str, str] = {
    ScreeningLevel.HIGH: "govuk-tag--red",
    ScreeningLevel.MEDIUM: "govuk-tag--orange",
    ScreeningLevel.LOW: "govuk-tag--yellow",
    ScreeningLevel.NO_RISK: "govuk-tag--grey",
}
REFERRAL_TAG_CLASSES: dict[str, str] = {
    ReferralStatus.MADE: "govuk-tag--blue",
    ReferralStatus.ACCEPTED: "govuk-tag--green",
    ReferralStatus.DECLINED: "govuk-tag--grey",
    ReferralStatus.CLOSED: "govuk-tag--grey",
}


@register.simple_tag
def screening_level_tag(level: str) -> str:
    if not level:
        return ""
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', LEVEL_TAG_CLASSES[level], ScreeningLevel(level).label
    )


@register.simple_tag
def referral_status_tag(status: str) -> str:
    if not status:
        return ""
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', REFERRAL_TAG_CLASSES[status], ReferralStatus(status).label
    )


@register.inclusion_tag("risk/includes/my_work_alerts.html", takes_context=True)
def my_work_alerts_section(context: template.Context) -> dict:
    """My work's "Alerts" section: unacknowledged alerts for the user's roles (nothing for other roles)."""
    user = context["request"].user
    return {"shown": user.has_role(*COUNCIL_CASE_ROLES), "alerts": my_work_alerts(user)}
