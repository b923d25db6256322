"""Coded lists for meetings: their kinds (with the agencies each invites by default), attendance and the status
of an agreed action."""

from django.db import models

from access.models import AgencyKind
from risk.codes import AlertDecision, AlertKind


class MeetingKind(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    MISSING_REVIEW = "missing_review", "Missing review meeting"
    MACE_PANEL = "mace_panel", "Multi-agency child exploitation (MACE) panel"
    RHI_FOLLOW_UP = "rhi_follow_up", "Return interview follow-up"


# Who each kind of meeting invites by default, by kind of agency: a strategy discussion is police and social care
# (with health); a missing review adds the school and the return interview provider; the MACE panel brings the
# partnership together; a return-interview follow-up is the provider, social care and the school.
DEFAULT_AGENCY_KINDS: dict[str, tuple[str, ...]] = {
    MeetingKind.STRATEGY_DISCUSSION: (AgencyKind.COUNCIL, AgencyKind.POLICE, AgencyKind.HEALTH),
    MeetingKind.MISSING_REVIEW: (AgencyKind.COUNCIL, AgencyKind.POLICE, AgencyKind.SCHOOL, AgencyKind.RHI_PROVIDER),
    MeetingKind.MACE_PANEL: (AgencyKind.COUNCIL, AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.SCHOOL),
    MeetingKind.RHI_FOLLOW_UP: (AgencyKind.COUNCIL, AgencyKind.RHI_PROVIDER, AgencyKind.SCHOOL),
}

# Only a MACE panel discusses several children (and the persons and places that link them).
SEVERAL_CHILDREN_KINDS = frozenset({MeetingKind.MACE_PANEL})

# The meeting an alert calls for: repeat missing is reviewed; exploitation goes to the MACE panel; the rest call
# for a strategy discussion between police and social care.
MEETING_FOR_ALERT: dict[str, str] = {
    AlertKind.REPEAT_MISSING: MeetingKind.MISSING_REVIEW,
    AlertKind.HIGH_RISK: MeetingKind.STRATEGY_DISCUSSION,
    AlertKind.MISSING_DURATION: MeetingKind.STRATEGY_DISCUSSION,
    AlertKind.YOUNG_CHILD: MeetingKind.STRATEGY_DISCUSSION,
    AlertKind.EXPLOITATION_DISCLOSED: MeetingKind.MACE_PANEL,
    AlertKind.CROSS_BORDER_LINK: MeetingKind.MACE_PANEL,
}

# The decision recorded on the alert a meeting is called from.
ALERT_DECISION_FOR_KIND: dict[str, str] = {
    MeetingKind.STRATEGY_DISCUSSION: AlertDecision.STRATEGY_DISCUSSION_PLANNED,
    MeetingKind.MISSING_REVIEW: AlertDecision.MEETING_CALLED,
    MeetingKind.MACE_PANEL: AlertDecision.MEETING_CALLED,
    MeetingKind.RHI_FOLLOW_UP: AlertDecision.MEETING_CALLED,
}


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)
