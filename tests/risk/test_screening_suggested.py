"""Push and pull factors that point to exploitation raise a screening prompt for the coordinator (issue 14): an
alert "screening suggested" naming the factors, and a prompt on the interview page. A prompt, never a finding."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from episodes.models import MissingEpisode
from interviews.codes import EXPLOITATION_FACTORS, Disclosure, FactorKind, PullFactor, PushFactor
from interviews.models import InterviewFactor
from network.patterns import explain_child_weights
from risk.actions import record_screening
from risk.codes import AlertKind, ScreeningKind, ScreeningLevel
from risk.models import Alert
from risk.triggers import evaluate_child
from tests.factories import EpisodeFactory
from tests.risk.conftest import interview_with


def interview_with_factors(world, factors, *, disclosures=(), days_ago=2):
    interview = interview_with(
        world, disclosures=list(disclosures), completed_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    InterviewFactor.objects.bulk_create(
        InterviewFactor(interview=interview, kind=kind, code=code) for kind, code in factors
    )
    return interview


GIFTS = (FactorKind.PULL, PullFactor.ADULTS_GIFTS)
DRUGS = (FactorKind.PULL, PullFactor.DRUGS_ALCOHOL)
FRIENDS = (FactorKind.PULL, PullFactor.FRIENDS)
CONFLICT = (FactorKind.PUSH, PushFactor.CONFLICT)


def test_the_set_holds_only_push_and_pull_codes_that_exist():
    for kind, code in EXPLOITATION_FACTORS:
        assert kind in (FactorKind.PUSH, FactorKind.PULL)
        assert code in (PullFactor if kind == FactorKind.PULL else PushFactor).values
    assert FRIENDS not in EXPLOITATION_FACTORS and CONFLICT not in EXPLOITATION_FACTORS


def test_factors_pointing_to_exploitation_raise_one_prompt_for_the_coordinator_naming_them(client, world):
    interview_with_factors(world, [GIFTS, DRUGS, FRIENDS])
    evaluate_child(world.child)
    evaluate_child(world.child)
    alert = Alert.objects.get(kind=AlertKind.SCREENING_SUGGESTED)
    assert alert.for_role == "coordinator"
    assert "Adults offering gifts, money or somewhere to stay" in alert.detail
    assert "Drugs or alcohol" in alert.detail and "friends" not in alert.detail
    client.force_login(world.users.coordinator)
    html = client.get(reverse("core:my-work")).content.decode()
    assert "Exploitation screening suggested by interview factors" in html


def test_no_prompt_for_other_factors_after_a_screening_or_beside_a_disclosure(world):
    interview_with_factors(world, [FRIENDS, CONFLICT])
    evaluate_child(world.child)
    assert not Alert.objects.filter(kind=AlertKind.SCREENING_SUGGESTED).exists()
    interview_with_factors(world, [GIFTS], disclosures=[Disclosure.COUNTY_LINES], days_ago=1)
    evaluate_child(world.child)
    assert set(Alert.objects.values_list("kind", flat=True)) == {AlertKind.EXPLOITATION_DISCLOSED}
    record_screening(
        world.child,
        screened_at=timezone.now() - dt.timedelta(hours=2),
        kind=ScreeningKind.CCE,
        level=ScreeningLevel.MEDIUM,
        review_date=timezone.localdate() + dt.timedelta(days=28),
        acting_user=world.users.social_worker,
    )
    interview_with_factors(world, [GIFTS], days_ago=3)  # before the screening: already screened
    evaluate_child(world.child)
    assert not Alert.objects.filter(kind=AlertKind.SCREENING_SUGGESTED).exists()


def test_the_interview_page_prompts_a_screening_and_says_which_factors(client, world):
    interview = interview_with_factors(world, [DRUGS])
    client.force_login(world.users.coordinator)
    html = client.get(reverse("interviews:detail", args=[interview.pk])).content.decode()
    assert "Complete an exploitation screening" in html
    assert "Drugs or alcohol" in html and "not a finding" in html
    client.force_login(world.users.practitioner)
    html = client.get(reverse("interviews:detail", args=[interview.pk])).content.decode()
    assert "Complete an exploitation screening" not in html


def test_the_network_weight_counts_the_factors_and_explains_them(world):
    EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=timezone.now() - dt.timedelta(days=3),
        returned_at=timezone.now() - dt.timedelta(days=2, hours=20),
    )
    before = explain_child_weights(MissingEpisode.objects.all())[world.child.pk]
    interview_with_factors(world, [GIFTS, DRUGS, FRIENDS], days_ago=0)
    after = explain_child_weights(MissingEpisode.objects.all())[world.child.pk]
    assert before.factors == 0
    assert after.factors == pytest.approx(2, abs=0.01)
    assert after.weight == pytest.approx(before.weight + 2, abs=0.02)
    assert (
        "for interview factors (adults offering gifts, money or somewhere to stay, drugs or alcohol)" in after.explained
    )
