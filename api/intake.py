"""/police-notifications: a police force's system pushes a batch of notifications (docs/integration.md).

The token needs the scope `police-notifications:write` (`create_api_token --police-force CODE` issues one with only
that scope) and its user must be police or MASH staff of the force whose notifications they are. The batch is all
or nothing: a batch with any row in error gets 400 with every error (row, field, message) and writes nothing. An
`Idempotency-Key` header makes a retry safe: the same key with the same body gets the first answer back; with a
different body, 422."""

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from access.models import AgencyKind, Role
from api.auth import ApiRequest, scoped
from api.schemas import error_responses
from intake.actions import check_rows, import_notifications
from intake.models import IdempotencyRecord, Source
from intake.parsing import read_objects

router = Router(tags=["Police notifications"], auth=scoped("police-notifications", "write"))
MAX_BATCH = 1000
MAX_KEY = 200


class NotificationsIn(Schema):
    notifications: list[dict[str, Any]] = Field(
        description="Up to 1000 notifications, each an object with the fields of "
        "docs/schemas/police-notification.schema.json (every value a string)",
        max_length=MAX_BATCH,
    )


class RowError(Schema):
    row: int
    field: str
    message: str


class ImportedOut(Schema):
    received: int
    outcomes: dict[str, int] = Field(description="applied, queued, waiting, superseded or duplicate: how many")


class RejectedOut(Schema):
    detail: str
    errors: list[RowError]


@router.post(
    "",
    response={200: ImportedOut, 400: RejectedOut, **error_responses(401, 403, 422)},
    summary="Push police notifications",
)
def push(request: ApiRequest, payload: NotificationsIn):
    user = request.auth
    force = user.agency
    if force is None or force.kind != AgencyKind.POLICE or not user.has_role(Role.POLICE, Role.MASH):
        raise HttpError(403, "Only a police force's own staff (police or MASH) can push its notifications")
    key = request.headers.get("Idempotency-Key", "")
    if len(key) > MAX_KEY:
        raise HttpError(400, f"The Idempotency-Key is longer than {MAX_KEY} characters")
    digest = hashlib.sha256(json.dumps(payload.notifications, sort_keys=True).encode()).hexdigest()
    if key:
        earlier = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if earlier is not None:
            if earlier.request_digest != digest:
                raise HttpError(422, "This Idempotency-Key was used with a different body")
            return Status(earlier.status_code, earlier.response)
    checked = check_rows(read_objects(payload.notifications), force=force)
    body: dict[str, Any]
    if checked.error_rows:
        status, body = (
            400,
            {
                "detail": f"{checked.error_rows} of {checked.rows} notifications have errors: nothing was written",
                "errors": [{"row": row, "field": name, "message": message} for row, name, message in checked.errors],
            },
        )
    else:
        with transaction.atomic():
            result = import_notifications(
                lambda: read_objects(payload.notifications),
                acting_user=user,
                force=force,
                source=Source.API,
                checked=checked,
            )
        status, body = 200, {"received": result.rows, "outcomes": dict(result.counts)}
    if key:
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    user=user, key=key, request_digest=digest, status_code=status, response=body
                )
        except IntegrityError:  # a concurrent retry stored its answer first: give that one
            earlier = IdempotencyRecord.objects.get(user=user, key=key)
            return Status(earlier.status_code, earlier.response)
    return Status(status, body)
