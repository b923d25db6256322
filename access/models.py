"""Agencies, the people who use Homeward, their roles, API tokens and the append-only audit trail."""

import hashlib
import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property


class AgencyKind(models.TextChoices):
    COUNCIL = "council", "Council children's services"
    POLICE = "police", "Police force"
    SCHOOL = "school", "School"
    HEALTH = "health", "Health"
    RHI_PROVIDER = "rhi_provider", "Return interview provider"
    OTHER = "other", "Other"


# Official code formats: a council's three-digit DfE LA code, a two-digit Home Office force code,
# a six-digit Ofsted/DfE school URN. Other agencies have no official code and use their own.
AGENCY_CODE_PATTERNS: dict[str, tuple[str, str]] = {
    AgencyKind.COUNCIL: (r"\d{3}", "a three-digit local authority code, such as 211"),
    AgencyKind.POLICE: (r"\d{2}", "a two-digit police force code, such as 44"),
    AgencyKind.SCHOOL: (r"\d{6}", "a six-digit school URN, such as 100001"),
}


class Region(models.TextChoices):
    """The regions police forces and councils work across (England's nine, and Wales): the regional cross-border
    picture (network.partnership) reads them."""

    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"
    WALES = "wales", "Wales"


class Agency(models.Model):
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=20, help_text="LA code, police force code, school URN or own code")
    police_force = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_areas",
        limit_choices_to={"kind": AgencyKind.POLICE},
        help_text="For a council: the police force whose area covers it.",
    )
    local_authority = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_agencies",
        limit_choices_to={"kind": AgencyKind.COUNCIL},
        help_text="For a school, health body or provider: the council area it sits in.",
    )
    region = models.CharField(
        max_length=20,
        blank=True,
        choices=Region.choices,
        help_text="For a police force or council: its region (a council without one is in its force's region).",
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="agency_code_unique_per_kind")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        pattern = AGENCY_CODE_PATTERNS.get(self.kind)
        if pattern and not re.fullmatch(pattern[0], self.code or ""):
            raise ValidationError({"code": f"Enter {pattern[1]}."})
        if self.police_force_id and self.kind != AgencyKind.COUNCIL:
            raise ValidationError({"police_force": "Only a council is linked to a police force area."})


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Missing children's coordinator"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Social work manager"
    RHI_PRACTITIONER = "rhi_practitioner", "Return interview practitioner"
    POLICE = "police", "Police missing persons staff"
    SCHOOL_DSL = "school_dsl", "School designated safeguarding lead"
    HEALTH = "health", "Health practitioner"
    ANALYST = "analyst", "Analyst"
    ADMINISTRATOR = "administrator", "System administrator"
    AUDITOR = "auditor", "Auditor"
    MASH = "mash", "Multi Agency Safeguarding Hub (MASH) worker"
    CONTENT_EDITOR = "content_editor", "Public pages content editor"
    # Issue 14: the cross-border picture and the partnership register, never a child's record (docs/security.md).
    EXPLOITATION = "exploitation", "Exploitation team or MACE panel member"


# Which kind of agency each role belongs to: a role held at the wrong kind of agency is refused.
ROLE_AGENCY_KINDS: dict[str, set[str]] = {
    Role.COORDINATOR: {AgencyKind.COUNCIL},
    Role.SOCIAL_WORKER: {AgencyKind.COUNCIL},
    Role.TEAM_MANAGER: {AgencyKind.COUNCIL},
    Role.RHI_PRACTITIONER: {AgencyKind.COUNCIL, AgencyKind.RHI_PROVIDER},
    Role.POLICE: {AgencyKind.POLICE},
    Role.SCHOOL_DSL: {AgencyKind.SCHOOL},
    Role.HEALTH: {AgencyKind.HEALTH},
    Role.ANALYST: {AgencyKind.COUNCIL, AgencyKind.POLICE},
    Role.ADMINISTRATOR: set(AgencyKind.values),
    Role.AUDITOR: {AgencyKind.COUNCIL, AgencyKind.POLICE},
    Role.MASH: {AgencyKind.COUNCIL, AgencyKind.POLICE},
    Role.CONTENT_EDITOR: {AgencyKind.COUNCIL},
    Role.EXPLOITATION: {AgencyKind.COUNCIL, AgencyKind.POLICE},
}


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp's Device base is untyped: the plugin cannot see AuthenticatorDevice.user
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    job_title = models.CharField(max_length=200, blank=True)
    # Optimistic locking of an administrator's changes (identity.actions): each change bumps it.
    version = models.PositiveIntegerField(default=1)
    # Set in memory only, at a single sign-on, to what the provider asserted of its multi-factor sign-in
    # (identity.backends; read by identity.views).
    provider_mfa_evidence: str

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @cached_property
    def scoping_answers(self) -> dict[tuple, bool]:
        """What the scoping rules answered about this user and one record (access.scoping.remembered), kept like
        `roles` for the life of this object: one request, which loads its user afresh."""
        return {}


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"

    def clean(self) -> None:
        allowed = ROLE_AGENCY_KINDS[self.role]
        agency = self.user.agency
        if agency is None or agency.kind not in allowed:
            raise ValidationError({"role": f"{self.get_role_display()} must belong to a {', '.join(sorted(allowed))}."})


class ApiScope(models.TextChoices):
    """What a token may do: read or write one area of the API. Scope narrows a token; it never widens what its
    user (or system client's service account) may see, which the user's roles and agency decide."""

    CHILDREN_READ = "children:read", "Read children"
    CHILDREN_WRITE = "children:write", "Add and change children"
    EPISODES_READ = "episodes:read", "Read missing episodes and risk changes"
    EPISODES_WRITE = "episodes:write", "Report, regrade and close missing episodes"
    INTERVIEWS_READ = "interviews:read", "Read return interviews"
    INTERVIEWS_WRITE = "interviews:write", "Record return interviews"
    RISK_READ = "risk:read", "Read alerts, screenings and referrals"
    RISK_WRITE = "risk:write", "Record alert decisions and hand alerts on"
    NETWORK_READ = "network:read", "Read persons of concern, places and their links"
    SHARING_READ = "sharing:read", "Read shares"
    SHARING_WRITE = "sharing:write", "Share and withdraw shares"
    PHILOMENA_READ = "philomena:read", "Read Philomena profiles"
    MEETINGS_READ = "meetings:read", "Read meetings and actions"
    MEETINGS_WRITE = "meetings:write", "Record meetings and actions"
    TASKS_READ = "tasks:read", "Read your own task inbox (My work)"
    NOTIFICATIONS_READ = "notifications:read", "Read your own notifications"
    NOTIFICATIONS_WRITE = "notifications:write", "Mark your own notifications read"
    POLICE_NOTIFICATIONS_WRITE = "police-notifications:write", "Push a police force's notifications (its own force's)"


class ApiClient(models.Model):
    """Another system (a council's case management system, a police force's system, a data warehouse) that calls
    the API and receives webhooks. It acts through its own service account, whose agency and roles scope it exactly
    as they scope a person; the service account cannot sign in to the web pages (it has no usable password)."""

    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_clients")
    service_user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_client")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token is shown once.

    A token belongs to a person (`client` empty) or to a system client (`user` is the client's service account);
    it carries scopes, the agency it was issued for (it stops working if its user moves agency) and an expiry."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.PROTECT, related_name="tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for")
    scopes = models.JSONField(default=list, blank=True, help_text="ApiScope values")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… for {self.client or self.user}"

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class AuditEvent(models.Model):
    """One thing someone did or saw. Append-only: each row's hash covers the row and its predecessor."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        API_READ = "api_read", "Read through the API"
        SEARCH = "search", "Searched"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        TOKEN = "token", "API token issued"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        API_CALL = "api_call", "API token used"
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Two-factor sign-in set up"
        TWO_FACTOR_VERIFIED = "two_factor_verified", "Two-factor code accepted"
        TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code refused"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor sign-in reset"
        ENROLMENT_CODE_ISSUED = "enrolment_code", "Two-factor enrolment code issued"
        ENROLMENT_CODE_USED = "enrolment_code_used", "Two-factor enrolment code accepted"
        AUDIT_VIEWED = "audit_viewed", "Audit trail viewed"
        AUDIT_EXPORTED = "audit_exported", "Audit trail exported"
        SUBJECT_ACCESS = "subject_access", "Subject access export"
        RETENTION = "retention", "Retention rules applied"
        BREAK_GLASS = "break_glass", "Emergency access"
        MERGE = "merge", "Duplicate records merged"

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="Field: [before, after]")
    channel = models.CharField(max_length=10, blank=True, help_text="web, api or command")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    # The chain (access/audit.py, ADR): filled once, by the sealer, just after the event's transaction commits.
    # Empty (NULL) until then; the database lets that one change through and refuses every other.
    sequence = models.BigIntegerField(null=True, blank=True, unique=True, help_text="Position in the chain")
    previous_hash = models.CharField(max_length=64, null=True, blank=True)  # NULL: not yet sealed
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only and cannot be deleted.")
