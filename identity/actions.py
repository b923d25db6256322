"""An administrator's changes to accounts, agencies and group mappings: each one transaction with its audit event,
the acting user a keyword-only argument (None for a management command run by the service's operators). Pages,
commands and the CSV import all call these, so each rule is written once.

Bad input raises ValidationError naming the field; a stale `expected_version` raises ConflictError.
"""

import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import diff, record_event
from access.models import ROLE_AGENCY_KINDS, Agency, AgencyKind, ApiToken, AuditEvent, Role, RoleAssignment, User
from accounts.two_factor import issue_enrolment_code
from core.concurrency import lock_at_version
from identity.models import GroupMapping

USERNAME_PATTERN = r"[A-Za-z0-9.@+_-]{1,150}"
PROFILE_FIELDS = ("first_name", "last_name", "email", "job_title")
PROVIDER_ROLES_MESSAGE = (
    "{name} signs in through the identity provider: their roles and agency come from the provider's groups. "
    "Change their groups there, or the group mappings here."
)


AGENCY_KIND_NOUNS: dict[str, str] = {
    AgencyKind.COUNCIL: "a council",
    AgencyKind.POLICE: "a police force",
    AgencyKind.SCHOOL: "a school",
    AgencyKind.HEALTH: "a health body",
    AgencyKind.RHI_PROVIDER: "a return interview provider",
    AgencyKind.OTHER: "an agency of another kind",
}


@dataclass(frozen=True)
class NewAccount:
    """What a new local account needs to sign in, shown once to the administrator to pass on in person."""

    user: User
    password: str
    enrolment_code: str


def role_errors(roles: Iterable[str], agency: Agency | None) -> list[str]:
    """Why these roles cannot be held at this agency (empty when they can)."""
    roles = list(roles)
    if not roles:
        return ["Choose at least one role."]
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        return [f"{', '.join(unknown)} is not a Homeward role."]
    if agency is None:
        return []
    return [
        f"{Role(role).label} is not a role at {AGENCY_KIND_NOUNS[agency.kind]}."
        for role in roles
        if agency.kind not in ROLE_AGENCY_KINDS[role]
    ]


def _check_profile(*, username: str | None, email: str, first_name: str, last_name: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if username is not None:
        if not re.fullmatch(USERNAME_PATTERN, username):
            errors["username"] = ["Enter a username of letters, numbers and . @ + - _ only, such as sam.jones"]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [f"The username {username} is already taken."]
    if not first_name.strip():
        errors["first_name"] = ["Enter the first name"]
    if not last_name.strip():
        errors["last_name"] = ["Enter the last name"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Enter an email address in the correct format, like name@example.gov.uk"]
    return errors


def _set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    user.role_assignments.exclude(role__in=wanted).delete()
    for role in sorted(wanted - set(user.role_assignments.values_list("role", flat=True))):
        RoleAssignment.objects.create(user=user, role=role)
    user.__dict__.pop("roles", None)
    user.__dict__.pop("scoping_answers", None)


def initial_password() -> str:
    """A random first password (16 letters and digits, in fours) that passes the password validators."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def create_user(
    *,
    acting_user: User | None,
    username: str,
    first_name: str,
    last_name: str,
    agency: Agency | None,
    roles: Iterable[str],
    email: str = "",
    job_title: str = "",
) -> NewAccount:
    """Add a local account (password and authenticator app): a random first password and an enrolment code, both
    returned once for the administrator to give the person. Audited (CREATE), never the password or the code."""
    roles = sorted(set(roles))
    errors = _check_profile(username=username, email=email, first_name=first_name, last_name=last_name)
    if agency is None:
        errors["agency"] = ["Choose the person's agency"]
    if problems := role_errors(roles, agency):
        errors["roles"] = problems
    if errors:
        raise ValidationError(errors)
    password = initial_password()
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            job_title=job_title.strip(),
            agency=agency,
        )
        validate_password(password, user)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError({"username": [f"The username {username} is already taken."]}) from None
        _set_roles(user, roles)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=user,
            summary=f"Account {username} added at {agency} ({', '.join(roles)})",
            changes={"agency": [None, str(agency)], "roles": [None, roles], "is_active": [None, True]},
        )
        code, _expires = issue_enrolment_code(user, actor=acting_user)
    return NewAccount(user=user, password=password, enrolment_code=code)


def signs_in_through_provider(user: User) -> bool:
    return hasattr(user, "provider_account")


def update_user(
    user: User,
    *,
    acting_user: User | None,
    expected_version: int,
    first_name: str,
    last_name: str,
    agency: Agency | None,
    roles: Iterable[str],
    email: str = "",
    job_title: str = "",
) -> User:
    """Change a person's details, agency and roles. Refused for a stale version (someone else changed the account
    since the page was opened); an account that signs in through the identity provider keeps the agency and roles
    its groups give it. An administrator cannot take the administrator role from themselves."""
    roles = sorted(set(roles))
    errors = _check_profile(username=None, email=email, first_name=first_name, last_name=last_name)
    if agency is None:
        errors["agency"] = ["Choose the person's agency"]
    if problems := role_errors(roles, agency):
        errors["roles"] = problems
    with transaction.atomic():
        locked = lock_at_version(User, user.pk, expected_version)
        before = {name: getattr(locked, name) for name in PROFILE_FIELDS} | {
            "agency": str(locked.agency) if locked.agency_id else None,
            "roles": sorted(locked.roles),
        }
        after = {
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "email": email.strip(),
            "job_title": job_title.strip(),
            "agency": str(agency) if agency else None,
            "roles": roles,
        }
        if signs_in_through_provider(locked) and (
            after["roles"] != before["roles"] or (agency and agency.pk != locked.agency_id)
        ):
            errors.setdefault("roles", []).append(PROVIDER_ROLES_MESSAGE.format(name=locked))
        if acting_user is not None and locked.pk == acting_user.pk and Role.ADMINISTRATOR not in roles:
            errors.setdefault("roles", []).append("You cannot take the administrator role from yourself.")
        if errors:
            raise ValidationError(errors)
        changes = diff(before, after)
        if not changes:
            return locked
        for name in PROFILE_FIELDS:
            setattr(locked, name, after[name])
        locked.agency = agency
        locked.version += 1
        locked.save()
        _set_roles(locked, roles)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            summary=f"Account {locked.username} changed: {', '.join(sorted(changes))}",
            changes=changes,
        )
    return locked


def set_active(user: User, *, acting_user: User | None, expected_version: int, active: bool, reason: str = "") -> User:
    """Deactivate an account (it can no longer sign in; its sessions end at their next request and its API tokens
    are revoked) or reactivate it. Audited (UPDATE) with the reason given. Nobody deactivates themselves."""
    if acting_user is not None and user.pk == acting_user.pk and not active:
        raise ValidationError({"reason": ["You cannot deactivate your own account."]})
    with transaction.atomic():
        locked = lock_at_version(User, user.pk, expected_version)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.version += 1
        locked.save(update_fields=["is_active", "version"])
        revoked = 0
        if not active:
            revoked = ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(revoked_at=timezone.now())
        what = "reactivated" if active else "deactivated"
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            summary=f"Account {locked.username} {what}" + (f": {reason}" if reason else ""),
            changes={"is_active": [not active, active]} | ({"revoked_tokens": [None, revoked]} if revoked else {}),
        )
    return locked


def add_agency(
    *,
    acting_user: User | None,
    kind: str,
    name: str,
    code: str,
    police_force: Agency | None = None,
    local_authority: Agency | None = None,
) -> Agency:
    """Add an agency (its code checked against the official format for its kind, and unique for the kind)."""
    agency = Agency(
        kind=kind,
        name=name.strip(),
        code=code.strip(),
        police_force=police_force,
        local_authority=local_authority,
    )
    errors: dict[str, list[str]] = {}
    if not agency.name:
        errors["name"] = ["Enter the agency's name"]
    if kind not in AgencyKind.values:
        errors["kind"] = ["Choose what kind of agency it is"]
    if not agency.code:
        errors["code"] = ["Enter the agency's code"]
    if police_force is not None and police_force.kind != AgencyKind.POLICE:
        errors["police_force"] = ["Choose a police force"]
    if local_authority is not None and local_authority.kind != AgencyKind.COUNCIL:
        errors["local_authority"] = ["Choose a council"]
    if not errors:
        try:
            agency.clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not errors and Agency.objects.filter(kind=kind, code=agency.code).exists():
        errors["code"] = [f"{AGENCY_KIND_NOUNS[kind].capitalize()} with the code {agency.code} already exists."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agency.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=agency,
            summary=f"Agency added: {agency.name} ({agency.get_kind_display()} {agency.code})",
        )
    return agency


def add_group_mapping(*, acting_user: User | None, group: str, agency: Agency | None, role: str) -> GroupMapping:
    """Members of the provider's `group` hold `role` at `agency` from their next sign-on or provider check."""
    group = group.strip()
    errors: dict[str, list[str]] = {}
    if not group:
        errors["group"] = ["Enter the group as the identity provider sends it (an object ID in Entra ID)"]
    elif len(group) > 200:
        errors["group"] = ["The group must be 200 characters or fewer"]
    if agency is None:
        errors["agency"] = ["Choose the agency the group's members belong to"]
    elif problems := role_errors([role], agency):
        errors["role"] = problems
    if not errors and GroupMapping.objects.filter(group=group, agency=agency, role=role).exists():
        errors["group"] = [f"{group} already gives {Role(role).label} at {agency}."]
    if errors:
        raise ValidationError(errors)
    assert agency is not None  # refused above
    with transaction.atomic():
        mapping = GroupMapping.objects.create(group=group, agency=agency, role=role)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=mapping,
            summary=f"Identity provider group {group} gives {Role(role).label} at {agency}"[:300],
        )
    return mapping


def remove_group_mapping(mapping: GroupMapping, *, acting_user: User | None) -> None:
    """Stop a group giving a role; its members lose it at their next sign-on or provider check."""
    with transaction.atomic():
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=mapping,
            summary=f"Identity provider group {mapping.group} no longer gives {mapping.get_role_display()} at "
            f"{mapping.agency}"[:300],
            changes={"removed": [False, True]},
        )
        mapping.delete()
