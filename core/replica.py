"""Reading the dashboards, data quality and reports from a PostgreSQL replica, when one is configured.

Set DATABASE_REPLICA_URL to a streaming replica (read-only hot standby) and GET requests under
HOMEWARD_REPLICA_PATHS (the dashboard, data quality, the partnership reports) read from it, so the heavy
aggregate queries never compete with the case work on the primary. Everything else reads the primary, and every
write goes to the primary (a replica refuses writes anyway), including the audit events those pages record.

A replica lags the primary by a little (milliseconds normally, seconds under load): fine for figures; never used
for a case record, a session, the audit chain or the job queue, which must see the latest write.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)

# Models that must always be read from the primary: what the request itself just wrote or must see at once.
PRIMARY_ONLY_APPS = {"sessions", "django_tasks_database", "axes", "otp_totp", "otp_static", "accounts"}
PRIMARY_ONLY_MODELS = {"access.auditevent", "access.apitoken", "core.workerheartbeat", "core.savedsearch"}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Inside this block, reads of ordinary models go to the replica (when one is configured)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if not _reading_replica.get() or not replica_configured():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS:
            return None
        return REPLICA

    def db_for_write(self, model, **hints) -> str | None:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True  # the replica is a copy of the primary: the same rows on both


class ReplicaReadsMiddleware:
    """GET and HEAD requests under HOMEWARD_REPLICA_PATHS read from the replica. After authentication, so the
    signed-in user and their session always come from the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            replica_configured()
            and request.method in ("GET", "HEAD")
            and request.path.startswith(tuple(settings.HOMEWARD_REPLICA_PATHS))
        ):
            with reads_from_replica():
                return self.get_response(request)
        return self.get_response(request)
