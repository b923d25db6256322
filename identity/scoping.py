"""Who administers whom. An administrator (Role.ADMINISTRATOR) looks after the accounts of their own agency and,
at a council, of the agencies in the council's area (its schools, health bodies and return interview providers):
those are the people a council's Homeward administrator onboards. Anyone else's account, agency or group mapping
answers 404 (an administrator of another council cannot learn that it exists); everyone but an administrator is
refused the pages outright (403). Management commands, run by the service's operators, reach everything."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from access.models import Agency, AgencyKind, ApiClient, ApiToken, Role, User
from access.scoping import get_or_404
from identity.models import GroupMapping

NOT_ADMINISTRATOR = "Only a Homeward administrator can manage accounts."


def is_administrator(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.agency_id is not None and user.has_role(Role.ADMINISTRATOR)


def require_administrator(user: User) -> None:
    if not is_administrator(user):
        raise PermissionDenied(NOT_ADMINISTRATOR)


def agencies_for(user: User) -> QuerySet[Agency]:
    """The agencies whose accounts `user` administers (none unless an administrator)."""
    if not is_administrator(user):
        return Agency.objects.none()
    assert user.agency is not None  # is_administrator: a user at an agency
    area = Q(pk=user.agency_id)
    if user.agency.kind == AgencyKind.COUNCIL:
        area |= Q(local_authority_id=user.agency_id)
    return Agency.objects.filter(area)


def can_add_agencies(user: User) -> bool:
    """A council's administrator adds the agencies in the council's area (schools, health, providers)."""
    return is_administrator(user) and user.agency is not None and user.agency.kind == AgencyKind.COUNCIL


def users_for(user: User) -> QuerySet[User]:
    return User.objects.filter(agency__in=agencies_for(user))


def get_user_for_admin(user: User, user_id: object) -> User:
    require_administrator(user)
    return get_or_404(users_for(user).select_related("agency"), user_id)


def mappings_for(user: User) -> QuerySet[GroupMapping]:
    return GroupMapping.objects.filter(agency__in=agencies_for(user)).select_related("agency")


def get_mapping_for_admin(user: User, mapping_id: object) -> GroupMapping:
    require_administrator(user)
    return get_or_404(mappings_for(user), mapping_id)


def tokens_for(user: User) -> QuerySet[ApiToken]:
    """The API tokens an administrator looks after: those of accounts at agencies they administer."""
    return ApiToken.objects.filter(user__agency__in=agencies_for(user)).select_related("user", "client", "agency")


def get_token_for_admin(user: User, token_id: object) -> ApiToken:
    require_administrator(user)
    return get_or_404(tokens_for(user), token_id)


def clients_for(user: User) -> QuerySet[ApiClient]:
    return ApiClient.objects.filter(agency__in=agencies_for(user)).select_related("agency", "service_user")


def get_client_for_admin(user: User, client_id: object) -> ApiClient:
    require_administrator(user)
    return get_or_404(clients_for(user), client_id)
