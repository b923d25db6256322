"""The block the child's record includes: the subject access export link, for the coordinator of their councils."""

from django import template

from governance.scoping import can_export_subject_access

register = template.Library()


@register.inclusion_tag("governance/includes/child_section.html", takes_context=True)
def subject_access_section(context: template.Context, child) -> dict:
    return {"shown": can_export_subject_access(context["request"].user, child), "child": child}
