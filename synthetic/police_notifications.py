"""Demo police notifications (issue 12): a few in the match queue (a misspelt name, a transposed date of birth, a
child Homeward does not know), one matched exactly by UPN, and one of a child Homeward did not know for whom the
police created a provisional record, for the council's coordinator to confirm. Synthetic children only; run again,
it adds nothing."""

import datetime as dt

from django.utils import timezone

from access.models import Agency, User
from children.codes import LivingArrangement
from children.models import Child
from episodes.models import MissingEpisode
from intake.actions import create_provisional_child, import_notifications
from intake.models import Notification, PoliceCase, Source, Status
from intake.parsing import read_objects

REFERENCES = ("DEMO-PN-1", "DEMO-PN-2", "DEMO-PN-3", "DEMO-PN-4", "DEMO-PN-5")


def _missing(force: Agency, reference: str, hours_ago: int, **child: str) -> dict[str, str]:
    seen = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=hours_ago)
    return {
        "kind": "missing",
        "force_code": force.code,
        "police_reference": reference,
        "event_at": (seen + dt.timedelta(hours=1)).isoformat(),
        "last_seen_at": seen.isoformat(),
        "last_seen_place": "Outside the shopping centre",
        "reported_by": "Residential worker",
        "missing_from": "placement",
        "risk_grade": "medium",
        **child,
    }


def add_demo_notifications(*, police: User, council: Agency) -> int:
    """Import the demo notifications as the demo police user; returns how many were new."""
    force = police.agency
    assert force is not None  # the demo police user belongs to the council's force
    if PoliceCase.objects.filter(police_force=force, police_reference__in=REFERENCES).exists():
        return 0
    open_children = MissingEpisode.objects.open().values("child_id")
    children = list(
        Child.objects.filter(responsible_council=council)
        .exclude(pk__in=open_children)
        .exclude(upn="")
        .order_by("pk")[:3]
    )
    if len(children) < 3:
        return 0
    misspelt, transposed, exact = children
    born = transposed.date_of_birth
    swapped = born.replace(month=born.day, day=born.month) if born.day <= 12 and born.day != born.month else born
    rows = [
        _missing(
            force,
            REFERENCES[0],
            6,
            first_name=misspelt.first_name,
            last_name=misspelt.last_name[:-1] + misspelt.last_name[-1] * 2,
            date_of_birth=misspelt.date_of_birth.isoformat(),
        ),
        _missing(
            force,
            REFERENCES[1],
            5,
            first_name=transposed.first_name,
            last_name=transposed.last_name,
            date_of_birth=swapped.isoformat(),
        ),
        _missing(
            force, REFERENCES[2], 4, first_name="Robin", last_name="Newcombe", date_of_birth="2012-09-21", sex="U"
        ),
        _missing(force, REFERENCES[3], 3, upn=exact.upn),
        _missing(
            force,
            REFERENCES[4],
            2,
            first_name="Ellis",
            last_name="Marchbank",
            date_of_birth="2010-11-03",
            sex="F",
            postcode="NM4 2QT",
            placement="Staying with an aunt",
        ),
    ]
    result = import_notifications(
        lambda: read_objects(rows), acting_user=police, force=force, source=Source.API, import_valid_rows=True
    )
    unknown = Notification.objects.get(police_force=force, police_reference=REFERENCES[4], status=Status.QUEUED)
    create_provisional_child(
        unknown,
        responsible_council=council,
        living_arrangement=LivingArrangement.OTHER,
        expected_version=unknown.version,
        acting_user=police,
    )
    return sum(result.counts.values())
