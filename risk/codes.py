"""Coded lists for alerts, exploitation screening and referrals."""

from django.db import models

from interviews.codes import EXPLOITATION_FACTORS as INTERVIEW_EXPLOITATION_FACTORS
from interviews.codes import Disclosure, FactorKind, PullFactor, PushFactor


class AlertKind(models.TextChoices):
    REPEAT_MISSING = "repeat_missing", "Repeat missing"
    HIGH_RISK = "high_risk", "High risk grade"
    MISSING_DURATION = "missing_duration", "Missing past an escalation time"
    YOUNG_CHILD = "young_child", "Young child missing"
    EXPLOITATION_DISCLOSED = "exploitation_disclosed", "Exploitation disclosed in a return interview"
    # Raised from the network app's alert source (children.hooks.register_alert_source).
    CROSS_BORDER_LINK = "cross_border_link", "Linked to children of another council"
    # Push or pull factors in a return interview that point to exploitation (EXPLOITATION_FACTORS): a prompt.
    SCREENING_SUGGESTED = "screening_suggested", "Exploitation screening suggested by interview factors"


class AlertDecision(models.TextChoices):
    STRATEGY_DISCUSSION_HELD = "strategy_discussion_held", "Strategy discussion held"
    STRATEGY_DISCUSSION_PLANNED = "strategy_discussion_planned", "Strategy discussion planned"
    REFERRED_MASH = "referred_mash", "Referred to the MASH"
    REFERRED_EXPLOITATION_TEAM = "referred_exploitation_team", "Referred to the exploitation team"
    SCREENING_COMPLETED = "screening_completed", "Exploitation screening completed"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    OTHER = "other", "Something else"
    # Recorded only by calling a meeting from the alert (meetings app), which links the decision to the meeting.
    MEETING_CALLED = "meeting_called", "Meeting called"


# Decisions a person records on the alert page; the rest are recorded by the action that makes them true.
DECISIONS_ON_THE_ALERT_PAGE = [
    (code, label) for code, label in AlertDecision.choices if code != AlertDecision.MEETING_CALLED
]

# A decision that something was *not* done, or that fits no code, must say why.
DECISIONS_NEEDING_REASON = frozenset({AlertDecision.NO_FURTHER_ACTION, AlertDecision.OTHER})

# Disclosures in a return interview that raise an exploitation alert and prompt a screening. Sexual
# abuse and online grooming are included because, for a child who goes missing, they are among the
# commonest first signs of sexual exploitation; physical and domestic abuse, self-harm, substance misuse
# and radicalisation have their own pathways (child protection, health, Prevent) and do not.
EXPLOITATION_DISCLOSURES = frozenset(
    {
        Disclosure.CSE,
        Disclosure.CCE,
        Disclosure.COUNTY_LINES,
        Disclosure.TRAFFICKING,
        Disclosure.SEXUAL_ABUSE,
        Disclosure.ONLINE_HARM,
    }
)


# Push and pull factors recorded in a return interview that point to exploitation: each raises a screening prompt
# for the coordinator (an alert "screening suggested", AlertKind.SCREENING_SUGGESTED) that names the factors; it
# is a prompt to screen, not a finding. The set and why each factor is in it are in interviews/codes.py, so that
# the network ranking (which may not import risk) counts the same factors in a child's weight.
EXPLOITATION_FACTORS: frozenset[tuple[str, str]] = INTERVIEW_EXPLOITATION_FACTORS


def factor_label(kind: str, code: str) -> str:
    """'Adults offering gifts, money or somewhere to stay' for (pull, adults_gifts)."""
    choices = PullFactor if kind == FactorKind.PULL else PushFactor
    return str(choices(code).label) if code in choices.values else code


class ScreeningKind(models.TextChoices):
    CSE = "cse", "Child sexual exploitation (CSE)"
    CCE = "cce", "Child criminal exploitation (CCE)"
    BOTH = "both", "Both CSE and CCE"


class ScreeningLevel(models.TextChoices):
    NO_RISK = "no_risk", "No risk identified"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# Levels a child under HOMEWARD_YOUNG_CHILD_AGE, or with a learning disability, showing any recent
# indicator may not be given.
LEVELS_REFUSED_WITH_OVERRIDE = frozenset({ScreeningLevel.NO_RISK, ScreeningLevel.LOW})


class Indicator(models.TextChoices):
    """The exploitation screening checklist (after the CSE/CCE screening tools councils use)."""

    MISSING_REGULARLY = "missing_regularly", "Going missing regularly or for long periods"
    OLDER_ASSOCIATES = "older_associates", "Associating with older people or adults not known to the family"
    RELATIONSHIP_CONTROLLING = "relationship_controlling", "A relationship with a controlling or much older person"
    UNEXPLAINED_GIFTS_MONEY = "unexplained_gifts_money", "Unexplained gifts, money, clothes or phone credit"
    MULTIPLE_PHONES = "multiple_phones", "More than one phone, or a phone that is hidden or controlled by others"
    ONLINE_CONTACT_UNKNOWN_ADULTS = "online_contact_with_unknown_adults", "Online contact with adults not known"
    SHARING_IMAGES = "sharing_images", "Sharing or being asked for sexual images"
    PICKED_UP_IN_CARS = "picked_up_in_cars", "Picked up or dropped off in cars by unknown adults"
    GOING_TO_UNKNOWN_ADDRESSES = "going_to_unknown_addresses", "Going to addresses not known to carers"
    TRAVELLING_OUT_OF_AREA = "travelling_out_of_area", "Found or travelling out of area with no explanation"
    HOTELS_SHORT_LETS = "hotels_short_lets", "Staying in hotels, short lets or taxis paid for by others"
    FOUND_IN_TRAP_HOUSE = "found_in_trap_house", "Found in a trap house or a property used for drug dealing"
    DRUGS_ALCOHOL = "drugs_alcohol", "Misusing drugs or alcohol"
    CARRYING_DRUGS_CASH = "carrying_drugs_cash", "Found carrying drugs or large amounts of cash"
    ARRESTS_FOR_DRUGS = "arrests_for_drugs", "Arrested for drug offences"
    CARRYING_WEAPON = "carrying_weapon", "Carrying a weapon"
    DEBT_BONDAGE = "debt_bondage", "Owing money or a debt to others"
    GANG_ASSOCIATION = "gang_association", "Associating with a gang or group involved in crime"
    UNEXPLAINED_INJURIES = "unexplained_injuries", "Unexplained injuries"
    SEXUAL_HEALTH_CONCERNS = "sexual_health_concerns", "Sexual health concerns, pregnancy or a termination"
    SELF_HARM = "self_harm", "Self-harm or thoughts of suicide"
    CHANGE_IN_BEHAVIOUR = "change_in_behaviour", "A sudden change in behaviour, mood or appearance"
    ISOLATED_FROM_FAMILY = "isolated_from_family", "Cut off from family, friends or usual support"
    SCHOOL_EXCLUSION = "school_exclusion", "Excluded from school, or often absent from education"


class IndicatorTiming(models.TextChoices):
    RECENT = "recent", "Recent"
    HISTORICAL = "historical", "Historical"


class ExploitationFlag(models.TextChoices):
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation"
    COUNTY_LINES = "county_lines", "County lines"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
    ONLINE = "online", "Online exploitation"


class ReferralTo(models.TextChoices):
    MASH = "mash", "The MASH (multi-agency safeguarding hub)"
    EXPLOITATION_TEAM = "exploitation_team", "The exploitation team"


class ReferralStatus(models.TextChoices):
    MADE = "made", "Made"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed"


# Where a referral can go next. Declined and closed are final: a new concern is a new referral.
REFERRAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.MADE: (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CLOSED),
    ReferralStatus.ACCEPTED: (ReferralStatus.CLOSED,),
    ReferralStatus.DECLINED: (),
    ReferralStatus.CLOSED: (),
}
OPEN_REFERRAL_STATUSES = (ReferralStatus.MADE, ReferralStatus.ACCEPTED)
