"""Records the risk tests share, built on the `world` fixture in tests/conftest.py."""

import datetime as dt
import signal

import pytest
from django.core.management import call_command
from django.utils import timezone

from episodes.codes import FoundBy, RiskGrade
from interviews.codes import ConsentToShare, FactorKind, Outcome
from interviews.models import InterviewFactor
from tests.factories import EpisodeFactory, InterviewFactory

# A fixed moment for the trigger tests: a Tuesday in November, GMT (no daylight saving to think about).
NOW = dt.datetime(2026, 11, 17, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def trigger_settings(settings):
    """Pin every trigger threshold to its documented default, whatever the environment says."""
    settings.HOMEWARD_REPEAT_MISSING_COUNT = 3
    settings.HOMEWARD_REPEAT_MISSING_WINDOW_DAYS = 90
    settings.HOMEWARD_MISSING_ESCALATION_HOURS = [24, 72]
    settings.HOMEWARD_ESCALATION_ROLE = "team_manager"
    settings.HOMEWARD_YOUNG_CHILD_AGE = 13
    settings.HOMEWARD_ALERT_LOOKBACK_DAYS = 30
    return settings


def episode(world, *, last_seen_at, returned_after=None, child=None, grade=RiskGrade.MEDIUM, force=None, **extra):
    """An episode of the child (Jordan unless told), open unless `returned_after` (a timedelta) is given."""
    fields = {
        "child": child or world.child,
        "police_force": force or world.police_north,
        "created_by": world.users.police,
        "last_seen_at": last_seen_at,
        "reported_at": last_seen_at,
        "risk_grade": grade,
    }
    if returned_after is not None:
        fields.update(returned_at=last_seen_at + returned_after, found_place="Home", found_by=FoundBy.SELF)
    return EpisodeFactory(**fields, **extra)


def returned(world, last_seen_at, **extra):
    return episode(world, last_seen_at=last_seen_at, returned_after=dt.timedelta(hours=5), **extra)


def interview_with(world, *, disclosures, completed_at, child=None, episodes=()):
    """A completed return interview recording these disclosure codes."""
    interview = InterviewFactory(
        child=child or world.child,
        provider=world.provider,
        assigned_to=world.users.practitioner,
        due_by=completed_at,
        offered_at=completed_at - dt.timedelta(hours=2),
        offered_by="Sam Practitioner",
        outcome=Outcome.ACCEPTED,
        completed_at=completed_at,
        completed_by=world.users.practitioner,
        consent_to_share=ConsentToShare.YES,
        disclosure_details="Synthetic test text",
        covering=list(episodes),
    )
    InterviewFactor.objects.bulk_create(
        InterviewFactor(interview=interview, kind=FactorKind.DISCLOSURE, code=code) for code in disclosures
    )
    return interview


@pytest.fixture
def run_worker():
    """Run django-tasks-db's real worker over the queue until it is empty (`db_worker --batch`), then put
    back the signal handlers the worker installs, so Ctrl+C still stops pytest."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def recent():
    """Now, to the minute, for tests that go through actions (which refuse times in the future)."""
    return timezone.now().replace(second=0, microsecond=0)
