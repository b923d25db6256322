"""Tags for the risk pages. The sections risk adds to the child record and the interview page are built by their
views (risk.pages_elsewhere, core.sections)."""

from django import template
from django.utils.html import format_html

from risk.codes import ReferralStatus, ScreeningLevel

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
