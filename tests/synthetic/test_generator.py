"""The generated data keeps every rule the models and actions keep, in plausible proportions."""

import datetime as dt
import re
from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from access.audit import first_broken_event
from access.models import AGENCY_CODE_PATTERNS, Agency, AgencyKind, AuditEvent, Role, User
from children.codes import LegalStatus, LivingArrangement
from children.models import UPN_PATTERN, Child
from episodes.codes import EpisodeType, MissingFrom, RiskGrade
from episodes.models import MissingEpisode, RiskGradeChange
from interviews.codes import FACTOR_CODES, FactorKind, Outcome
from interviews.models import InterviewFactor, ReturnInterview
from synthetic.generator import ROW_LABELS, upn_check_letter
from synthetic.names import COUNCILS, FORCES
from tests.synthetic.conftest import NOW

pytestmark = pytest.mark.django_db

PLACEMENTS = {
    LivingArrangement.FOSTER_CARE,
    LivingArrangement.CHILDRENS_HOME,
    LivingArrangement.SUPPORTED,
    LivingArrangement.SECURE,
}
REAL_POSTCODE_AREAS = {"N", "NE", "NG", "NN", "NP", "NR", "NW", "S", "SE", "SW", "SY", "E", "EC", "W", "WS", "WV"}
POSTCODE = re.compile(r"^(?P<area>[A-PR-UWYZ][A-HK-Y]?)\d{1,2} \d[ABD-HJLNP-UW-Z]{2}$")


def episodes_by_child() -> dict[int, list[MissingEpisode]]:
    result = defaultdict(list)
    for episode in MissingEpisode.objects.order_by("child_id", "last_seen_at"):
        result[episode.child_id].append(episode)
    return result


def test_report_counts_the_rows_written(generated):
    assert generated.children == 300
    database = {
        "children": Child.objects.count(),
        "missing episodes": MissingEpisode.objects.count(),
        "risk grade changes": RiskGradeChange.objects.count(),
        "return interviews": ReturnInterview.objects.count(),
        "interview episodes": ReturnInterview.episodes.through.objects.count(),
        "interview factors": InterviewFactor.objects.count(),
        "agencies": Agency.objects.count(),
        "users": User.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }
    for label, count in database.items():
        assert generated.rows[label] == count, label
    assert set(generated.rows) == set(ROW_LABELS.values())
    assert generated.rows_per_second > 0


def test_agencies_have_valid_invented_codes_and_links(generated):
    for agency in Agency.objects.all():
        agency.full_clean()
        if agency.kind in AGENCY_CODE_PATTERNS:
            assert agency.code.startswith("9"), agency  # never a real LA, force code or URN
    councils = Agency.objects.filter(kind=AgencyKind.COUNCIL)
    assert councils.count() == len(COUNCILS) >= 5
    assert Agency.objects.filter(kind=AgencyKind.POLICE).count() == len(FORCES)
    for council in councils:
        assert council.police_force.kind == AgencyKind.POLICE
        local = Counter(council.local_agencies.values_list("kind", flat=True))
        assert local[AgencyKind.RHI_PROVIDER] == 1
        assert local[AgencyKind.HEALTH] == 1
        assert local[AgencyKind.SCHOOL] >= 4


def test_generator_users_cannot_sign_in(generated):
    users = User.objects.filter(username__startswith="synthetic.")
    assert users.exists()
    assert not any(user.has_usable_password() for user in users)
    loaders = users.filter(username__startswith="synthetic.loader.")
    assert loaders.count() == len(FORCES)
    assert not loaders.filter(is_active=True).exists()
    for practitioner in users.filter(role_assignments__role=Role.RHI_PRACTITIONER):
        assert practitioner.agency.kind == AgencyKind.RHI_PROVIDER


def test_children_are_valid_and_consistent(generated):
    children = list(Child.objects.select_related("responsible_council", "placement_council", "school"))
    for child in children[:40]:
        child.full_clean()
    today = NOW.date()
    ids = Counter((child.responsible_council_id, child.la_child_id) for child in children)
    assert max(ids.values()) == 1
    for child in children:
        assert 8 <= child.age_on(today) <= 17
        if child.upn:
            assert UPN_PATTERN.fullmatch(child.upn)
            if len(child.upn) == 13 and child.upn[1:].isdigit():
                assert child.upn[0] == upn_check_letter(child.upn[1:])
        if child.legal_status == LegalStatus.LOOKED_AFTER:
            assert child.living_arrangement in PLACEMENTS | {LivingArrangement.OTHER}
        if child.living_arrangement == LivingArrangement.SUPPORTED:
            assert child.age_on(today) >= 16
        if child.legal_status not in (LegalStatus.LOOKED_AFTER, LegalStatus.CARE_LEAVER):
            assert child.living_arrangement in (LivingArrangement.HOME, LivingArrangement.OTHER)
            assert not child.placed_out_of_area
        if child.school_id:
            assert child.school.local_authority_id == child.placement_council_id
        if child.social_worker_id:
            assert child.social_worker.agency_id == child.responsible_council_id
        if child.placement_postcode:
            match = POSTCODE.fullmatch(child.placement_postcode)
            assert match, child.placement_postcode
            assert match["area"] not in REAL_POSTCODE_AREAS


def test_episodes_keep_the_timeline_rules(generated):
    force_of = dict(Agency.objects.filter(kind=AgencyKind.COUNCIL).values_list("pk", "police_force_id"))
    children = {child.pk: child for child in Child.objects.all()}
    for child_id, episodes in episodes_by_child().items():
        child = children[child_id]
        open_ones = [episode for episode in episodes if episode.returned_at is None]
        assert len(open_ones) <= 1
        if open_ones:
            assert open_ones[0] is episodes[-1], "only the latest episode may be open"
        for earlier, later in pairwise(episodes):
            assert earlier.returned_at is not None
            assert earlier.returned_at < later.last_seen_at, "episodes of one child never overlap"
        for episode in episodes:
            assert episode.last_seen_at.date() >= child.date_of_birth
            assert episode.last_seen_at <= episode.reported_at <= episode.last_seen_at + dt.timedelta(hours=12)
            assert episode.reported_at <= (episode.returned_at or NOW)
            if episode.returned_at:
                assert episode.last_seen_at <= episode.returned_at <= NOW
                assert episode.found_place and episode.found_by
            else:
                assert not episode.found_place and not episode.found_by
            assert episode.police_force_id == force_of[child.placement_council_id]
            if child.living_arrangement in PLACEMENTS:
                assert episode.missing_from != MissingFrom.HOME
            if child.living_arrangement == LivingArrangement.HOME:
                assert episode.missing_from != MissingFrom.PLACEMENT
            if episode.missing_from == MissingFrom.SCHOOL:
                assert child.school_id is not None


def test_police_references_are_unique_per_force_and_well_formed(generated):
    prefixes = {force.code: force.reference_prefix for force in FORCES}
    references = list(
        MissingEpisode.objects.exclude(police_reference="").values_list("police_force__code", "police_reference")
    )
    assert len(references) == len(set(references))
    for force_code, reference in references:
        assert re.fullmatch(rf"{prefixes[force_code]}-20\d\d-\d{{6}}", reference), reference


def test_a_sample_of_rows_passes_full_clean(generated):
    for episode in MissingEpisode.objects.order_by("pk")[:40]:
        episode.full_clean()
    for change in RiskGradeChange.objects.order_by("pk")[:40]:
        change.full_clean()
    for interview in ReturnInterview.objects.order_by("pk")[:40]:
        interview.full_clean()
    for factor in InterviewFactor.objects.order_by("pk")[:40]:
        factor.full_clean()


def test_every_episode_has_its_risk_grade_history(generated):
    changes = defaultdict(list)
    for change in RiskGradeChange.objects.order_by("episode_id", "changed_at", "id"):
        changes[change.episode_id].append(change)
    episodes = list(MissingEpisode.objects.all())
    assert set(changes) == {episode.pk for episode in episodes}
    later = 0
    for episode in episodes:
        history = changes[episode.pk]
        first = history[0]
        assert first.previous_grade == "" and first.changed_at == episode.reported_at
        for before, after in pairwise(history):
            assert after.previous_grade == before.grade != after.grade
            assert episode.reported_at <= after.changed_at <= (episode.returned_at or NOW)
            later += 1
        assert history[-1].grade == episode.risk_grade
    assert later > 0


def test_return_interviews_follow_the_rules(generated):
    due = dt.timedelta(hours=settings.HOMEWARD_RHI_DUE_HOURS)
    providers = dict(Agency.objects.filter(kind=AgencyKind.RHI_PROVIDER).values_list("local_authority_id", "pk"))
    covered = Counter()
    for interview in ReturnInterview.objects.select_related("child", "assigned_to").prefetch_related(
        "episodes", "factors"
    ):
        episodes = sorted(interview.episodes.all(), key=lambda e: e.last_seen_at)
        assert episodes and all(e.child_id == interview.child_id and e.returned_at for e in episodes)
        covered.update(e.pk for e in episodes)
        first_return = min(e.returned_at for e in episodes)
        assert interview.due_by == first_return + due
        for earlier, later in pairwise(episodes):
            assert later.last_seen_at - earlier.returned_at <= due, "one interview covers episodes close together"
        assert interview.provider_id == providers[interview.child.responsible_council_id]
        if interview.assigned_to:
            assert interview.assigned_to.agency_id == interview.provider_id
        if interview.outcome == Outcome.NOT_OFFERED:
            assert interview.offered_at is None and interview.not_offered_reason
        elif interview.outcome:
            assert interview.offered_at and interview.offered_by
        if interview.offered_at:
            assert first_return <= interview.offered_at <= NOW
        factors = list(interview.factors.all())
        if interview.completed_at:
            assert interview.outcome == Outcome.ACCEPTED
            assert interview.offered_at <= interview.completed_at <= NOW
            assert interview.completed_by_id == interview.assigned_to_id
            assert interview.consent_to_share
        else:
            assert not factors
        for factor in factors:
            assert factor.code in FACTOR_CODES[factor.kind].values
        if any(f.kind == FactorKind.DISCLOSURE for f in factors):
            assert interview.disclosure_details
    returned = set(MissingEpisode.objects.returned().values_list("pk", flat=True))
    assert set(covered) == returned, "every returned episode is covered, open ones are not"
    assert max(covered.values()) == 1, "an episode is in one interview only"
    # Episodes close together share an interview; episodes further apart do not.
    interview_of = dict(ReturnInterview.episodes.through.objects.values_list("missingepisode_id", "returninterview_id"))
    for episodes in episodes_by_child().values():
        for earlier, later in pairwise(episodes):
            if later.returned_at:
                close = later.last_seen_at - earlier.returned_at <= due
                assert (interview_of[earlier.pk] == interview_of[later.pk]) == close


def test_proportions_are_plausible(generated):
    children = Child.objects.count()
    per_child = Counter(Child.objects.annotate(n=Count("episodes")).values_list("n", flat=True))
    assert per_child[0] == 0
    assert per_child[1] > children / 2, "most children go missing once"
    assert sum(count for episodes, count in per_child.items() if episodes >= 5) >= 1
    legal = Counter(Child.objects.values_list("legal_status", flat=True))
    assert 0.30 < legal[LegalStatus.LOOKED_AFTER] / children < 0.50
    assert legal[LegalStatus.NOT_KNOWN] and legal[LegalStatus.CARE_LEAVER] and legal[LegalStatus.CHILD_PROTECTION]
    looked_after = list(Child.objects.filter(legal_status=LegalStatus.LOOKED_AFTER))
    out_of_area = sum(child.placed_out_of_area for child in looked_after) / len(looked_after)
    assert 0.10 < out_of_area < 0.35
    sexes = Counter(Child.objects.values_list("sex", flat=True))
    assert abs(sexes["M"] - sexes["F"]) < 0.2 * children
    episodes = MissingEpisode.objects.count()
    types = Counter(MissingEpisode.objects.values_list("episode_type", flat=True))
    assert 0.07 < types[EpisodeType.AWAY] / episodes < 0.25
    grades = Counter(MissingEpisode.objects.values_list("risk_grade", flat=True))
    assert 0.04 < grades[RiskGrade.HIGH] / episodes < 0.20
    assert grades[RiskGrade.MEDIUM] + grades[RiskGrade.LOW] > episodes / 2
    open_count = MissingEpisode.objects.open().count()
    assert open_count >= 1
    assert open_count <= 0.05 * children
    assert open_count == generated.open_episodes
    hours = [timezone.localtime(seen).hour for seen in MissingEpisode.objects.values_list("last_seen_at", flat=True)]
    evening = sum(1 for hour in hours if 17 <= hour <= 23)
    assert evening > episodes / 3
    outcomes = Counter(ReturnInterview.objects.values_list("outcome", flat=True))
    assert all(outcomes[outcome] > 0 for outcome in Outcome.values), outcomes
    assert ReturnInterview.objects.filter(completed_at__isnull=False).exists()
    assert ReturnInterview.objects.overdue(NOW).exists()
    assert ReturnInterview.objects.annotate(n=Count("episodes")).filter(n__gt=1).exists()
    kinds = Counter(InterviewFactor.objects.values_list("kind", flat=True))
    assert all(kinds[kind] > 0 for kind in FactorKind.values), kinds


def test_one_audit_event_keeps_the_chain_valid(generated):
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.CREATE
    assert event.summary == f"Synthetic data generated: 300 children, {MissingEpisode.objects.count()} episodes"
    assert first_broken_event() is None
