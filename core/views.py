"""My work: the landing page after sign-in, showing the case work waiting for this user; and the page a form
refused for its CSRF token gets."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from access.http import AuthenticatedHttpRequest
from access.models import Role
from access.scoping import sees_case_work
from children.scoping import can_add_child
from core.formatting import duration_text
from core.work import (
    children_newly_over_repeat_threshold,
    interviews_due_and_overdue,
    interviews_in_progress,
    open_episodes_longest_first,
    sees_missing_episodes,
    sees_return_interviews,
)

# What each role without case work can do, for the page shown instead of case lists.
ROLE_NOTES = {
    Role.SCHOOL_DSL: (
        "As your school's designated safeguarding lead you can find your pupils' records with Find a child. "
        "Missing episodes and return interviews are shown to a school only when they are shared with it."
    ),
    Role.HEALTH: (
        "As a health practitioner you see what other agencies share with your service or with you about a child: "
        "find it under Shared with my agency."
    ),
    Role.ANALYST: (
        "As an analyst you work with aggregate and pseudonymised figures. "
        "Your role does not give access to individual children's records."
    ),
    Role.ADMINISTRATOR: (
        "As a system administrator you look after users and reference data. Your role does not give access to "
        "children's records: if you also need to work cases, ask for a case role."
    ),
    Role.AUDITOR: (
        "As an auditor you can search the audit trail: who viewed or changed records, when and from where. "
        "Your role does not give access to children's records. Open Audit trail to start."
    ),
}
NO_ROLE_NOTE = "Your account has no role yet. Ask your administrator to give you one."


def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    context: dict = {
        "show_episodes": sees_missing_episodes(user),
        "show_interviews": sees_return_interviews(user),
        "show_in_progress": user.has_role(Role.RHI_PRACTITIONER),
        "can_find_children": sees_case_work(user),
        "can_add_child": can_add_child(user),
        "rhi_hours": settings.HOMEWARD_RHI_DUE_HOURS,
        "repeat_count": settings.HOMEWARD_REPEAT_MISSING_COUNT,
        "repeat_window_days": settings.HOMEWARD_REPEAT_MISSING_WINDOW_DAYS,
        "repeat_recent_days": settings.HOMEWARD_REPEAT_MISSING_RECENT_DAYS,
    }
    if context["show_episodes"]:
        context["open_episodes"] = [
            {"episode": episode, "missing_for": duration_text(now - episode.last_seen_at)}
            for episode in open_episodes_longest_first(user)
        ]
        context["repeat_children"] = children_newly_over_repeat_threshold(user, now)
    if context["show_interviews"]:
        context["due_interviews"] = [
            {
                "interview": interview,
                "status": interview.status(now),
                "time_left": (
                    f"Overdue by {duration_text(now - interview.due_by)}"
                    if interview.is_overdue
                    else f"{duration_text(interview.due_by - now)} left"
                ),
            }
            for interview in interviews_due_and_overdue(user, now)
        ]
    if context["show_in_progress"]:
        context["in_progress_interviews"] = [
            {"interview": interview, "status": interview.status(now)} for interview in interviews_in_progress(user)
        ]
    context["has_case_lists"] = context["show_episodes"] or context["show_interviews"]
    if not context["has_case_lists"]:
        context["role_notes"] = [note for role, note in ROLE_NOTES.items() if user.has_role(role)] or [NO_ROLE_NOTE]
    return render(request, "core/my_work.html", context)


def csrf_failure(request: AuthenticatedHttpRequest, reason: str = "") -> HttpResponse:
    """Settings' CSRF_FAILURE_VIEW: a GOV.UK page (403) for a form posted without a valid CSRF token, most often
    one left open past the session's idle time-out. Nothing of the request (the reason, the path, the form, the
    referring page) is shown: the page says only what to do next."""
    return render(request, "core/csrf_failure.html", status=403)
