"""The shared test world: two councils, their police forces, a school, an RHI provider, and a person
in every role, so each test can ask "can this insider see it, and is this outsider refused?"."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from access.models import AgencyKind, Role
from tests.factories import AgencyFactory, ChildFactory, EpisodeFactory, UserFactory
from tests.two_factor import mark_verified


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers are slow on purpose; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def force_login_passes_two_factor(monkeypatch):
    """`client.force_login(user)` also marks the session as past the two-factor code step.

    Every page needs a verified TOTP code after the password (accounts app). Page tests are about the
    page, not the sign-in, so a forced login counts as fully signed in; tests of the code step sign in
    through the real sign-in form instead, which leaves the session unverified (see tests/two_factor.py).
    """
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def world(db):
    police_north = AgencyFactory(kind=AgencyKind.POLICE, name="Northmoor Police", code="41")
    police_south = AgencyFactory(kind=AgencyKind.POLICE, name="Southvale Police", code="42")
    north = AgencyFactory(kind=AgencyKind.COUNCIL, name="Northmoor Council", code="901", police_force=police_north)
    south = AgencyFactory(kind=AgencyKind.COUNCIL, name="Southvale Council", code="902", police_force=police_south)
    school = AgencyFactory(kind=AgencyKind.SCHOOL, name="Northmoor Academy", code="100001", local_authority=north)
    other_school = AgencyFactory(kind=AgencyKind.SCHOOL, name="Southvale High", code="100002", local_authority=south)
    provider = AgencyFactory(
        kind=AgencyKind.RHI_PROVIDER, name="Safe Return Partnership", code="SRP", local_authority=north
    )
    health = AgencyFactory(kind=AgencyKind.HEALTH, name="Northmoor Health Trust", code="NHT", local_authority=north)

    users = SimpleNamespace(
        coordinator=UserFactory(username="coord.north", agency=north, roles=[Role.COORDINATOR]),
        social_worker=UserFactory(username="sw.north", agency=north, roles=[Role.SOCIAL_WORKER]),
        manager=UserFactory(username="manager.north", agency=north, roles=[Role.TEAM_MANAGER]),
        coordinator_south=UserFactory(username="coord.south", agency=south, roles=[Role.COORDINATOR]),
        police=UserFactory(username="police.north", agency=police_north, roles=[Role.POLICE]),
        police_south=UserFactory(username="police.south", agency=police_south, roles=[Role.POLICE]),
        school_dsl=UserFactory(username="dsl.north", agency=school, roles=[Role.SCHOOL_DSL]),
        other_school_dsl=UserFactory(username="dsl.south", agency=other_school, roles=[Role.SCHOOL_DSL]),
        practitioner=UserFactory(username="rhi.north", agency=provider, roles=[Role.RHI_PRACTITIONER]),
        other_practitioner=UserFactory(username="rhi.other", agency=provider, roles=[Role.RHI_PRACTITIONER]),
        health=UserFactory(username="health.north", agency=health, roles=[Role.HEALTH]),
        analyst=UserFactory(username="analyst.north", agency=north, roles=[Role.ANALYST]),
        admin=UserFactory(username="admin.north", agency=north, roles=[Role.ADMINISTRATOR]),
    )
    # A Northmoor child living at home in Northmoor, at Northmoor Academy.
    child = ChildFactory(
        first_name="Jordan",
        last_name="Example",
        responsible_council=north,
        placement_council=north,
        school=school,
        la_child_id="N000123",
        upn="A123456789012",
        date_of_birth=dt.date(2011, 3, 4),
    )
    # A Southvale child placed out of area in Northmoor.
    placed_child = ChildFactory(
        first_name="Riley",
        last_name="Sample",
        responsible_council=south,
        placement_council=north,
        la_child_id="S000456",
        date_of_birth=dt.date(2010, 9, 1),
    )
    # A Southvale child living in Southvale: no Northmoor user should ever see them.
    south_child = ChildFactory(
        first_name="Casey",
        last_name="Outside",
        responsible_council=south,
        placement_council=south,
        school=other_school,
        la_child_id="S000789",
        date_of_birth=dt.date(2012, 1, 20),
    )
    return SimpleNamespace(
        north=north,
        south=south,
        police_north=police_north,
        police_south=police_south,
        school=school,
        other_school=other_school,
        provider=provider,
        health=health,
        users=users,
        child=child,
        placed_child=placed_child,
        south_child=south_child,
    )


@pytest.fixture
def open_episode(world):
    return EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        police_reference="WP-2026-004512",
    )


@pytest.fixture
def now():
    return timezone.now()
