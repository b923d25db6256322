"""Data loaded in bulk (the generator, an import) gets the alerts its recent episodes call for, once."""

import datetime as dt

from django.utils import timezone

from episodes.codes import RiskGrade
from risk.codes import AlertKind
from risk.models import Alert
from risk.triggers import raise_recent_alerts
from tests.factories import EpisodeFactory


def test_recent_episodes_raise_alerts_once_and_old_ones_none(world):
    now = timezone.now()
    EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        risk_grade=RiskGrade.HIGH,
        last_seen_at=now - dt.timedelta(days=2),
        returned_at=now - dt.timedelta(days=1),
    )
    EpisodeFactory(
        child=world.south_child,
        police_force=world.police_south,
        created_by=world.users.police_south,
        risk_grade=RiskGrade.HIGH,
        last_seen_at=now - dt.timedelta(days=100),
        returned_at=now - dt.timedelta(days=99),
    )
    assert raise_recent_alerts(now) == 1
    assert list(Alert.objects.values_list("child_id", "kind")) == [(world.child.pk, AlertKind.HIGH_RISK)]
    assert raise_recent_alerts(now) == 0
