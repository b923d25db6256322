"""The same seed and the same `now` give the same data; another seed gives other data."""

import pytest
from django.db import transaction

from children.models import Child
from episodes.models import MissingEpisode, RiskGradeChange
from interviews.models import InterviewFactor, ReturnInterview
from synthetic.generator import generate
from tests.synthetic.conftest import NOW

pytestmark = pytest.mark.django_db

CHILD_FIELDS = [
    "upn",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "gender_identity",
    "ethnicity",
    "legal_status",
    "living_arrangement",
    "placement_council__code",
    "placement_postcode",
    "school__code",
    "social_worker__username",
]
EPISODE_FIELDS = [
    "episode_type",
    "missing_from",
    "last_seen_place",
    "reported_at",
    "reported_by",
    "police_force__code",
    "police_reference",
    "risk_grade",
    "circumstances",
    "returned_at",
    "found_place",
    "found_by",
    "found_with",
    "harm_on_return",
    "prevention_interview_done",
    "created_by__username",
    "created_at",
]
INTERVIEW_FIELDS = [
    "due_by",
    "provider__code",
    "assigned_to__username",
    "offered_at",
    "offered_by",
    "outcome",
    "not_offered_reason",
    "completed_at",
    "completed_by__username",
    "where_stayed",
    "who_with",
    "harm_suffered",
    "disclosure_details",
    "childs_wishes",
    "actions_agreed",
    "consent_to_share",
    "narrative",
]


def canonical_dump() -> dict:
    """Every generated row keyed by natural keys, not primary keys (PostgreSQL sequences move on)."""
    children = {
        (c.responsible_council.code, c.la_child_id): tuple(getattr_path(c, name) for name in CHILD_FIELDS)
        for c in Child.objects.select_related("responsible_council", "placement_council", "school", "social_worker")
    }
    episode_key = {}
    episodes = {}
    for e in MissingEpisode.objects.select_related("child__responsible_council", "police_force", "created_by"):
        key = (e.child.responsible_council.code, e.child.la_child_id, e.last_seen_at.isoformat())
        episode_key[e.pk] = key
        episodes[key] = tuple(getattr_path(e, name) for name in EPISODE_FIELDS)
    changes = sorted(
        (
            episode_key[c.episode_id],
            c.grade,
            c.previous_grade,
            c.reason,
            c.changed_at.isoformat(),
            c.changed_by.username,
        )
        for c in RiskGradeChange.objects.select_related("changed_by")
    )
    interviews = {}
    for i in ReturnInterview.objects.select_related("provider", "assigned_to", "completed_by").prefetch_related(
        "episodes", "factors"
    ):
        covered = tuple(sorted(episode_key[e.pk] for e in i.episodes.all()))
        factors = tuple(sorted((f.kind, f.code) for f in i.factors.all()))
        interviews[covered] = (tuple(getattr_path(i, name) for name in INTERVIEW_FIELDS), factors)
    assert InterviewFactor.objects.count() == sum(len(factors) for _, factors in interviews.values())
    return {"children": children, "episodes": episodes, "changes": changes, "interviews": interviews}


def getattr_path(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part) if obj is not None else None
    return obj


def generate_and_dump(children: int, seed: int) -> dict:
    with transaction.atomic():
        generate(children, seed, now=NOW)
        dump = canonical_dump()
        transaction.set_rollback(True)
    return dump


def test_same_seed_and_now_give_identical_rows():
    first = generate_and_dump(120, seed=5)
    assert Child.objects.count() == 0  # rolled back
    second = generate_and_dump(120, seed=5)
    assert len(first["children"]) == 120 and first["episodes"] and first["interviews"]
    assert first == second


def test_another_seed_gives_other_rows():
    assert generate_and_dump(40, seed=1)["episodes"] != generate_and_dump(40, seed=2)["episodes"]


def test_a_second_run_adds_to_the_first_without_clashes():
    """Council child IDs and police references already used are skipped (the benchmark relies on it)."""
    generate(60, seed=3, now=NOW)
    generate(60, seed=3, now=NOW)
    assert Child.objects.count() == 120
    assert Child.objects.values("responsible_council", "la_child_id").distinct().count() == 120
    references = MissingEpisode.objects.exclude(police_reference="").values_list("police_force", "police_reference")
    assert len(set(references)) == references.count()


def test_generating_on_top_of_other_reference_data_reuses_it(world):
    """A council 901 already linked to another force keeps its link; episodes follow that force."""
    generate(80, seed=9, now=NOW)
    episodes = MissingEpisode.objects.filter(child__placement_council=world.north)
    assert episodes.exists()
    assert set(episodes.values_list("police_force", flat=True)) == {world.police_north.pk}
    assert Child.objects.filter(responsible_council=world.north).count() > 1


def test_a_second_run_places_only_its_own_children_at_homes_of_its_own():
    """Issue 14: the second run's homes are numbered on from the first's invented URNs; no child gets two current
    placements."""
    from children.models import PlacementHistory

    generate(200, seed=3, now=NOW)
    first = set(PlacementHistory.objects.values_list("child_id", "urn"))
    generate(200, seed=3, now=NOW)
    assert first <= set(PlacementHistory.objects.values_list("child_id", "urn"))
    first_urns = {urn for _, urn in first}
    second_urns = set(
        PlacementHistory.objects.exclude(child_id__in={c for c, _ in first}).values_list("urn", flat=True)
    )
    assert first_urns and second_urns and not first_urns & second_urns
