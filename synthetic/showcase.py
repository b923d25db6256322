"""The demo's showcase: records the bulk generator does not write, made through the real actions so that a
newcomer sees every feature with something in it (issue 15): Philomena profiles with a photo for the looked
after children most at risk, exploitation screenings, referrals to the MASH and the exploitation team, and
shares with the school, health and the police.

Everything is synthetic and written as the demo coordinator; a second run changes nothing (it looks for the
screenings the showcase made first). The photo is a drawn silhouette, never a picture of anyone.
"""

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Q
from django.utils import timezone
from PIL import Image, ImageDraw

from access.models import Agency, User
from children.codes import LegalStatus
from children.models import Child
from episodes.codes import RiskGrade
from episodes.shareable import EPISODE_SUMMARY
from interviews.models import ReturnInterview
from interviews.shareable import FULL_INTERVIEW, INTERVIEW_SUMMARY
from philomena.actions import add_photo, save_profile
from risk.actions import make_referral, record_screening
from risk.codes import Indicator, ReferralTo, ScreeningKind, ScreeningLevel
from risk.models import Referral, Screening
from sharing.actions import share_interview_intelligence, share_record
from sharing.codes import ChildConsent, LawfulBasis
from sharing.selectors import intelligence_persons, police_forces_of

SHOWCASE_CHILDREN = 6
# What the synthetic profiles say: invented, ordinary descriptions, the same shape for every child.
PROFILE = {
    "height": "About 160cm",
    "build": "Slim",
    "hair": "Dark brown, short",
    "eyes": "Brown",
    "distinguishing_marks": "A small scar on the left hand (synthetic)",
    "usual_clothing": "Black hooded coat, grey tracksuit, white trainers",
    "phone_numbers": "07700 900{n:03d} (own phone; a synthetic number)",
    "social_media": "Snapchat: synthetic_demo_{n:02d}",
    "places_frequented": "The bus station\nThe retail park after dark",
    "associates": "Older young people from outside the area (names in the network records)",
    "medication": "None known",
    "medical_conditions": "Asthma: carries an inhaler",
    "allergies": "None known",
    "missing_history": "Goes missing most weekends; usually found near the bus station",
    "notes": "Responds best to a calm approach; likes to be called by their preferred name",
}


@dataclass(frozen=True)
class ShowcaseResult:
    profiles: int
    screenings: int
    referrals: int
    shares: int


def add_showcase(*, coordinator: User, school: Agency, health: Agency, police: Agency) -> ShowcaseResult:
    """Fill the demo council's riskiest children's records through the actions (once; idempotent)."""
    if Screening.objects.filter(screened_by=coordinator).exists():
        return ShowcaseResult(0, 0, 0, 0)
    assert coordinator.agency is not None  # the demo council's coordinator
    children = _riskiest_children(coordinator.agency)
    profiles = screenings = referrals = shares = 0
    now = timezone.now()
    for number, child in enumerate(children, start=1):
        if child.legal_status == LegalStatus.LOOKED_AFTER:
            _profile(child, coordinator, number)
            profiles += 1
        record_screening(
            child,
            screened_at=now - dt.timedelta(days=number),
            kind=ScreeningKind.CCE if number % 2 else ScreeningKind.CSE,
            level=ScreeningLevel.HIGH if number <= 2 else ScreeningLevel.MEDIUM,
            acting_user=coordinator,
            recent_indicators=[
                Indicator.MISSING_REGULARLY,
                Indicator.OLDER_ASSOCIATES,
                Indicator.TRAVELLING_OUT_OF_AREA,
            ],
            historical_indicators=[Indicator.SCHOOL_EXCLUSION],
            review_date=timezone.localdate() + dt.timedelta(days=28),
            notes="Synthetic screening for the demo: repeated episodes with older associates out of area.",
        )
        screenings += 1
        if number <= 3:
            make_referral(
                child,
                to=ReferralTo.EXPLOITATION_TEAM if number == 1 else ReferralTo.MASH,
                reason="Synthetic demo referral: high-risk screening after repeated missing episodes.",
                acting_user=coordinator,
            )
            referrals += 1
        shares += _shares(child, coordinator, school=school, health=health, police=police)
    return ShowcaseResult(profiles, screenings, referrals, shares)


def _riskiest_children(council: Agency) -> list[Child]:
    """The council's children with the most high-risk episodes, then the most episodes; those in care first."""
    return list(
        Child.objects.filter(responsible_council=council, episodes__isnull=False)
        .exclude(referrals__in=Referral.objects.open())
        .annotate(
            high=Count("episodes", filter=Q(episodes__risk_grade=RiskGrade.HIGH), distinct=True),
            total=Count("episodes", distinct=True),
            in_care=Count("pk", filter=Q(legal_status=LegalStatus.LOOKED_AFTER)),
        )
        .order_by("-in_care", "-high", "-total", "pk")[:SHOWCASE_CHILDREN]
    )


def _profile(child: Child, coordinator: User, number: int) -> None:
    content = {name: value.format(n=number) for name, value in PROFILE.items()}
    version = save_profile(child, acting_user=coordinator, expected_version=None, **content)
    add_photo(
        child,
        photo=SimpleUploadedFile(f"silhouette-{number}.png", _silhouette(number), content_type="image/png"),
        acting_user=coordinator,
        taken_on=timezone.localdate() - dt.timedelta(days=30 * number),
        expected_version=version.profile.version,
    )


def _silhouette(number: int) -> bytes:
    """A drawn head-and-shoulders outline on a plain background: a stand-in photo that shows no one."""
    image = Image.new("RGB", (240, 300), (222, 226, 230 - number * 8))
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 50, 160, 140), fill=(80, 90, 100))
    draw.pieslice((30, 150, 210, 390), 180, 360, fill=(80, 90, 100))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _shares(child: Child, coordinator: User, *, school: Agency, health: Agency, police: Agency) -> int:
    """Share the child's latest episode summary with their school (or the demo school), and their latest written
    interview's summary with health and in full with the police, each with its lawful basis."""
    made = 0
    episode = child.episodes.order_by("-last_seen_at").first()
    if episode is not None and child.school_id is not None:
        share_record(
            acting_user=coordinator,
            child=child,
            what=EPISODE_SUMMARY,
            episode=episode,
            to_agency=child.school,
            lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
            child_consent=ChildConsent.NOT_SOUGHT,
            child_consent_reason="Synthetic demo: seeking consent would have delayed keeping the child safe.",
            purpose="Synthetic demo: so the school can support the child on their return.",
            expires_at=timezone.now() + dt.timedelta(days=90),
        )
        made += 1
    interview = (
        ReturnInterview.objects.filter(child=child, completed_at__isnull=False).order_by("-completed_at").first()
    )
    if interview is not None:
        for agency, what in ((health, INTERVIEW_SUMMARY), (police, FULL_INTERVIEW)):
            share_record(
                acting_user=coordinator,
                child=child,
                what=what,
                interview=interview,
                to_agency=agency,
                lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
                child_consent=ChildConsent.GIVEN,
                purpose="Synthetic demo: what the child told us that the agency needs to keep them safe.",
            )
            made += 1
        if police_forces_of(child).filter(pk=police.pk).exists():
            # What the interview named, passed to the force as structured intelligence (the child's words withheld).
            share_interview_intelligence(
                acting_user=coordinator,
                interview=interview,
                to_agency=police,
                persons=list(intelligence_persons(child)[:2]),
                vehicles=[f"Silver hatchback, registration SY{child.pk % 100:02d} DEM (synthetic)"],
                phone_numbers=[f"07700 900{child.pk % 1000:03d} (a synthetic number)"],
                child_consent=ChildConsent.NOT_SOUGHT,
                child_consent_reason="Synthetic demo: asking would have put the child at risk.",
                purpose="Synthetic demo: the adult and the car the child named, for the force to disrupt.",
            )
            made += 1
    return made
