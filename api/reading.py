"""What every read does: refuse unknown query parameters, page through a scoped queryset (by page number, or for
sync by an opaque cursor over when each record last changed and its id), and write the `api_read` audit event
(counts and filter names only: never names, free text or filter values)."""

import base64
import binascii
import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.expressions import Combinable
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError

from access.audit import record_event
from access.models import AuditEvent, User
from api.schemas import EARLIEST_YEAR, LATEST_YEAR, ListQuery

SYNC_KEY = "api_sync_changed_at"
CURSOR_MESSAGE = "This cursor is not one this list gave: start again from `updated_since`"


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
    return sorted(name for name, value in filters.model_dump(exclude={"page", "cursor"}).items() if value is not None)


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
        "next_cursor": None,
        "items": items,
    }


def encode_cursor(changed_at: dt.datetime, pk: int) -> str:
    raw = json.dumps([changed_at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    """The (changed at, id) a cursor stands for; a 400 naming `cursor` for anything this API did not give."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        changed_at = dt.datetime.fromisoformat(moment)
        if (
            changed_at.tzinfo is None
            or not EARLIEST_YEAR <= changed_at.year <= LATEST_YEAR
            or not isinstance(pk, int)
            or isinstance(pk, bool)
            or not 0 < pk < 2**63
        ):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
        raise NinjaValidationError(
            [{"loc": ("query", "cursor"), "msg": CURSOR_MESSAGE, "type": "cursor_not_valid"}]
        ) from exc
    return changed_at, pk


def list_page(
    request: HttpRequest,
    queryset: models.QuerySet,
    query: ListQuery,
    *,
    changed: str | Combinable = "updated_at",
) -> dict[str, Any]:
    """The one way every list pages: `updated_since` keeps the records changed since then; with it or a `cursor`
    the list is ordered by when each record last changed (`changed`: a field, or an expression for a record with
    no `updated_at`), then id, and `next` carries an opaque cursor over that pair, so a client syncing never
    misses a record that changes while it pages (it comes again, later). Without either, the list pages by
    number in the queryset's own order."""
    refuse_unknown_query_parameters(request, query)
    queryset = queryset.annotate(**{SYNC_KEY: F(changed) if isinstance(changed, str) else changed})
    if query.updated_since is not None:
        queryset = queryset.filter(**{f"{SYNC_KEY}__gte": query.updated_since})
    if query.cursor is None and query.updated_since is None:
        return paginate(request, queryset, query.page)
    if "page" in request.GET:
        raise NinjaValidationError(
            [
                {
                    "loc": ("query", "page"),
                    "msg": "Page numbers and sync (updated_since or cursor) cannot be combined: follow `next`",
                    "type": "page_with_cursor",
                }
            ]
        )
    count = queryset.count()
    queryset = queryset.order_by(SYNC_KEY, "pk")
    if query.cursor is not None:
        after, pk = decode_cursor(query.cursor)
        queryset = queryset.filter(Q(**{f"{SYNC_KEY}__gt": after}) | Q(**{SYNC_KEY: after, "pk__gt": pk}))
    size = settings.HOMEWARD_API_PAGE_SIZE
    items = list(queryset[: size + 1])
    more, items = len(items) > size, items[:size]
    next_cursor = encode_cursor(getattr(items[-1], SYNC_KEY), items[-1].pk) if more else None
    next_url = None
    if next_cursor is not None:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.lists()), doseq=True)}")
    return {"count": count, "next": next_url, "previous": None, "next_cursor": next_cursor, "items": items}


def audit_list_read(user: User, object_type: str, page: dict[str, Any], page_number: int, filters: Schema) -> None:
    names = used_filters(filters)
    where = "a sync page" if getattr(filters, "cursor", None) or getattr(filters, "updated_since", None) else None
    summary = f"API list read: {where or f'page {page_number}'}, {len(page['items'])} of {page['count']}"
    if names:
        summary += f"; filtered by {', '.join(names)}"
    with transaction.atomic():
        record_event(actor=user, action=AuditEvent.Action.API_READ, object_type=object_type, summary=summary)


def audit_record_read(user: User, obj: models.Model, child_id: int | None, what: str) -> None:
    with transaction.atomic():
        record_event(
            actor=user,
            action=AuditEvent.Action.API_READ,
            obj=obj,
            child_id=child_id,
            summary=f"{what} read through the API",
        )
