"""generate_synthetic and create_demo_users: arguments, refusals, idempotence, output."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from access.audit import first_broken_event
from access.models import AgencyKind, Role, RoleAssignment, User
from children.models import Child
from interviews.models import ReturnInterview
from synthetic.demo import DEMO_PASSWORD, demo_username
from tests.factories import AgencyFactory, ChildFactory
from tests.synthetic.conftest import NOW

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- generate_synthetic ----------------------------------------------------------------------------


def test_generate_writes_and_summarises():
    output = run("generate_synthetic", "--children", "25", "--seed", "4", "--now", NOW.isoformat())
    assert Child.objects.count() == 25
    assert "children" in output and "missing episodes" in output and "rows per second" in output
    assert first_broken_event() is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--children", "0"], "--children must be 1 or more"),
        (["--children", "-5"], "--children must be 1 or more"),
        (["--children", "5", "--now", "yesterday"], "is not an ISO 8601 date"),
    ],
)
def test_generate_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        run("generate_synthetic", *args)
    assert not Child.objects.exists()


def test_generate_if_empty_does_nothing_when_children_exist():
    council = AgencyFactory(kind=AgencyKind.COUNCIL, code="777")
    ChildFactory(responsible_council=council)
    output = run("generate_synthetic", "--children", "10", "--if-empty")
    assert "no synthetic data generated" in output
    assert Child.objects.count() == 1


def test_generate_if_empty_generates_into_an_empty_database():
    run("generate_synthetic", "--children", "10", "--if-empty", "--now", NOW.isoformat())
    assert Child.objects.count() == 10


@pytest.mark.parametrize("command", [["generate_synthetic", "--children", "5"], ["create_demo_users"]])
def test_every_command_refuses_to_run_in_production(settings, command):
    settings.HOMEWARD_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        run(*command)
    assert not Child.objects.exists()
    assert not User.objects.exists()


# --- create_demo_users -----------------------------------------------------------------------------


def test_demo_users_need_the_synthetic_council_first():
    with pytest.raises(CommandError, match="generate_synthetic"):
        run("create_demo_users")


def test_demo_users_one_per_role_idempotent():
    run("generate_synthetic", "--children", "150", "--seed", "2026")
    first = run("create_demo_users")
    for role in Role:
        assert demo_username(role) in first
        assert role.label in first
    assert DEMO_PASSWORD in first
    users = {role: User.objects.get(username=demo_username(role)) for role in Role}
    for role, user in users.items():
        assert user.check_password(DEMO_PASSWORD)
        assignment = RoleAssignment.objects.get(user=user)
        assert assignment.role == role
        assignment.full_clean()  # the role belongs at that kind of agency
    council = users[Role.COORDINATOR].agency
    assert council.code == "901"
    assert users[Role.POLICE].agency == council.police_force
    assert users[Role.RHI_PRACTITIONER].agency.local_authority == council
    assert users[Role.SCHOOL_DSL].agency.pupils.filter(episodes__isnull=False).exists()

    practitioner = users[Role.RHI_PRACTITIONER]
    assigned = set(ReturnInterview.objects.open().filter(assigned_to=practitioner).values_list("pk", flat=True))
    assert assigned, "the demo practitioner's My work is not empty"
    assert ReturnInterview.objects.filter(pk__in=assigned).awaiting_offer().exists()
    allocated = set(Child.objects.filter(social_worker=users[Role.SOCIAL_WORKER]).values_list("pk", flat=True))
    assert allocated and Child.objects.filter(pk__in=allocated, responsible_council=council).count() == len(allocated)

    # A second run keeps the users, their passwords and the work they were given.
    users[Role.POLICE].set_password("changed-by-the-user-2026")
    users[Role.POLICE].save()
    user_count = User.objects.count()
    second = run("create_demo_users")
    assert "already there" in second and "new" not in second.split("Status")[1]
    assert User.objects.count() == user_count
    assert User.objects.get(username=demo_username(Role.POLICE)).check_password("changed-by-the-user-2026")
    assert set(ReturnInterview.objects.open().filter(assigned_to=practitioner).values_list("pk", flat=True)) == assigned
    assert set(Child.objects.filter(social_worker=users[Role.SOCIAL_WORKER]).values_list("pk", flat=True)) == allocated
    assert first_broken_event() is None
