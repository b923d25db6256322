"""Demo users: one per role, at the first synthetic council and its force, school, provider and health body.

Idempotent: a second run finds the users it made and changes nothing that matters (passwords,
agencies and existing allocations are kept); it only fills in what is missing.
"""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Count, Max, Q

from access.audit import record_event
from access.models import Agency, AgencyKind, AuditEvent, Role, RoleAssignment, User
from accounts.models import AuthenticatorDevice
from accounts.two_factor import secret_text
from children.models import Child
from identity.actions import add_group_mapping
from identity.models import GroupMapping, ProviderAccount
from identity.provider import ProviderIdentity, sign_on
from interviews.actions import assign_interview
from interviews.codes import Outcome
from interviews.models import ReturnInterview
from synthetic.demo_placements import add_demo_placements
from synthetic.duplicates import add_demo_duplicates, add_demo_place_duplicates
from synthetic.inbox_showcase import InboxShowcaseResult, add_inbox_showcase
from synthetic.meetings import add_demo_meetings
from synthetic.names import COUNCILS
from synthetic.police_notifications import add_demo_notifications
from synthetic.public_pages import PublicDemoResult, add_public_demo
from synthetic.returns_demo import add_returns_demo
from synthetic.showcase import ShowcaseResult, add_showcase
from synthetic.webhooks import add_demo_webhooks

DEMO_PASSWORD = "homeward-demo-2026"  # noqa: S105 (a published demo password, never used in production)
DEMO_INTERVIEWS_AWAITING_OFFER = 8
DEMO_INTERVIEWS_ACCEPTED = 3
DEMO_ALLOCATED_CHILDREN = 12


class DemoSetupError(Exception):
    """The synthetic reference data the demo users belong to is missing."""


@dataclass(frozen=True)
class DemoUser:
    role: str
    username: str
    agency: str
    created: bool
    totp_secret: str = ""  # the demo authenticator's key, base32 in fours ("" if the user set up their own)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


@dataclass(frozen=True)
class DemoAgencies:
    council: Agency
    police: Agency
    school: Agency
    provider: Agency
    health: Agency


def demo_agencies() -> DemoAgencies:
    council = Agency.objects.filter(kind=AgencyKind.COUNCIL, code=COUNCILS[0].code).first()
    if council is None or council.police_force is None:
        raise DemoSetupError(
            f"The synthetic council {COUNCILS[0].name} ({COUNCILS[0].code}) is not in the database: "
            "run `manage.py generate_synthetic --children 400` first."
        )
    local = council.local_agencies.order_by("pk")
    # The school with most pupils who have gone missing, so the demo safeguarding lead sees cases.
    school = (
        local.filter(kind=AgencyKind.SCHOOL)
        .annotate(missing_pupils=Count("pupils", filter=Q(pupils__episodes__isnull=False), distinct=True))
        .order_by("-missing_pupils", "pk")
        .first()
    )
    provider = local.filter(kind=AgencyKind.RHI_PROVIDER).first()
    health = local.filter(kind=AgencyKind.HEALTH).first()
    if school is None or provider is None or health is None:
        raise DemoSetupError(f"{council.name} has no school, return interview provider or health body.")
    return DemoAgencies(council=council, police=council.police_force, school=school, provider=provider, health=health)


def _demo_specs(agencies: DemoAgencies) -> list[tuple[str, Agency, str]]:
    return [
        (Role.COORDINATOR, agencies.council, "Missing children's coordinator"),
        (Role.SOCIAL_WORKER, agencies.council, "Social worker"),
        (Role.TEAM_MANAGER, agencies.council, "Team manager, children in care"),
        (Role.RHI_PRACTITIONER, agencies.provider, "Return interview worker"),
        (Role.POLICE, agencies.police, "Missing persons coordinator"),
        (Role.SCHOOL_DSL, agencies.school, "Designated safeguarding lead"),
        (Role.HEALTH, agencies.health, "Named nurse for children in care"),
        (Role.ANALYST, agencies.council, "Performance analyst"),
        (Role.ADMINISTRATOR, agencies.council, "System administrator"),
        (Role.AUDITOR, agencies.council, "Information governance auditor"),
        (Role.MASH, agencies.council, "MASH social worker"),
        (Role.CONTENT_EDITOR, agencies.council, "Web content editor, children's services"),
        (Role.EXPLOITATION, agencies.council, "Exploitation team lead and MACE panel member"),
    ]


def demo_username(role: str) -> str:
    return f"demo.{role}"


def demo_totp_key(username: str) -> str:
    """The demo user's authenticator key (hex): derived from the username, so it is published, like the password.

    `manage.py demo_totp <username>` prints the current code from it; it refuses any other key.
    """
    return hashlib.sha1(f"homeward-demo-totp:{username}".encode()).hexdigest()  # noqa: S324 (a key, not a hash)


def _ensure_demo_device(user: User) -> str:
    """Give a demo user a confirmed authenticator with the known key, unless they already set one up.

    Returns the key as a person types it into an authenticator app (base32 in fours), or "" when the user
    has an authenticator of their own (then demo_totp cannot help).
    """
    key = demo_totp_key(user.username)
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = AuthenticatorDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)
    return secret_text(device) if device.key == key else ""


def _ensure_user(role: str, agency: Agency, title: str) -> tuple[User, bool]:
    username = demo_username(role)
    found = User.objects.filter(username=username).first()
    created = found is None
    if found is None:
        user = User(
            username=username,
            first_name="Demo",
            last_name=Role(role).label,
            email=f"{username}@example.test",
            agency=agency,
            job_title=title,
        )
        validate_password(DEMO_PASSWORD, user)
        user.set_password(DEMO_PASSWORD)
        user.save()
    else:
        user = found
    RoleAssignment.objects.get_or_create(user=user, role=role)
    return user, created


def _assign_interviews(practitioner: User, council: Agency, acting_user: User) -> int:
    """Give the demo practitioner some of the council's open interviews, if they have none yet."""
    if ReturnInterview.objects.open().filter(assigned_to=practitioner).exists():
        return 0
    ours = ReturnInterview.objects.filter(child__responsible_council=council, provider=practitioner.agency)
    awaiting = list(ours.awaiting_offer().order_by("-due_by", "pk")[:DEMO_INTERVIEWS_AWAITING_OFFER])
    accepted = list(
        ours.filter(outcome=Outcome.ACCEPTED, completed_at__isnull=True).order_by("-due_by", "pk")[
            :DEMO_INTERVIEWS_ACCEPTED
        ]
    )
    for interview in awaiting + accepted:
        assign_interview(
            interview, practitioner=practitioner, expected_version=interview.version, acting_user=acting_user
        )
    return len(awaiting) + len(accepted)


def _allocate_children(social_worker: User, council: Agency, acting_user: User) -> int:
    """Make the demo social worker the allocated worker of the council's most recently missing children.

    There is no allocation action yet, so this writes the field and its audit event together here.
    """
    if Child.objects.filter(social_worker=social_worker).exists():
        return 0
    children = list(
        Child.objects.filter(responsible_council=council, episodes__isnull=False)
        .annotate(latest=Max("episodes__last_seen_at"))
        .order_by("-latest", "pk")[:DEMO_ALLOCATED_CHILDREN]
    )
    for child in children:
        before = child.social_worker_id
        Child.objects.filter(pk=child.pk).update(social_worker=social_worker)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=child,
            child_id=child.pk,
            summary="Social worker allocated (demo set-up)",
            changes={"social_worker_id": [before, social_worker.pk]},
        )
    return len(children)


# Single sign-on groups (identity app) as a council would map them: Keycloak-style group paths, and one
# Microsoft Entra ID-style object ID (synthetic: Entra sends groups by ID). Each gives a role at the demo council.
DEMO_GROUPS = (
    ("/homeward/{code}/coordinators", Role.COORDINATOR),
    ("/homeward/{code}/social-workers", Role.SOCIAL_WORKER),
    ("0b6d1c9e-5a57-4c1e-9f3a-{code}000000000", Role.ANALYST),
)
DEMO_PROVIDER_ISSUER = "https://login.example.test/homeward-demo"  # synthetic: no provider answers here


def _ensure_single_sign_on(council: Agency, administrator: User) -> int:
    """The demo council's single sign-on groups (made by its administrator, audited) and one demo person who
    signed on through the provider (made by the real sign-on action, so the administration pages show both kinds
    of account). Returns how many group mappings were added."""
    added = 0
    for group, role in DEMO_GROUPS:
        group = group.format(code=council.code)
        if not GroupMapping.objects.filter(group=group, agency=council, role=role).exists():
            add_group_mapping(acting_user=administrator, group=group, agency=council, role=role)
            added += 1
    if not ProviderAccount.objects.filter(issuer=DEMO_PROVIDER_ISSUER).exists():
        sign_on(
            ProviderIdentity(
                issuer=DEMO_PROVIDER_ISSUER,
                subject="demo-single-sign-on-0001",
                username="demo.sso.social_worker",
                first_name="Demo",
                last_name="Single sign-on",
                email="demo.sso.social_worker@example.test",
                groups=(DEMO_GROUPS[1][0].format(code=council.code),),
                mfa_evidence="amr: mfa",
            )
        )
    return added


@dataclass(frozen=True)
class DemoResult:
    users: list[DemoUser]
    interviews_assigned: int
    children_allocated: int
    showcase: ShowcaseResult
    public: PublicDemoResult
    inbox: InboxShowcaseResult
    group_mappings: int = 0
    meetings: int = 0
    webhook_deliveries: int = 0
    return_imports: int = 0
    duplicates: int = 0
    police_notifications: int = 0
    placements: int = 0


def create_demo_users() -> DemoResult:
    agencies = demo_agencies()
    with transaction.atomic():
        users: dict[str, User] = {}
        rows = []
        for role, agency, title in _demo_specs(agencies):
            user, created = _ensure_user(role, agency, title)
            users[role] = user
            secret = _ensure_demo_device(user)
            rows.append(
                DemoUser(
                    role=role, username=user.username, agency=str(user.agency), created=created, totp_secret=secret
                )
            )
        coordinator = users[Role.COORDINATOR]
        assigned = _assign_interviews(users[Role.RHI_PRACTITIONER], agencies.council, coordinator)
        allocated = _allocate_children(users[Role.SOCIAL_WORKER], agencies.council, coordinator)
        showcase = add_showcase(
            coordinator=coordinator, school=agencies.school, health=agencies.health, police=agencies.police
        )
        public = add_public_demo(editor=users[Role.CONTENT_EDITOR], mash=users[Role.MASH], council=agencies.council)
        mappings = _ensure_single_sign_on(agencies.council, users[Role.ADMINISTRATOR])
        meetings = add_demo_meetings(
            users=users, school=agencies.school, health=agencies.health, provider=agencies.provider
        )
        webhook_deliveries = add_demo_webhooks(admin=users[Role.ADMINISTRATOR], council=agencies.council)
        return_imports = add_returns_demo(coordinator)
        duplicates = add_demo_duplicates(coordinator)
        add_demo_place_duplicates(coordinator)
        notifications = add_demo_notifications(police=users[Role.POLICE], council=agencies.council)
        placements = add_demo_placements(coordinator)
        inbox = add_inbox_showcase(users=users, council=agencies.council)
    return DemoResult(
        users=rows,
        interviews_assigned=assigned,
        children_allocated=allocated,
        showcase=showcase,
        public=public,
        inbox=inbox,
        group_mappings=mappings,
        meetings=meetings,
        webhook_deliveries=webhook_deliveries,
        return_imports=return_imports,
        duplicates=duplicates,
        police_notifications=notifications,
        placements=placements,
    )
