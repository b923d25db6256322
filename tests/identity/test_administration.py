"""An administrator's pages and commands: add, change, deactivate and reactivate accounts, reset two-factor
sign-in, add many from a CSV file (all or nothing), add agencies, map single sign-on groups. Each is audited with
the existing audit actions, scoped to the administrator's agencies (another council's account is a 404, anyone
but an administrator gets 403), and a stale edit is refused (optimistic locking)."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from access.models import Agency, AgencyKind, ApiToken, AuditEvent, Role, User
from access.tokens import issue_token
from accounts.models import AuthenticatorDevice, EnrolmentCode
from identity.models import GroupMapping
from tests.factories import UserFactory
from tests.two_factor import current_code, totp_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.users.admin)
    return client


def _new_user(world, **changes) -> dict:
    return {
        "username": "robin.new",
        "first_name": "Robin",
        "last_name": "Newstart",
        "email": "robin@example.test",
        "job_title": "Social worker",
        "agency": str(world.north.pk),
        "roles": ["social_worker", "analyst"],
    } | changes


def _audit(action: str, user: User) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action, object_type="user", object_id=str(user.pk)).last()
    assert event is not None, f"no {action} event for {user}"
    return event


# --- who may --------------------------------------------------------------------------------------------------


def test_only_administrators_reach_the_pages(world):
    client = Client()
    client.force_login(world.users.coordinator)
    assert client.get(reverse("identity:users")).status_code == 403
    assert client.get(reverse("identity:user", args=[world.users.social_worker.pk])).status_code == 403


def test_another_councils_administrator_cannot_tell_an_account_exists(world):
    south_admin = UserFactory(username="admin.south", agency=world.south, roles=[Role.ADMINISTRATOR])
    client = Client()
    client.force_login(south_admin)
    for name in ("identity:user", "identity:user-status", "identity:user-two-factor"):
        assert client.get(reverse(name, args=[world.users.social_worker.pk])).status_code == 404, name
    page = client.get(reverse("identity:users")).content.decode()
    assert "sw.north" not in page and "dsl.south" in page  # Southvale's school is in Southvale's area


def test_a_council_administrator_looks_after_the_agencies_in_its_area(world, admin_client):
    page = admin_client.get(reverse("identity:users")).content.decode()
    for username in ("coord.north", "dsl.north", "rhi.north", "health.north"):
        assert username in page
    for username in ("coord.south", "police.north", "dsl.south"):
        assert username not in page


def test_the_menu_offers_administration_to_administrators_only(world, admin_client):
    assert reverse("identity:users") in admin_client.get(reverse("core:my-work")).content.decode()
    client = Client()
    client.force_login(world.users.coordinator)
    assert reverse("identity:users") not in client.get(reverse("core:my-work")).content.decode()


# --- adding an account ----------------------------------------------------------------------------------------


def test_adding_a_user_shows_their_sign_in_details_once_and_they_work(world, admin_client):
    response = admin_client.post(reverse("identity:user-add"), _new_user(world))
    assert response.status_code == 302 and response["Location"] == reverse("identity:users")
    user = User.objects.get(username="robin.new")
    assert user.agency == world.north and user.roles == {Role.SOCIAL_WORKER, Role.ANALYST}
    page = admin_client.get(reverse("identity:users")).content.decode()
    password = page.split("<code>")[1].split("</code>")[0]
    code = page.split("<code>")[2].split("</code>")[0]
    assert "User added" in page and user.check_password(password)
    assert "User added" not in admin_client.get(reverse("identity:users")).content.decode()  # shown once
    created = _audit(AuditEvent.Action.CREATE, user)
    assert created.actor == world.users.admin
    assert password not in str(created.changes) + created.summary and code not in created.summary
    # The person signs in with the password, then sets up an authenticator with the enrolment code.
    person = Client()
    assert person.post(reverse("login"), {"username": "robin.new", "password": password}).status_code == 302
    response = person.post(reverse("accounts:enrol"), {"code": code})
    assert response.status_code == 302 and EnrolmentCode.objects.get(user=user).digest == ""


def test_a_role_the_agency_cannot_hold_is_refused_on_the_roles_field(world, admin_client):
    data = _new_user(world, agency=str(world.school.pk), roles=["coordinator"])
    response = admin_client.post(reverse("identity:user-add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["roles"] == ["Missing children's coordinator is not a role at a school."]
    assert not User.objects.filter(username="robin.new").exists()


def test_an_agency_the_administrator_does_not_look_after_is_refused(world, admin_client):
    response = admin_client.post(reverse("identity:user-add"), _new_user(world, agency=str(world.south.pk)))
    assert response.context["form"].errors["agency"] == ["Choose one of the agencies you administer"]


def test_a_taken_username_is_refused(world, admin_client):
    response = admin_client.post(reverse("identity:user-add"), _new_user(world, username="COORD.north"))
    assert response.context["form"].errors["username"] == ["The username COORD.north is already taken."]


# --- changing, deactivating -----------------------------------------------------------------------------------


def test_changing_roles_is_audited_and_a_stale_page_is_refused(world, admin_client):
    worker = world.users.social_worker
    url = reverse("identity:user", args=[worker.pk])
    data = _new_user(world, roles=["social_worker", "team_manager"], version="1")
    del data["username"]
    response = admin_client.post(url, data)
    assert response.status_code == 302
    worker = User.objects.get(pk=worker.pk)
    assert worker.roles == {Role.SOCIAL_WORKER, Role.TEAM_MANAGER} and worker.version == 2
    event = _audit(AuditEvent.Action.UPDATE, worker)
    assert event.changes["roles"] == [["social_worker"], ["social_worker", "team_manager"]]
    # A second administrator who opened the page before that change is refused, and nothing is overwritten.
    stale = admin_client.post(url, {**data, "roles": ["analyst"], "version": "1"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.content.decode()
    assert User.objects.get(pk=worker.pk).roles == {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}


def test_an_administrator_keeps_their_own_administrator_role(world, admin_client):
    admin = world.users.admin
    data = _new_user(world, roles=["analyst"], version=str(admin.version))
    del data["username"]
    response = admin_client.post(reverse("identity:user", args=[admin.pk]), data)
    assert "You cannot take the administrator role from yourself." in response.context["form"].errors["roles"]


def test_deactivating_ends_sessions_and_api_tokens_and_reactivating_restores(world, admin_client):
    worker = world.users.social_worker
    session = Client()
    session.force_login(worker)
    token = issue_token(worker)
    url = reverse("identity:user-status", args=[worker.pk])
    response = admin_client.post(url, {"version": "1", "reason": "Left the council"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert not worker.is_active and worker.version == 2
    assert session.get(reverse("core:my-work"))["Location"].startswith(reverse("login"))
    assert ApiToken.objects.get(user=worker).revoked_at is not None
    assert Client().get("/api/v1/children", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    event = _audit(AuditEvent.Action.UPDATE, worker)
    assert event.summary == "Account sw.north deactivated: Left the council"
    assert event.changes["is_active"] == [True, False]
    assert admin_client.post(url, {"version": "2", "reason": ""}).status_code == 302
    assert User.objects.get(pk=worker.pk).is_active


def test_an_administrator_cannot_deactivate_themselves(world, admin_client):
    admin = world.users.admin
    response = admin_client.post(reverse("identity:user-status", args=[admin.pk]), {"version": "1"})
    assert response.context["form"].errors["reason"] == ["You cannot deactivate your own account."]
    assert User.objects.get(pk=admin.pk).is_active


# --- two-factor reset -----------------------------------------------------------------------------------------


def test_resetting_two_factor_removes_the_app_and_shows_a_new_code(world, admin_client):
    worker = world.users.social_worker
    totp_device(worker)
    url = reverse("identity:user-two-factor", args=[worker.pk])
    assert "Reset two-factor sign-in" in admin_client.get(url).content.decode()
    response = admin_client.post(url)
    assert response.status_code == 200
    assert not AuthenticatorDevice.objects.filter(user=worker).exists()
    assert EnrolmentCode.objects.get(user=worker).digest
    assert "Their enrolment code is" in response.content.decode()
    assert _audit(AuditEvent.Action.TWO_FACTOR_RESET, worker).actor == world.users.admin


def test_an_administrator_does_not_reset_their_own_two_factor(world, admin_client):
    url = reverse("identity:user-two-factor", args=[world.users.admin.pk])
    assert admin_client.post(url).status_code == 403


# --- many at once ---------------------------------------------------------------------------------------------

HEADER = "username,first_name,last_name,email,job_title,agency_kind,agency_code,roles\n"


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv")


def test_adding_users_from_a_csv_file(world, admin_client):
    text = (
        HEADER
        + "pat.one,Pat,One,pat@example.test,Coordinator,council,901,coordinator\n"
        + "sam.two,Sam,Two,,,school,100001,school_dsl\n"
        + "kit.three,Kit,Three,,,council,901,social_worker;analyst\n"
    )
    response = admin_client.post(reverse("identity:bulk-add"), {"file": _upload(text)})
    assert response.status_code == 302
    assert User.objects.get(username="kit.three").roles == {Role.SOCIAL_WORKER, Role.ANALYST}
    assert User.objects.get(username="sam.two").agency == world.school
    page = admin_client.get(reverse("identity:users")).content.decode()
    assert "3 users added" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="user").count() == 3


def test_a_csv_file_with_any_bad_row_adds_nobody_and_names_each_row_and_column(world, admin_client):
    text = (
        HEADER
        + "pat.one,Pat,One,,,council,901,coordinator\n"
        + "bad name,Sam,Two,,,council,901,coordinator\n"
        + "kit.three,Kit,Three,not-an-email,,council,902,social_worker\n"
        + "pat.one,Pat,Again,,,council,901,police\n"
    )
    before = AuditEvent.objects.count()
    response = admin_client.post(reverse("identity:bulk-add"), {"file": _upload(text)})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors == [
        "Row 3, username: Enter a username of letters, numbers and . @ + - _ only, such as sam.jones",
        "Row 4, agency_code: No agency you administer is a council with the code 902",
        "Row 5, username: The username pat.one is already taken.",
        "Row 5, roles: Police missing persons staff is not a role at a council.",
    ]
    assert not User.objects.filter(username="pat.one").exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "username,first_name\nx,y\n",
            "Row 1 (the header) lacks the columns last_name, agency_kind, agency_code, roles",
        ),
        (HEADER, "The file has a header but no rows of people"),
        (HEADER.replace("roles", "roles,shoe_size") + "a,b,c,,,council,901,analyst,9\n", "shoe_size"),
    ],
)
def test_a_csv_file_not_in_the_template_is_refused(world, admin_client, text, error):
    response = admin_client.post(reverse("identity:bulk-add"), {"file": _upload(text)})
    assert error in response.context["form"].errors["file"][0]


def test_a_file_that_is_not_utf8_text_is_refused(world, admin_client):
    upload = SimpleUploadedFile("staff.csv", b"\xff\xfe\x00garbage", content_type="text/csv")
    response = admin_client.post(reverse("identity:bulk-add"), {"file": upload})
    assert response.context["form"].errors["file"] == ["The file must be a CSV file saved as UTF-8"]


# --- agencies and group mappings ------------------------------------------------------------------------------


def test_a_council_administrator_adds_a_school_in_its_area(world, admin_client):
    response = admin_client.post(
        reverse("identity:agency-add"), {"kind": "school", "name": "Northmoor Primary", "code": "100123"}
    )
    assert response.status_code == 302
    school = Agency.objects.get(code="100123")
    assert school.kind == AgencyKind.SCHOOL and school.local_authority == world.north
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="agency").exists()
    bad = admin_client.post(reverse("identity:agency-add"), {"kind": "school", "name": "X", "code": "12"})
    assert bad.context["form"].errors["code"] == ["Enter a six-digit school URN, such as 100001."]
    taken = admin_client.post(reverse("identity:agency-add"), {"kind": "school", "name": "Y", "code": "100123"})
    assert taken.context["form"].errors["code"] == ["A school with the code 100123 already exists."]


def test_a_police_administrator_adds_no_agencies(world):
    police_admin = UserFactory(username="admin.police", agency=world.police_north, roles=[Role.ADMINISTRATOR])
    client = Client()
    client.force_login(police_admin)
    assert client.get(reverse("identity:agency-add")).status_code == 403


def test_group_mappings_are_added_checked_and_removed(world, admin_client):
    url = reverse("identity:group-mappings")
    response = admin_client.post(url, {"group": "/nm/dsl", "agency": str(world.school.pk), "role": "coordinator"})
    assert response.context["form"].errors["role"] == ["Missing children's coordinator is not a role at a school."]
    assert (
        admin_client.post(url, {"group": "/nm/dsl", "agency": str(world.school.pk), "role": "school_dsl"}).status_code
        == 302
    )
    mapping = GroupMapping.objects.get(group="/nm/dsl")
    assert "/nm/dsl" in admin_client.get(url).content.decode()
    remove = reverse("identity:group-mapping-remove", args=[mapping.pk])
    assert admin_client.post(remove).status_code == 302
    assert not GroupMapping.objects.exists()
    events = AuditEvent.objects.filter(object_type="groupmapping").values_list("action", flat=True)
    assert list(events) == [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]


# --- the same by command --------------------------------------------------------------------------------------


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_commands_add_change_and_deactivate_a_user(world):
    out = _run(
        "add_user",
        "lee.cmd",
        "--first-name",
        "Lee",
        "--last-name",
        "Command",
        "--agency",
        "council:901",
        "--role",
        "coordinator",
    )
    assert "First password:" in out and "Enrolment code:" in out
    user = User.objects.get(username="lee.cmd")
    _run("change_user", "lee.cmd", "--role", "analyst", "--role", "team_manager")
    assert User.objects.get(pk=user.pk).roles == {Role.ANALYST, Role.TEAM_MANAGER}
    _run("change_user", "lee.cmd", "--deactivate", "--reason", "Left")
    assert not User.objects.get(pk=user.pk).is_active
    events = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk))
    assert {event.channel for event in events} == {"command"} and all(event.actor is None for event in events)
    with pytest.raises(CommandError, match="roles: Police missing persons staff is not a role at a council"):
        _run("change_user", "lee.cmd", "--role", "police")
    with pytest.raises(CommandError, match="No council has the code 999"):
        _run("add_user", "x.y", "--first-name", "X", "--last-name", "Y", "--agency", "council:999", "--role", "analyst")


def test_commands_add_an_agency_and_map_a_group(world):
    assert "Added Northmoor Clinic" in _run(
        "add_agency", "--kind", "health", "--name", "Northmoor Clinic", "--code", "NMC", "--local-authority", "901"
    )
    _run("map_provider_group", "/nm/health", "--agency", "health:NMC", "--role", "health")
    assert GroupMapping.objects.get(group="/nm/health").agency.code == "NMC"
    _run("map_provider_group", "/nm/health", "--agency", "health:NMC", "--role", "health", "--remove")
    assert not GroupMapping.objects.exists()
    with pytest.raises(CommandError, match="code: Enter a three-digit local authority code"):
        _run("add_agency", "--kind", "council", "--name", "Bad", "--code", "12")


def test_bulk_add_by_command_writes_the_sign_in_details_without_live_formulas(world, tmp_path: Path):
    source = tmp_path / "staff.csv"
    source.write_text(HEADER + '=cmd.user,"=HYPERLINK(""http://evil.example"")",@Two,,,council,901,analyst\n')
    with pytest.raises(CommandError, match="Row 2, username"):
        _run("bulk_add_users", str(source))
    source.write_text(HEADER + 'cmd.user,"=HYPERLINK(""http://evil.example"")",@Two,,,council,901,analyst\n')
    out = tmp_path / "details.csv"
    _run("bulk_add_users", str(source), "--out", str(out))
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["username", "first_name", "last_name", "agency", "initial_password", "enrolment_code"]
    assert rows[1][:3] == ["cmd.user", '\'=HYPERLINK("http://evil.example")', "'@Two"]
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]
    assert User.objects.get(username="cmd.user").check_password(rows[1][4])
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_reset_two_factor_command_uses_the_same_action(world):
    coordinator = world.users.coordinator
    device = totp_device(coordinator)
    assert current_code(device)
    out = _run("reset_two_factor", coordinator.username)
    assert "Enrolment code for coord.north" in out
    assert _audit(AuditEvent.Action.TWO_FACTOR_RESET, coordinator).channel == "command"


# --- the demo -------------------------------------------------------------------------------------------------


def test_the_demo_shows_single_sign_on_groups_and_an_account_made_by_sign_on(db):
    call_command("generate_synthetic", "--children", "40", "--seed", "2026", stdout=io.StringIO())
    out = _run("create_demo_users")
    assert "3 identity provider group mappings added" in out
    assert "0 identity provider group mappings added" in _run("create_demo_users")  # idempotent
    admin = User.objects.get(username="demo.administrator")
    client = Client()
    client.force_login(admin)
    groups = client.get(reverse("identity:group-mappings")).content.decode()
    assert f"/homeward/{admin.agency.code}/coordinators" in groups and "0b6d1c9e-" in groups
    people = client.get(reverse("identity:users")).content.decode()
    assert "demo.sso.social_worker" in people and "Organisation's account" in people
    sso = User.objects.get(username="demo.sso.social_worker")
    assert sso.roles == {Role.SOCIAL_WORKER} and not sso.has_usable_password()
    assert "Agencies" in client.get(reverse("identity:agencies")).content.decode()
