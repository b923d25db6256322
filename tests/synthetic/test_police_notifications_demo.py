"""The demo's police notifications (issue 12): three in the match queue, one matched by UPN, one made a provisional
record; the demo police user sees the queue, the demo coordinator the provisional record; running the demo again adds
nothing."""

import io

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from access.models import User
from intake.models import Notification, ProvisionalChild, Status
from tests.synthetic.test_showcase import demo  # noqa: F401 - the fixture


def test_the_demo_fills_the_match_queue_once(demo):  # noqa: F811
    assert "Police notifications imported (three in the match queue, under Police notifications; one made a " in demo
    assert "to confirm): 5 (none when already there)" in demo
    assert Notification.objects.filter(status=Status.QUEUED).count() == 3
    assert Notification.objects.filter(status=Status.APPLIED).count() == 2
    provisional = ProvisionalChild.objects.get(confirmed_at__isnull=True)
    call_command("create_demo_users", stdout=io.StringIO())
    assert Notification.objects.count() == 5
    police = User.objects.get(username="demo.police")
    client = Client()
    client.force_login(police)
    page = client.get(reverse("intake:queue")).content.decode()
    assert "DEMO-PN-1" in page and "DEMO-PN-3" in page
    coordinator = User.objects.get(username="demo.coordinator")
    client.force_login(coordinator)
    listed = client.get(reverse("intake:provisional-list")).content.decode()
    assert reverse("intake:provisional", args=[provisional.pk]) in listed
