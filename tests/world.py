"""The shared test world's records: two councils, their police forces, a school, an RHI provider, and a person in
every role. The `world` fixture (tests/conftest.py) builds them for one test; the permission matrix builds them once
per module (tests/test_permission_matrix.py)."""

import datetime as dt
from types import SimpleNamespace

from access.models import AgencyKind, Role
from tests.factories import AgencyFactory, ChildFactory, UserFactory


def build_world() -> SimpleNamespace:
    """The world's records (the `world` fixture, and module-scoped fixtures that build on it once per module)."""
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
