"""My work: the landing page after sign-in, showing the case work waiting for this user; and the page a form
refused for its CSRF token gets."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.inbox import MINE, SCOPES, TEAM, inbox_page, no_tasks_context, sees_team_view, task_sources


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def my_work(request: HttpRequest) -> HttpResponse:
    """The task inbox: every registered source's tasks for this user (or their team's), soonest due first, paged,
    with the counts of each kind; below them, apart, the tasks too long overdue to do, to close (core.inbox). The
    query string holds only the view, the kind and the page: nothing about a child."""
    user = request.user
    now = timezone.now()
    can_see_team = sees_team_view(user)
    scope = TEAM if request.GET.get("view") == TEAM and can_see_team else MINE
    kinds = {source.name for source in task_sources(user, scope)}
    kind = request.GET.get("kind", "")
    kind = kind if kind in kinds else ""
    context: dict = {"scope": scope, "can_see_team": can_see_team}
    if not kinds:  # a role with no tasks: what it can do instead (access.work registers the notes)
        context.update(no_tasks_context(user))
        return render(request, "core/my_work.html", context)
    inbox = inbox_page(
        user, now, scope=scope, kind=kind, page=_page_number(request), size=settings.HOMEWARD_INBOX_PAGE_SIZE
    )
    context.update(
        {
            "inbox": inbox,
            "kind": kind,
            "scopes": SCOPES,
            "has_tasks": True,
            "long_overdue_days": settings.HOMEWARD_LONG_OVERDUE_DAYS,
            "kind_label": next((s.label for s, _ in inbox.counts if s.name == kind), ""),
        }
    )
    return render(request, "core/my_work.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Settings' CSRF_FAILURE_VIEW: a GOV.UK page (403) for a form posted without a valid CSRF token, most often
    one left open past the session's idle time-out. Nothing of the request (the reason, the path, the form, the
    referring page) is shown: the page says only what to do next."""
    return render(request, "core/csrf_failure.html", status=403)
