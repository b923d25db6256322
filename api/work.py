"""/tasks: the caller's task inbox (core.inbox), the same as My work. (Alerts to read, decide and hand on: api.risk.)"""

from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from api.auth import ApiRequest, scoped
from api.reading import audit_list_read, refuse_unknown_query_parameters
from api.schemas import (
    PageQuery,
    error_responses,
)
from core.inbox import TEAM, inbox_page, sees_team_view, task_sources

tasks_router = Router(tags=["Tasks"], auth=scoped("tasks"))


class TaskOut(Schema):
    """One task. It names the record it is about (`reference`, such as `return-interview:12`), never the child."""

    kind: str = Field(description="The kind of task: the `kind` of one of `counts`")
    title: str
    reference: str = Field(description="The record the task is about, as `<type>:<id>`")
    due: datetime | None = Field(description="When it is due; null if it has no deadline")
    overdue: bool
    link: str = Field(description="The page in Homeward where the work is done")
    owner: str = Field(description="Who holds it, in words; empty when it is the caller's own")
    can_hand_on: bool = Field(description="Whether the caller may hand it to a colleague")

    @staticmethod
    def resolve_can_hand_on(obj) -> bool:
        return bool(obj.reassign_link)


class TaskCountOut(Schema):
    kind: str
    label: str
    total: int = Field(description="Tasks of this kind that can still be done (not the long-overdue ones)")
    overdue: int
    long_overdue: int = Field(
        description="Tasks too long overdue to do (more than HOMEWARD_LONG_OVERDUE_DAYS), to close with a reason; "
        "not in `total` nor in `items`"
    )


class TaskPage(Schema):
    """Tasks are worked out when asked for (they are not stored records), so they page by number and do not sync:
    no `updated_since`, no cursor."""

    count: int = Field(description="How many tasks match, across all pages")
    next: str | None = Field(description="The URL of the next page, or null on the last page")
    previous: str | None = Field(description="The URL of the previous page, or null on the first page")
    overdue: int = Field(description="How many of the matching tasks are overdue")
    counts: list[TaskCountOut]
    items: list[TaskOut]


class TaskFilters(PageQuery):
    view: Literal["mine", "team"] = Field(
        "mine", description="`mine` (the default) or `team` (coordinators and managers)"
    )
    kind: str | None = Field(None, max_length=40, description="Only this kind of task")


@tasks_router.get("", response={200: TaskPage, **error_responses(400, 401, 403)}, summary="List your tasks")
def list_tasks(request: ApiRequest, filters: Query[TaskFilters]):
    """The caller's tasks (or their team's), overdue and soonest due first, with the counts of each kind."""
    refuse_unknown_query_parameters(request, filters)
    user = request.auth
    if filters.view == TEAM and not sees_team_view(user):
        raise HttpError(403, "Your role has no team view")
    kinds = {source.name for source in task_sources(user, filters.view)}
    if filters.kind is not None and filters.kind not in kinds:
        raise ValidationError({"kind": f"Choose one of: {', '.join(sorted(kinds)) or 'none for your role'}"})
    size = settings.HOMEWARD_API_PAGE_SIZE
    inbox = inbox_page(user, timezone.now(), scope=filters.view, kind=filters.kind or "", page=filters.page, size=size)
    page = {
        "count": inbox.total,
        "overdue": inbox.overdue,
        "next": None,
        "previous": None,
        "counts": [
            {
                "kind": source.name,
                "label": source.label,
                "total": count.total,
                "overdue": count.overdue,
                "long_overdue": count.long_overdue,
            }
            for source, count in inbox.counts
        ],
        "items": inbox.tasks,
    }
    kept = {"view": filters.view, **({"kind": filters.kind} if filters.kind else {})}  # the next page's filters too
    if inbox.page < inbox.pages:
        page["next"] = request.build_absolute_uri(f"{request.path}?{urlencode({'page': inbox.page + 1, **kept})}")
    if inbox.page > 1:
        page["previous"] = request.build_absolute_uri(f"{request.path}?{urlencode({'page': inbox.page - 1, **kept})}")
    audit_list_read(user, "task-list", page, inbox.page, filters)
    return page
