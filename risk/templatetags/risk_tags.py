"""Tags for the risk pages, and the blocks other pages include: the child record's
risk section and an interview's screening prompt. The queries are in risk.selectors, scoped to the user."""

from django import template
from django.utils.html import format_html

from risk.codes import ReferralStatus, ScreeningLevel
from risk.scoping import can_screen
from risk.selectors import child_risk, interview_prompts_screening

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


@register.inclusion_tag("risk/includes/child_risk.html", takes_context=True)
def child_risk_section(context: template.Context, child) -> dict:
    """The child record's "Risk" section: open alerts, the current screening, open referrals, the prompt."""
    return {"child": child, "risk": child_risk(context["request"].user, child)}


@register.inclusion_tag("risk/includes/interview_prompt.html", takes_context=True)
def interview_screening_prompt(context: template.Context, interview) -> dict:
    """On an interview that recorded an exploitation disclosure: prompt a screening if none has been done since."""
    user = context["request"].user
    prompt = can_screen(user, interview.child) and interview_prompts_screening(interview)
    return {"prompt": prompt, "child": interview.child}
