"""/risk-changes: every episode's risk grade history, to follow changes without reading each episode."""

from datetime import datetime

from ninja import Field, Query, Router, Schema

from access.models import User
from access.scoping import get_or_404
from api.auth import ApiRequest, scoped
from api.reading import audit_list_read, audit_record_read, list_page
from api.schemas import ChildRef, FilterId, ListQuery, Page, PersonRef, error_responses
from episodes.models import RiskGradeChange
from episodes.scoping import RISK_CHANGE_REASONS, episodes_for, redact_episodes

router = Router(tags=["Risk grade changes"], auth=scoped("episodes"))

WITHHELD = "null when you see the episode only through an episode summary share (the reasons are withheld)"


class RiskChangeOut(Schema):
    id: int
    episode_id: int
    child: ChildRef
    grade: str = Field(description="The police risk grade (the codes of /episodes' risk_grade)")
    previous_grade: str | None = Field(description="null for the grade given at report")
    reason: str | None = Field(description=WITHHELD)
    changed_at: datetime
    changed_by: PersonRef


class RiskChangePage(Page):
    items: list[RiskChangeOut]


class RiskChangeFilters(ListQuery):
    episode: FilterId | None = Field(None, description="The episode's id")


def _out(user: User, changes: list[RiskGradeChange]) -> list[dict]:
    episodes = {e.pk: e for e in redact_episodes(user, {c.episode for c in changes})}
    return [
        {
            "id": change.pk,
            "episode_id": change.episode_id,
            "child": change.episode.child,
            "grade": change.grade,
            "previous_grade": change.previous_grade or None,
            "reason": None if RISK_CHANGE_REASONS in episodes[change.episode_id].withheld_fields else change.reason,
            "changed_at": change.changed_at,
            "changed_by": change.changed_by,
        }
        for change in changes
    ]


def _queryset(user: User):
    return RiskGradeChange.objects.filter(episode__in=episodes_for(user).values("pk")).select_related(
        "episode", "episode__child", "changed_by"
    )


@router.get("", response={200: RiskChangePage, **error_responses(400, 401)}, summary="List risk grade changes")
def list_risk_changes(request: ApiRequest, filters: Query[RiskChangeFilters]):
    """The risk grade changes of the episodes you may see, oldest first (the first of each episode is its grade at
    report). Reasons as on the episode's page."""
    queryset = _queryset(request.auth).order_by("changed_at", "id")
    if filters.episode is not None:
        queryset = queryset.filter(episode_id=filters.episode)
    page = list_page(request, queryset, filters, changed="changed_at")
    page["items"] = _out(request.auth, page["items"])
    audit_list_read(request.auth, "risk-change-list", page, filters.page, filters)
    return page


@router.get("/{id}", response={200: RiskChangeOut, **error_responses(400, 401, 404)}, summary="Read a risk change")
def get_risk_change(request: ApiRequest, id: int):
    change = get_or_404(_queryset(request.auth), id)
    audit_record_read(request.auth, change.episode, change.episode.child_id, "Risk grade change")
    return _out(request.auth, [change])[0]
