"""factory_boy factories for Homeward's records. Every value is synthetic."""

import datetime as dt

import factory
from django.utils import timezone

from access.models import Agency, AgencyKind, RoleAssignment, User
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from children.models import Child
from episodes.codes import EpisodeType, MissingFrom, RiskGrade
from episodes.models import MissingEpisode, RiskGradeChange
from interviews.models import ReturnInterview

TEST_PASSWORD = "correct-horse-battery-staple-42"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    kind = AgencyKind.COUNCIL
    name = factory.Sequence(lambda n: f"Test Agency {n}")
    code = factory.Sequence(lambda n: f"{900 - n:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleAssignment.objects.create(user=self, role=role)
        self.save()
        self.__dict__.pop("roles", None)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    la_child_id = factory.Sequence(lambda n: f"C{n:06d}")
    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = "Testchild"
    date_of_birth = dt.date(2011, 5, 17)
    sex = Sex.FEMALE
    ethnicity = Ethnicity.WBRI
    legal_status = LegalStatus.LOOKED_AFTER
    living_arrangement = LivingArrangement.FOSTER_CARE
    placement_council = factory.SelfAttribute("responsible_council")


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissingEpisode
        skip_postgeneration_save = True

    episode_type = EpisodeType.MISSING
    missing_from = MissingFrom.PLACEMENT
    last_seen_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=10))
    last_seen_place = "Outside the corner shop, High Street"
    reported_at = factory.LazyAttribute(lambda e: e.last_seen_at + dt.timedelta(hours=1))
    reported_by = "Foster carer"
    police_reference = factory.Sequence(lambda n: f"WP-2026-{n:06d}")
    risk_grade = RiskGrade.MEDIUM

    @factory.post_generation
    def grade_history(self, create, extracted, **kwargs):
        if create:
            RiskGradeChange.objects.create(
                episode=self, grade=self.risk_grade, changed_at=self.reported_at, changed_by=self.created_by
            )


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnInterview
        skip_postgeneration_save = True

    due_by = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=60))

    @factory.post_generation
    def covering(self, create, extracted, **kwargs):
        if create and extracted:
            self.episodes.set(extracted)
