"""Concurrent actions keep the roll-ups equal to a recount (PostgreSQL: SQLite serialises every writer).

Children with the same characteristics go missing at the same hour, so their refreshes add to the very same
summary rows at once; and two actions on one child run at once.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from analytics import rollups
from episodes.actions import change_risk_grade, record_return, report_missing
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from episodes.models import MissingEpisode
from interviews.actions import record_offer
from interviews.codes import Outcome
from tests.factories import ChildFactory


def _run_together(jobs) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:  # collected, and reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_actions_on_children_sharing_summary_rows(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: there is no concurrency to test")
    seen = (timezone.now() - dt.timedelta(days=20)).replace(minute=5, second=0, microsecond=0)
    kids = [ChildFactory(responsible_council=world.north, date_of_birth=dt.date(2011, 1, 1)) for _ in range(6)]
    police = world.users.police

    def journey(child):
        def job():
            episode = report_missing(
                acting_user=police,
                child=child,
                episode_type=EpisodeType.MISSING,
                missing_from=MissingFrom.PLACEMENT,
                last_seen_at=seen,
                last_seen_place="Bus station",
                reported_at=seen + dt.timedelta(minutes=10),
                reported_by="Carer",
                police_force=world.police_north,
                risk_grade=RiskGrade.MEDIUM,
            )
            episode = change_risk_grade(
                episode, grade=RiskGrade.HIGH, reason="Worse", expected_version=episode.version, acting_user=police
            )
            record_return(
                episode,
                returned_at=seen + dt.timedelta(hours=3),
                found_place="Home",
                found_by=FoundBy.POLICE,
                expected_version=episode.version,
                acting_user=police,
            )

        return job

    assert _run_together([journey(child) for child in kids]) == []
    assert MissingEpisode.objects.filter(child__in=kids).count() == 6
    assert rollups.differences() == []

    # Two actions on one child at once: a new episode's grade changes while the last return's interview is offered.
    child = kids[0]
    interview = child.return_interviews.get()
    second = report_missing(
        acting_user=police,
        child=child,
        episode_type=EpisodeType.MISSING,
        missing_from=MissingFrom.PLACEMENT,
        last_seen_at=seen + dt.timedelta(days=2),
        last_seen_place="Park",
        reported_at=seen + dt.timedelta(days=2, minutes=5),
        reported_by="Carer",
        police_force=world.police_north,
        risk_grade=RiskGrade.LOW,
    )
    errors = _run_together(
        [
            lambda: change_risk_grade(
                second, grade=RiskGrade.HIGH, reason="Worse", expected_version=second.version, acting_user=police
            ),
            lambda: record_offer(
                interview,
                outcome=Outcome.ACCEPTED,
                offered_at=seen + dt.timedelta(hours=5),
                offered_by="Practitioner",
                expected_version=interview.version,
                acting_user=world.users.coordinator,
            ),
        ]
    )
    assert errors == []
    assert rollups.differences() == []
