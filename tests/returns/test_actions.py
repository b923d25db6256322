"""Recording and ending episodes of care: the rules, through the actions every caller uses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from access.models import AuditEvent
from core.errors import ConflictError
from returns.actions import end_care_episode, record_care_episode
from returns.models import CareEpisode
from tests.returns.factories import CareEpisodeFactory


def record(world, **overrides):
    fields = {
        "acting_user": world.users.social_worker,
        "child": world.child,
        "decom": dt.date(2025, 6, 1),
        "rne": "s",
        "legal_status": "c2",
        "cin": "N1",
        "place": "U4",
        "place_provider": "PR1",
        "home_post": "nm1 1aa",
        "pl_post": "NM22BB",
        "urn": "",
    }
    fields.update(overrides)
    return record_care_episode(**fields)


def test_record_care_episode_normalises_codes_and_postcodes_and_audits(world):
    episode = record(world)
    assert (episode.rne, episode.legal_status, episode.home_post, episode.pl_post) == ("S", "C2", "NM1 1AA", "NM2 2BB")
    assert episode.is_open and episode.version == 1
    event = AuditEvent.objects.get(object_type="careepisode", object_id=str(episode.pk))
    assert (event.action, event.summary, event.child_id) == (
        AuditEvent.Action.CREATE,
        "Care episode recorded",
        world.child.pk,
    )
    assert event.changes["legal_status"] == [None, "C2"]
    assert event.changes["home_post"] == [None, "[sensitive]"]  # never the postcode itself
    assert "NM1" not in str(event.changes)


def test_a_history_episode_can_be_recorded_already_ended(world):
    episode = record(world, decom=dt.date(2024, 1, 1), dec=dt.date(2024, 5, 1), rec="x1", reason_place_change="carpl")
    assert (episode.dec, episode.rec, episode.reason_place_change) == (dt.date(2024, 5, 1), "X1", "CARPL")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rne": "Q"}, "rne", "Reason for new episode: 'Q' is not a known code"),
        ({"legal_status": "C3"}, "legal_status", "Legal status: 'C3' is not a known code"),
        ({"cin": "N9"}, "cin", "Category of need: 'N9' is not a known code"),
        ({"place": "Z1"}, "place", "Placement type: 'Z1' is not a known code"),
        ({"place_provider": "PR9"}, "place_provider", "Placement provider: 'PR9' is not a known code"),
        ({"place_provider": ""}, "place_provider", "Choose the placement provider for placement type U4"),
        ({"place": "T1"}, "place_provider", "Leave the placement provider blank for placement type T1"),
        ({"place": "Z12"}, "place_provider", "Leave the placement provider blank for placement type Z12"),
        ({"decom": None}, "decom", "Enter the date the episode started"),
        ({"decom": "2025-02-30"}, "decom", "The date the episode started must be a real date"),
        ({"decom": dt.date(2099, 1, 1)}, "decom", "The date the episode started must be today or in the past"),
        ({"decom": dt.date(2011, 3, 3)}, "decom", "The date the episode started is before the child's date of birth"),
        ({"dec": "2025-13-01", "rec": "E4A"}, "dec", "The date the episode ended must be a real date"),
        (
            {"dec": dt.date(2025, 5, 31), "rec": "E4A"},
            "dec",
            "The date the episode ended must be on or after it started",
        ),
        ({"dec": dt.date(2025, 7, 1)}, "rec", "Choose why the episode ended"),
        ({"dec": dt.date(2025, 7, 1), "rec": "E99"}, "rec", "Reason the episode ended: 'E99' is not a known code"),
        ({"rec": "E4A"}, "rec", "Give the reason the episode ended only with the date it ended"),
        ({"reason_place_change": "WHIM"}, "reason_place_change", "Reason for placement change: 'WHIM' is not"),
        ({"reason_place_change": "CARPL"}, "reason_place_change", "Give a reason for placement change only on"),
        ({"home_post": "NOT A POSTCODE"}, "home_post", "Home postcode: enter a UK postcode"),
        ({"pl_post": "12345"}, "pl_post", "Placement postcode: enter a UK postcode"),
        ({"urn": "12345"}, "urn", "Ofsted URN: enter six or seven digits, or SC and six digits"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(world, overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        record(world, **overrides)
    assert any(m.startswith(message) for m in excinfo.value.message_dict[field]), excinfo.value.message_dict
    assert not CareEpisode.objects.exists()
    assert not AuditEvent.objects.filter(object_type="careepisode").exists()


@pytest.mark.parametrize(
    ("decom", "dec", "rec", "field"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 2, 1), "X1", "dec"),  # runs into the existing one
        (dt.date(2025, 3, 1), dt.date(2025, 3, 20), "X1", "decom"),  # inside it
        (dt.date(2025, 3, 31), None, "", "decom"),  # starts before it ended
        (dt.date(2025, 1, 15), None, "", "decom"),  # the same start
        (dt.date(2024, 12, 1), None, "", "dec"),  # open, from before it
    ],
)
def test_episodes_of_one_child_never_overlap(world, decom, dec, rec, field):
    CareEpisodeFactory(child=world.child, decom=dt.date(2025, 1, 15), dec=dt.date(2025, 4, 1), rec="X1")
    with pytest.raises(ValidationError) as excinfo:
        record(world, decom=decom, dec=dec, rec=rec)
    assert "overlaps the child's care episode from 15/01/2025" in excinfo.value.message_dict[field][0]
    assert CareEpisode.objects.count() == 1


def test_episodes_may_meet_on_a_day(world):
    CareEpisodeFactory(child=world.child, decom=dt.date(2025, 1, 15), dec=dt.date(2025, 4, 1), rec="X1")
    record(world, decom=dt.date(2025, 4, 1), rne="P")
    record(world, decom=dt.date(2024, 12, 1), dec=dt.date(2025, 1, 15), rec="X1")
    assert CareEpisode.objects.count() == 3


def test_only_one_open_episode_per_child(world):
    record(world)
    with pytest.raises(ValidationError) as excinfo:
        record(world, decom=dt.date(2025, 8, 1))
    assert "overlaps" in excinfo.value.message_dict["decom"][0]
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database agrees
        CareEpisode.objects.create(
            child=world.child,
            decom=dt.date(2025, 9, 1),
            rne="P",
            legal_status="C2",
            cin="N1",
            place="U4",
            place_provider="PR1",
        )


def test_the_database_refuses_an_end_before_the_start(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CareEpisodeFactory(child=world.child, decom=dt.date(2025, 6, 1), dec=dt.date(2025, 5, 1), rec="X1")


@pytest.mark.parametrize("user", ["coordinator_south", "police", "practitioner", "analyst"])
def test_only_the_responsible_council_records_care(world, user):
    with pytest.raises(ValidationError) as excinfo:
        record(world, acting_user=getattr(world.users, user))
    assert excinfo.value.message_dict["child"] == [
        "Only the council responsible for this child can record its episodes of care"
    ]
    assert not CareEpisode.objects.exists()


def test_end_care_episode_records_the_end_and_audits(world):
    episode = record(world)
    ended = end_care_episode(
        episode,
        acting_user=world.users.coordinator,
        expected_version=1,
        dec=dt.date(2025, 9, 10),
        rec="x1",
        reason_place_change="child",
    )
    assert (ended.dec, ended.rec, ended.reason_place_change, ended.version) == (dt.date(2025, 9, 10), "X1", "CHILD", 2)
    event = AuditEvent.objects.filter(object_type="careepisode").latest("id")
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes == {"dec": [None, "2025-09-10"], "rec": ["", "X1"], "reason_place_change": ["", "CHILD"]}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"dec": dt.date(2025, 5, 1), "rec": "E4A"},
            "dec",
            "The date the episode ended must be on or after it started",
        ),
        ({"dec": "31/06/2025", "rec": "E4A"}, "dec", "The date the episode ended must be a real date"),
        ({"dec": None, "rec": "E4A"}, "dec", "Enter the date the episode ended"),
        ({"dec": dt.date(2025, 7, 1), "rec": ""}, "rec", "Choose why the episode ended"),
        ({"dec": dt.date(2025, 7, 1), "rec": "E0"}, "rec", "Reason the episode ended: 'E0' is not a known code"),
        (
            {"dec": dt.date(2025, 7, 1), "rec": "E4A", "reason_place_change": "CHILD"},
            "reason_place_change",
            "Give a reason for placement change only when a new episode follows (X1)",
        ),
    ],
)
def test_end_care_episode_refuses_bad_input_and_writes_nothing(world, fields, field, message):
    episode = record(world)
    with pytest.raises(ValidationError) as excinfo:
        end_care_episode(episode, acting_user=world.users.coordinator, expected_version=1, **fields)
    assert any(m.startswith(message) for m in excinfo.value.message_dict[field]), excinfo.value.message_dict
    episode.refresh_from_db()
    assert (episode.dec, episode.rec, episode.version) == (None, "", 1)
    assert AuditEvent.objects.filter(object_type="careepisode").count() == 1


def test_end_care_episode_refuses_an_ended_episode_and_a_stale_version(world):
    episode = record(world)
    end_care_episode(
        episode, acting_user=world.users.coordinator, expected_version=1, dec=dt.date(2025, 7, 1), rec="E4A"
    )
    with pytest.raises(ConflictError):
        end_care_episode(
            episode, acting_user=world.users.coordinator, expected_version=1, dec=dt.date(2025, 8, 1), rec="E4A"
        )
    with pytest.raises(ValidationError) as excinfo:
        end_care_episode(
            episode, acting_user=world.users.coordinator, expected_version=2, dec=dt.date(2025, 8, 1), rec="E4A"
        )
    assert excinfo.value.message_dict["dec"] == ["This episode already ended on 01/07/2025"]
