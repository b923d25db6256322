"""Who may produce the statutory returns: the council's missing children's coordinator and its analysts, for
their own council only. The returns hold every child's identifiers and missing periods, so nobody else."""

from access.models import Agency, AgencyKind, Role, User

RETURN_ROLES = (Role.COORDINATOR, Role.ANALYST)


def return_council_for(user: User) -> Agency | None:
    """The council whose returns the user produces, or None when they produce none."""
    if not user.is_authenticated or not user.is_active or user.agency is None:
        return None
    if user.agency.kind != AgencyKind.COUNCIL or not user.has_role(*RETURN_ROLES):
        return None
    return user.agency


def can_produce_returns(user: User) -> bool:
    return return_council_for(user) is not None


def import_council_for(user: User) -> Agency | None:
    """The council whose SSDA903 files the user may import: its coordinator only (an import adds children and
    their history, which an analyst, who reads figures, may not)."""
    council = return_council_for(user)
    if council is None or not user.has_role(Role.COORDINATOR):
        return None
    return council
