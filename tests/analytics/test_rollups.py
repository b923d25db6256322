"""The roll-ups stay equal to a full recount whatever the actions do, and the check catches any drift."""

import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from analytics import rollups
from analytics.filters import Filters
from analytics.models import (
    ROLLUP_MODELS,
    ChildMonthRollup,
    EpisodeFact,
    EpisodeHourRollup,
    EpisodeMonthlyRollup,
    FactorMonthlyRollup,
    InterviewFact,
    InterviewMonthlyRollup,
)
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from core.errors import ConflictError
from episodes.actions import change_risk_grade, record_return, report_missing, update_episode_details
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from episodes.models import MissingEpisode
from interviews.actions import record_interview, record_offer
from interviews.codes import ConsentToShare, Disclosure, Outcome, PullFactor, PushFactor
from interviews.models import ReturnInterview
from tests.factories import ChildFactory


def stored() -> dict[str, dict]:
    return {model.__name__: rollups._stored_summary(model) for model in ROLLUP_MODELS}


def test_every_summary_key_is_its_unique_constraint():
    """The additive upsert's ON CONFLICT needs a unique constraint on exactly the key columns."""
    for model in ROLLUP_MODELS:
        (constraint,) = model._meta.constraints
        columns = {model._meta.get_field(name).attname for name in constraint.fields}
        assert columns == set(model.KEY), model.__name__


def test_rebuild_then_check_on_the_hand_checked_data_set(dataset):
    assert rollups.differences() == []
    assert EpisodeFact.objects.count() == MissingEpisode.objects.count() == 15
    assert InterviewFact.objects.count() == ReturnInterview.objects.count() == 9
    assert sum(EpisodeMonthlyRollup.objects.values_list("episodes", flat=True)) == 15
    assert sum(EpisodeHourRollup.objects.values_list("episodes", flat=True)) == 15
    assert sum(ChildMonthRollup.objects.values_list("episodes", flat=True)) == 15
    assert sum(InterviewMonthlyRollup.objects.values_list("interviews", flat=True)) == 9
    assert sum(FactorMonthlyRollup.objects.values_list("interviews", flat=True)) == 10  # 1 + 2 + 3 + 4


def test_a_refresh_with_nothing_changed_writes_nothing(dataset):
    before = stored()
    assert rollups.refresh_child(dataset.children.a.pk) == 0
    assert stored() == before


def _children(world, rng: random.Random, count: int) -> list:
    kids = [world.child, world.placed_child, world.south_child]
    for index in range(count - len(kids)):
        kids.append(
            ChildFactory(
                first_name=f"Random{index}",
                responsible_council=rng.choice([world.north, world.south]),
                placement_council=rng.choice([world.north, world.south]),
                date_of_birth=dt.date(2008 + rng.randrange(10), rng.randrange(1, 13), rng.randrange(1, 28)),
                sex=rng.choice(list(Sex.values)),
                ethnicity=rng.choice(list(Ethnicity.values)),
                legal_status=rng.choice(list(LegalStatus.values)),
                living_arrangement=rng.choice(list(LivingArrangement.values)),
            )
        )
    return kids


def _random_actions(world, seed: int, steps: int) -> list[str]:
    """Report, change risk, return, correct details, offer and record interviews, chosen at random."""
    rng = random.Random(seed)
    kids = _children(world, rng, 6)
    users = world.users
    now = timezone.now()
    clock = now - dt.timedelta(days=400)
    done = []

    def tick(hours_max: int = 60) -> dt.datetime:
        nonlocal clock
        clock += dt.timedelta(hours=rng.randrange(1, hours_max), minutes=rng.randrange(60))
        return min(clock, now - dt.timedelta(minutes=1))

    for _ in range(steps):
        open_episodes = list(MissingEpisode.objects.open().select_related("child"))
        awaiting = list(ReturnInterview.objects.filter(outcome="", completed_at__isnull=True))
        accepted = list(ReturnInterview.objects.filter(outcome=Outcome.ACCEPTED, completed_at__isnull=True))
        missing_ids = {e.child_id for e in open_episodes}
        available = [k for k in kids if k.pk not in missing_ids]
        choices = ["report"] * 3 if available else []
        if open_episodes:
            choices += ["risk", "return", "return", "details"]
        if awaiting:
            choices += ["offer", "offer"]
        if accepted:
            choices += ["interview", "interview"]
        action = rng.choice(choices)
        if action == "report":
            child = rng.choice(available)
            seen = tick()
            report_missing(
                acting_user=users.police,
                child=child,
                episode_type=rng.choice(list(EpisodeType.values)),
                missing_from=rng.choice(list(MissingFrom.values)),
                last_seen_at=seen,
                last_seen_place=rng.choice(["Bus station", "bus station!", "Retail park NM5 3AB", "The park"]),
                reported_at=seen + dt.timedelta(minutes=30),
                reported_by="Carer",
                police_force=rng.choice([world.police_north, world.police_south]),
                risk_grade=rng.choice(list(RiskGrade.values)),
            )
        elif action == "risk":
            episode = rng.choice(open_episodes)
            grade = rng.choice([g for g in RiskGrade.values if g != episode.risk_grade])
            change_risk_grade(
                episode,
                grade=grade,
                reason="New information",
                expected_version=episode.version,
                acting_user=users.police,
            )
        elif action == "details":
            episode = rng.choice(open_episodes)
            update_episode_details(
                episode,
                expected_version=episode.version,
                acting_user=users.coordinator
                if episode.child.responsible_council_id == world.north.pk
                else users.coordinator_south,
                last_seen_place=rng.choice(["Town centre", "town centre.", "Station SV1 2XY"]),
                episode_type=rng.choice(list(EpisodeType.values)),
            )
        elif action == "return":
            episode = rng.choice(open_episodes)
            back = max(tick(hours_max=200), episode.last_seen_at + dt.timedelta(minutes=5))
            record_return(
                episode,
                returned_at=back,
                found_place=rng.choice(["Home", "Friend's flat NM5 3AB", "home"]),
                found_by=rng.choice(list(FoundBy.values)),
                expected_version=episode.version,
                acting_user=users.police,
            )
        elif action == "offer":
            interview = rng.choice(awaiting)
            first_return = min(e.returned_at for e in interview.episodes.all() if e.returned_at is not None)
            outcome = rng.choice([*Outcome.values, ""])
            offered = max(tick(hours_max=120), first_return + dt.timedelta(minutes=1))
            record_offer(
                interview,
                outcome=outcome,
                offered_at=None if outcome == Outcome.NOT_OFFERED else offered,
                offered_by="" if outcome == Outcome.NOT_OFFERED else "Practitioner",
                not_offered_reason="Reason" if outcome == Outcome.NOT_OFFERED else "",
                expected_version=interview.version,
                acting_user=users.coordinator
                if interview.child.responsible_council_id == world.north.pk
                or interview.child.placement_council_id == world.north.pk
                else users.coordinator_south,
            )
        else:
            interview = rng.choice(accepted)
            assert interview.offered_at is not None  # accepted: offered
            covered = list(interview.episodes.values_list("pk", flat=True))
            others = list(MissingEpisode.objects.returned().filter(child=interview.child).values_list("pk", flat=True))
            disclosures = rng.sample(list(Disclosure.values), rng.randrange(3))
            record_interview(
                interview,
                completed_at=max(tick(), interview.offered_at + dt.timedelta(minutes=1)),
                episode_ids=sorted(set(covered) | set(rng.sample(others, min(len(others), rng.randrange(2))))),
                consent_to_share=rng.choice(list(ConsentToShare.values)),
                push_factors=rng.sample(list(PushFactor.values), rng.randrange(3)),
                pull_factors=rng.sample(list(PullFactor.values), rng.randrange(3)),
                disclosures=disclosures,
                disclosure_details="What the child said" if disclosures else "",
                expected_version=interview.version,
                acting_user=users.coordinator
                if interview.child.responsible_council_id == world.north.pk
                or interview.child.placement_council_id == world.north.pk
                else users.coordinator_south,
            )
        done.append(action)
    return done


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_actions_the_rollups_equal_a_full_recount(world, seed):
    done = []
    for _round in range(4):
        done += _random_actions(world, seed * 100 + _round, steps=15)
        assert rollups.differences() == [], f"after {done}"
    assert {"report", "risk", "return", "offer", "interview"} <= set(done)
    assert MissingEpisode.objects.count() > 5 and ReturnInterview.objects.count() > 2
    incremental = stored()
    rollups.rebuild()
    assert stored() == incremental  # a rebuild from scratch gives the very same rows


def test_a_failed_action_leaves_the_rollups_as_they_were(world):
    _random_actions(world, 7, steps=8)
    before = stored()
    episode = MissingEpisode.objects.open().first() or MissingEpisode.objects.first()
    with pytest.raises(ConflictError):
        change_risk_grade(
            episode,
            grade=RiskGrade.HIGH,
            reason="x",
            expected_version=episode.version + 5,
            acting_user=world.users.police,
        )
    assert stored() == before
    assert rollups.differences() == []


# --- check_rollups and rebuild_rollups -------------------------------------------------------------------


def test_check_rollups_passes_when_in_step(dataset, capsys):
    call_command("check_rollups")
    assert "equal a full recount" in capsys.readouterr().out


@pytest.mark.parametrize(
    "plant",
    [
        "summary_count",
        "summary_extra_row",
        "summary_missing_row",
        "fact_changed",
        "fact_for_no_episode",
        "record_changed_without_action",
    ],
)
def test_check_rollups_catches_a_planted_difference(dataset, plant, capsys):
    eps = dataset.episodes
    if plant == "summary_count":
        row = EpisodeMonthlyRollup.objects.order_by("pk").first()
        EpisodeMonthlyRollup.objects.filter(pk=row.pk).update(episodes=row.episodes + 1)
    elif plant == "summary_extra_row":
        row = InterviewMonthlyRollup.objects.order_by("pk").first()
        row.pk, row.month = None, dt.date(1999, 1, 1)
        row.save()
    elif plant == "summary_missing_row":
        ChildMonthRollup.objects.filter(child_id=dataset.children.d.pk).delete()
    elif plant == "fact_changed":
        EpisodeFact.objects.filter(pk=eps.a1.pk).update(hour=3)
    elif plant == "fact_for_no_episode":
        fact = EpisodeFact.objects.get(pk=eps.a1.pk)
        fact.pk = 999_999
        fact.save()
    else:  # a record written behind the actions' back
        MissingEpisode.objects.filter(pk=eps.b1.pk).update(risk_grade=RiskGrade.HIGH)
    with pytest.raises(CommandError, match="between the roll-ups and a recount"):
        call_command("check_rollups")
    assert "stored" in capsys.readouterr().out
    call_command("rebuild_rollups", "--quiet")
    assert rollups.differences() == []


def test_rebuild_rollups_reports_what_it_counted(dataset, capsys):
    EpisodeMonthlyRollup.objects.all().delete()
    call_command("rebuild_rollups")
    out = capsys.readouterr().out
    assert "from 6 children, 15 episodes and 9 return interviews" in out
    assert rollups.differences() == []


def test_actions_keep_the_dashboard_figures_current(dataset):
    """The figures move the moment an action commits: no rebuild needed."""
    from analytics import figures

    eps = dataset.episodes
    before = figures.risk_grades(dataset.north, dataset.period)
    assert before[3]["episodes"] == 3
    change_risk_grade(
        eps.c3,
        grade=RiskGrade.MEDIUM,
        reason="Seen safe",
        expected_version=eps.c3.version,
        acting_user=dataset.world.users.police,
    )
    assert figures.risk_grades(dataset.north, dataset.period)[3]["episodes"] == 2
    record_return(
        MissingEpisode.objects.get(pk=eps.c3.pk),
        returned_at=eps.c3.last_seen_at + dt.timedelta(hours=30),
        found_place="Returned to placement",
        found_by=FoundBy.POLICE,
        expected_version=eps.c3.version + 1,
        acting_user=dataset.world.users.police,
    )
    bands = {row["band"]: row["episodes"] for row in figures.duration_bands(dataset.north, dataset.period)}
    assert (bands["Still missing"], bands["1 to 3 days"]) == (0, 2)
    april = Filters(start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 1))
    assert figures.interviews(dataset.north, april)[0]["interviews"] == 1  # C3's interview, due 3 April
    assert rollups.differences() == []
