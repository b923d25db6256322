"""Helpers for the API tests: tokens issued by the same code as the command, and a client that sends them."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from access.models import AuditEvent
from access.tokens import issue_token
from episodes.actions import record_return
from episodes.codes import FoundBy
from episodes.models import MissingEpisode, RiskGradeChange
from interviews.actions import assign_interview
from interviews.models import InterviewFactor, ReturnInterview
from tests.factories import EpisodeFactory


class ApiClient:
    """Django's test client speaking JSON to /api/v1/ with a bearer token (or none)."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict | None = None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers())

    def send(self, method: str, path: str, body: Any = None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {}, default=str)
        return getattr(self.client, method)(
            f"/api/v1{path}", data=data, content_type="application/json", headers=self._headers()
        )

    def post(self, path: str, body: Any = None, raw: str | None = None):
        return self.send("post", path, body, raw)

    def patch(self, path: str, body: Any = None, raw: str | None = None):
        return self.send("patch", path, body, raw)


@pytest.fixture
def api_as(world):
    """api_as("coordinator") -> an ApiClient with a fresh token for world.users.coordinator."""

    def make(who: str) -> ApiClient:
        return ApiClient(issue_token(getattr(world.users, who)))

    return make


@pytest.fixture
def anonymous():
    return ApiClient()


def field_errors(response) -> dict[str | None, list[str]]:
    """The `errors` of a 400 as {field: [messages]}."""
    result: dict[str | None, list[str]] = {}
    for entry in response.json()["errors"]:
        result.setdefault(entry["field"], []).append(entry["message"])
    return result


# Who may see which record in the `world`, and who may not (tests/conftest.py has a user in every role).
CHILD_OUTSIDERS = [
    "coordinator_south",
    "police_south",
    "other_school_dsl",
    "other_practitioner",
    "analyst",
    "admin",
    "health",
]
EPISODE_INSIDERS = ["coordinator", "social_worker", "manager", "police"]
EPISODE_OUTSIDERS = [
    "coordinator_south",
    "police_south",
    "school_dsl",
    "other_school_dsl",
    "practitioner",
    "other_practitioner",
    "analyst",
    "admin",
    "health",
]
INTERVIEW_INSIDERS = ["coordinator", "social_worker", "manager", "practitioner"]
INTERVIEW_OUTSIDERS = [
    "coordinator_south",
    "police",
    "police_south",
    "school_dsl",
    "other_practitioner",
    "analyst",
    "admin",
    "health",
]
PROTECTED_WORDS = ("Jordan", "Example", "N000123", "A123456789012")


def assert_reveals_nothing(response) -> None:
    """An outsider's answer never carries the protected child's name or identifiers."""
    body = response.content.decode()
    for word in PROTECTED_WORDS:
        assert word not in body


def assert_not_found(response) -> None:
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not found"}
    assert_reveals_nothing(response)


@pytest.fixture
def returned_episode(world):
    """A Northmoor episode that has ended: the return opened a return interview."""
    now = timezone.now()
    episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        police_reference="WP-2026-R00900",  # outside the factory's numbering
        last_seen_at=now - dt.timedelta(hours=30),
    )
    return record_return(
        episode,
        returned_at=now - dt.timedelta(hours=20),
        found_place="Home address",
        found_by=FoundBy.POLICE,
        expected_version=1,
        acting_user=world.users.police,
    )


@pytest.fixture
def interview(world, returned_episode):
    """The return interview for `returned_episode`, assigned to world.users.practitioner (due in 52 hours)."""
    opened = ReturnInterview.objects.get(episodes=returned_episode)
    return assign_interview(
        opened,
        practitioner=world.users.practitioner,
        expected_version=opened.version,
        acting_user=world.users.coordinator,
    )


@pytest.fixture
def snapshot_counts():
    """Counts of every table a write could touch, to prove a refused write wrote nothing."""

    def take() -> dict[str, int]:
        return {
            "episodes": MissingEpisode.objects.count(),
            "grade_changes": RiskGradeChange.objects.count(),
            "interviews": ReturnInterview.objects.count(),
            "factors": InterviewFactor.objects.count(),
            "audit": AuditEvent.objects.exclude(
                action__in=[AuditEvent.Action.TOKEN, AuditEvent.Action.API_CALL]
            ).count(),
            "versions": sum(MissingEpisode.objects.values_list("version", flat=True))
            + sum(ReturnInterview.objects.values_list("version", flat=True)),
        }

    return take


def last_audit_id() -> int:
    """The id of the newest audit event (0 if none): later events have greater ids on every database."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
