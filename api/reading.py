"""What every read does: refuse unknown query parameters, page through a scoped queryset, and write the
`api_read` audit event (counts and filter names only: never names, free text or filter values)."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError

from access.audit import record_event
from access.models import AuditEvent, User


def refuse_unknown_query_parameters(request: HttpRequest, filters: Schema) -> None:
    """A misspelt filter must not silently return everything."""
    known = set(type(filters).model_fields)
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise NinjaValidationError(
            [
                {"loc": ("query", name), "msg": "Unknown query parameter", "type": "unknown_parameter"}
                for name in unknown
            ]
        )


def used_filters(filters: Schema) -> list[str]:
    return sorted(name for name, value in filters.model_dump(exclude={"page"}).items() if value is not None)


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}")


def paginate(request: HttpRequest, queryset: models.QuerySet, page: int) -> dict[str, Any]:
    """One page of an (already ordered) queryset, with links to its neighbours."""
    size = settings.HOMEWARD_API_PAGE_SIZE
    count = queryset.count()
    offset = (page - 1) * size
    items = list(queryset[offset : offset + size])
    last_page = max(1, -(-count // size))
    return {
        "count": count,
        "next": _page_url(request, page + 1) if offset + size < count else None,
        "previous": _page_url(request, min(page - 1, last_page)) if page > 1 else None,
        "items": items,
    }


def audit_list_read(user: User, object_type: str, page: dict[str, Any], page_number: int, filters: Schema) -> None:
    names = used_filters(filters)
    summary = f"API list read: page {page_number}, {len(page['items'])} of {page['count']}"
    if names:
        summary += f"; filtered by {', '.join(names)}"
    with transaction.atomic():
        record_event(actor=user, action=AuditEvent.Action.API_READ, object_type=object_type, summary=summary)


def audit_record_read(user: User, obj: models.Model, child_id: int, what: str) -> None:
    with transaction.atomic():
        record_event(
            actor=user,
            action=AuditEvent.Action.API_READ,
            obj=obj,
            child_id=child_id,
            summary=f"{what} read through the API",
        )
