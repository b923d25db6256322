"""The data quality list catches a planted problem of each kind, links to where it is fixed, and leaves
clean records (and other councils' records) out."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.quality import problems_for
from children.codes import LegalStatus
from episodes.codes import EpisodeType, FoundBy
from interviews.codes import Outcome
from returns.models import CareEpisode
from tests.factories import ChildFactory, EpisodeFactory, InterviewFactory


def _episode(world, child, *, days_ago: float, back_after_hours: float | None = 5, **extra):
    seen = timezone.now() - dt.timedelta(days=days_ago)
    fields: dict[str, Any] = {"last_seen_at": seen, "reported_at": seen + dt.timedelta(minutes=20)}
    if back_after_hours is not None:
        fields.update(
            returned_at=seen + dt.timedelta(hours=back_after_hours), found_place="Home", found_by=FoundBy.SELF
        )
    return EpisodeFactory(
        child=child, police_force=world.police_north, created_by=world.users.police, **fields, **extra
    )


def _care(child, started: dt.date) -> CareEpisode:
    return CareEpisode.objects.create(
        child=child, decom=started, rne="S", legal_status="C2", cin="N1", place="U1", place_provider="PR1"
    )


def _child(world, ref: str, **extra):
    return ChildFactory(first_name=f"Quality{ref}", la_child_id=ref, responsible_council=world.north, **extra)


@pytest.fixture
def planted(world):
    now, today = timezone.now(), timezone.localdate()
    p = SimpleNamespace()
    # 1. An episode open 10 days (the threshold is 7); one open 2 days is fine.
    p.old_open = _child(world, "DQ-OPEN")
    p.old_open_episode = _episode(world, p.old_open, days_ago=10, back_after_hours=None)
    _episode(world, _child(world, "OK-OPEN"), days_ago=2, back_after_hours=None)
    # 2. An interview past its due date with no outcome; one not yet due is fine.
    p.no_outcome = _child(world, "DQ-NOOUT")
    episode = _episode(world, p.no_outcome, days_ago=5)
    p.late = _child(world, "DQ-LATE")
    p.late_interview = InterviewFactory(  # never offered, due a year ago: too late, to close (not "no outcome")
        child=p.late,
        due_by=now - dt.timedelta(days=370),
        provider=world.provider,
        covering=[_episode(world, p.late, days_ago=373)],
    )
    p.no_outcome_interview = InterviewFactory(
        child=p.no_outcome, due_by=now - dt.timedelta(days=1), provider=world.provider, covering=[episode]
    )
    fine = _child(world, "OK-DUE")
    InterviewFactory(child=fine, due_by=now + dt.timedelta(hours=20), covering=[_episode(world, fine, days_ago=2)])
    # 3. Accepted 20 days ago and not recorded as held (the threshold is 14); one accepted 3 days ago is fine.
    p.not_held = _child(world, "DQ-HELD")
    p.not_held_interview = InterviewFactory(
        child=p.not_held,
        due_by=now - dt.timedelta(days=19),
        offered_at=now - dt.timedelta(days=20),
        offered_by="Practitioner",
        outcome=Outcome.ACCEPTED,
        covering=[_episode(world, p.not_held, days_ago=22)],
    )
    recent = _child(world, "OK-HELD")
    InterviewFactory(
        child=recent,
        due_by=now + dt.timedelta(days=1),
        offered_at=now - dt.timedelta(days=3),
        offered_by="Practitioner",
        outcome=Outcome.ACCEPTED,
        covering=[_episode(world, recent, days_ago=4)],
    )
    # 4. Legal status not known, with an episode; one with no episode is not the list's business.
    p.not_known = _child(world, "DQ-LEGAL", legal_status=LegalStatus.NOT_KNOWN)
    _episode(world, p.not_known, days_ago=40)
    _child(world, "OK-LEGAL", legal_status=LegalStatus.NOT_KNOWN)
    # 5. Looked after with no open episode of care; one in care is fine.
    p.no_care = _child(world, "DQ-CARE")
    p.in_care = _child(world, "OK-CARE")
    _care(p.in_care, today - dt.timedelta(days=400))
    # 6. Missing before care began (SSDA903 rule 581): missing 3 days ago, care began yesterday. (Both fall in
    # this collection year except on 1 to 3 April.)
    p.outside = _child(world, "DQ-581")
    _care(p.outside, today - dt.timedelta(days=1))
    p.outside_episode = _episode(world, p.outside, days_ago=3)
    _episode(world, p.in_care, days_ago=30)  # inside care: fine
    # 7. Away from placement (A) for a child who is not looked after; A for a child in care is fine.
    p.away = _child(world, "DQ-AWAY", legal_status=LegalStatus.CHILD_IN_NEED)
    p.away_episode = _episode(world, p.away, days_ago=60, episode_type=EpisodeType.AWAY)
    _episode(world, p.in_care, days_ago=90, episode_type=EpisodeType.AWAY)
    # Another council's child with problems: never on Northmoor's list.
    south = ChildFactory(
        first_name="QualitySouth",
        la_child_id="SOUTH-1",
        responsible_council=world.south,
        legal_status=LegalStatus.CHILD_IN_NEED,
    )
    _episode(world, south, days_ago=30, back_after_hours=None, episode_type=EpisodeType.AWAY)
    return p


def _groups(world):
    return {group.slug: group for group in problems_for(world.users.coordinator)}


def _refs(group) -> set[str]:
    return {item.child_ref for item in group.items}


def test_each_kind_of_problem_is_caught_with_a_link_to_fix_it(world, planted):
    groups = _groups(world)
    assert list(groups) == [
        "open-episodes",
        "no-outcome",
        "long-overdue-offers",
        "accepted-not-held",
        "legal-status-not-known",
        "looked-after-no-care",
        "outside-care",
        "away-not-looked-after",
        "likely-duplicates",
        "unconfirmed-provisional",  # tests/intake/test_provisional.py plants and checks these
    ]
    assert _refs(groups["open-episodes"]) == {"DQ-OPEN"}
    (item,) = groups["open-episodes"].items
    assert item.fix_url == reverse("episodes:record-return", args=[planted.old_open_episode.pk])
    assert "open 10 days" in item.what

    assert _refs(groups["no-outcome"]) == {"DQ-NOOUT"}
    assert groups["no-outcome"].items[0].fix_url == reverse("interviews:offer", args=[planted.no_outcome_interview.pk])

    assert _refs(groups["long-overdue-offers"]) == {"DQ-LATE"}
    (late,) = groups["long-overdue-offers"].items
    assert late.fix_url == reverse("interviews:offer", args=[planted.late_interview.pk]) + "?outcome=not_offered"
    assert late.fix_text == "Close as not offered" and "370 days ago" in late.what

    assert _refs(groups["accepted-not-held"]) == {"DQ-HELD"}
    assert groups["accepted-not-held"].items[0].fix_url == reverse(
        "interviews:record", args=[planted.not_held_interview.pk]
    )

    assert _refs(groups["legal-status-not-known"]) == {"DQ-LEGAL"}
    assert groups["legal-status-not-known"].items[0].fix_url == reverse("children:detail", args=[planted.not_known.pk])

    no_care = _refs(groups["looked-after-no-care"])
    assert "DQ-CARE" in no_care and "OK-CARE" not in no_care and "DQ-581" not in no_care
    assert "DQ-AWAY" not in no_care and "DQ-LEGAL" not in no_care  # not looked after

    (outside,) = groups["outside-care"].items
    assert outside.child_ref == "DQ-581" and "rule 581" in outside.what
    assert outside.fix_url == reverse("episodes:edit", args=[planted.outside_episode.pk])

    assert _refs(groups["away-not-looked-after"]) == {"DQ-AWAY"}
    assert groups["away-not-looked-after"].items[0].fix_url == reverse("episodes:edit", args=[planted.away_episode.pk])


def test_another_councils_children_are_never_listed(world, planted):
    refs = set().union(*(_refs(group) for group in _groups(world).values()))
    assert "SOUTH-1" not in refs
    south = {group.slug: _refs(group) for group in problems_for(world.users.coordinator_south)}
    assert south["away-not-looked-after"] == {"SOUTH-1"} and south["open-episodes"] == {"SOUTH-1"}


def test_the_thresholds_are_settings(world, planted, settings):
    settings.HOMEWARD_DATA_QUALITY_OPEN_DAYS = 1
    settings.HOMEWARD_DATA_QUALITY_ACCEPTED_DAYS = 30
    groups = _groups(world)
    assert _refs(groups["open-episodes"]) == {"DQ-OPEN", "OK-OPEN"}
    assert _refs(groups["accepted-not-held"]) == set()


def test_the_page_lists_by_child_id_never_by_name_and_audits_who_was_shown(client, world, planted):
    from access.models import AuditEvent

    client.force_login(world.users.coordinator)
    response = client.get(reverse("analytics:data-quality"))
    assert response.status_code == 200
    page = response.content.decode()
    for ref in ("DQ-OPEN", "DQ-NOOUT", "DQ-HELD", "DQ-LEGAL", "DQ-CARE", "DQ-581", "DQ-AWAY"):
        assert ref in page
    for child in (
        planted.old_open,
        planted.no_outcome,
        planted.not_held,
        planted.not_known,
        planted.outside,
        world.child,
    ):
        assert child.first_name not in page and child.full_name not in page
    assert reverse("episodes:record-return", args=[planted.old_open_episode.pk]) in page
    event = AuditEvent.objects.filter(object_type="data-quality").get()
    assert event.actor == world.users.coordinator and event.action == "view"
    shown = set(event.changes["children_shown"][1])
    assert {planted.old_open.pk, planted.outside.pk, planted.away.pk} <= shown


@pytest.mark.parametrize("name", ["manager", "analyst"])
def test_team_managers_and_analysts_get_the_councils_list(client, world, planted, name):
    """Issue 15: they were refused (403). The analyst, who opens no child's record, gets the same items by child
    ID from the council's records, with no link to a record; the manager's rows link to where to fix them."""
    user = getattr(world.users, name)
    coordinators = {group.slug: _refs(group) for group in problems_for(world.users.coordinator)}
    theirs = {group.slug: _refs(group) for group in problems_for(user)}
    assert theirs == coordinators
    assert "SOUTH-1" not in set().union(*theirs.values())
    client.force_login(user)
    page = client.get(reverse("analytics:data-quality")).content.decode()
    assert "DQ-OPEN" in page
    link = reverse("episodes:record-return", args=[planted.old_open_episode.pk])
    assert (link in page) is (name == "manager")
    assert planted.old_open.full_name not in page
    menu = client.get(reverse("analytics:dashboard")).content.decode()
    assert f'href="{reverse("analytics:data-quality")}"' in menu
