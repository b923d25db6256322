"""The queries behind the risk pages and the child record's risk section.

Each starts from a scoped queryset (risk.scoping), so a user only ever sees what their roles allow.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from access.models import User
from children.models import Child
from interviews.codes import Disclosure, FactorKind
from interviews.models import ReturnInterview
from interviews.scoping import interviews_for
from risk.codes import EXPLOITATION_DISCLOSURES, EXPLOITATION_FACTORS, factor_label
from risk.models import Alert, Referral, Screening
from risk.scoping import alerts_for, can_refer, can_screen, referrals_for, screenings_for


def open_alerts(user: User) -> QuerySet[Alert]:
    """Alerts the user may see that nobody has acknowledged yet, the longest waiting first."""
    return alerts_for(user).unacknowledged().select_related("child", "episode", "interview").order_by("raised_at", "pk")


def latest_screening(screenings: QuerySet[Screening], child: Child) -> Screening | None:
    """The child's current screening: the one done most recently (a later entry of an older one does not win)."""
    return screenings.filter(child=child).prefetch_related("flags").order_by("-screened_at", "-pk").first()


def interview_needing_screening(user: User, child: Child) -> ReturnInterview | None:
    """The latest interview the user can see that recorded an exploitation disclosure, or a push or pull factor
    that points to exploitation, after the child's latest screening (or with no screening at all): the prompt to
    screen the child."""
    latest = screenings_for(user).filter(child=child).order_by("-screened_at", "-pk").first()
    return interview_disclosing_since(user, child, latest)


def interview_disclosing_since(user: User, child: Child, latest: Screening | None) -> ReturnInterview | None:
    """interview_needing_screening, given the child's latest screening the user can see (None: no screening)."""
    factor_codes = sorted({code for _, code in EXPLOITATION_FACTORS})
    interviews = interviews_for(user).filter(
        Q(factors__kind=FactorKind.DISCLOSURE, factors__code__in=EXPLOITATION_DISCLOSURES)
        | Q(factors__kind__in=[FactorKind.PUSH, FactorKind.PULL], factors__code__in=factor_codes),
        child=child,
        completed_at__isnull=False,
    )
    if latest is not None:
        interviews = interviews.filter(completed_at__gt=latest.screened_at)
    return interviews.distinct().order_by("-completed_at", "-pk").first()


def screening_prompt_reasons(interview: ReturnInterview) -> list[str]:
    """Why this interview prompts an exploitation screening, as the labels of what it recorded: its exploitation
    disclosures and the push and pull factors that point to exploitation (EXPLOITATION_FACTORS); empty when it
    prompts none, or a screening has been done since. A prompt, never a finding."""
    if interview.completed_at is None:
        return []
    recorded = {(f.kind, f.code) for f in interview.factors.all()}
    disclosed = sorted(
        code for kind, code in recorded if kind == FactorKind.DISCLOSURE and code in EXPLOITATION_DISCLOSURES
    )
    factors = sorted(recorded & EXPLOITATION_FACTORS)
    if not (disclosed or factors):
        return []
    if Screening.objects.filter(child_id=interview.child_id, screened_at__gte=interview.completed_at).exists():
        return []
    return [str(Disclosure(code).label) for code in disclosed] + [factor_label(kind, code) for kind, code in factors]


def interview_prompts_screening(interview: ReturnInterview) -> bool:
    """Whether this interview recorded an exploitation disclosure, or push and pull factors that point to
    exploitation, and no screening has been done since."""
    return bool(screening_prompt_reasons(interview))


PAST_ALERTS_SHOWN = 20


@dataclass
class ChildRisk:
    """What the child record's risk section shows to one user."""

    alerts: list[Alert] = field(default_factory=list)
    past_alerts: list[Alert] = field(default_factory=list)  # decided or resolved themselves: the history
    screening: Screening | None = None
    sees_screenings: bool = False
    referrals: list[Referral] = field(default_factory=list)
    sees_referrals: bool = False
    prompt_interview: ReturnInterview | None = None
    can_screen: bool = False
    can_refer: bool = False

    @property
    def shown(self) -> bool:
        return self.sees_screenings or self.sees_referrals or bool(self.alerts or self.past_alerts)


def child_risk(user: User, child: Child) -> ChildRisk:
    """Open alerts, the current screening, open referrals and the screening prompt, as far as the user may see."""
    risk = ChildRisk(
        alerts=list(open_alerts(user).filter(child=child)),
        past_alerts=list(
            alerts_for(user)
            .filter(child=child)
            .exclude(acknowledged_at__isnull=True, resolved_at__isnull=True)
            .select_related("acknowledged_by")
            .order_by("-raised_at", "-pk")[:PAST_ALERTS_SHOWN]
        ),
        can_screen=can_screen(user, child),
        can_refer=can_refer(user, child),
    )
    # Screenings are seen by exactly those who may record one; referrals by those who may make one.
    risk.sees_screenings = risk.can_screen
    risk.sees_referrals = risk.can_refer
    if risk.sees_screenings:
        risk.screening = latest_screening(screenings_for(user), child)
        risk.prompt_interview = interview_disclosing_since(user, child, risk.screening)
    if risk.sees_referrals:
        risk.referrals = list(referrals_for(user).open().filter(child=child).select_related("made_by"))
    return risk
