"""Acknowledging a share received: the recipient's task until one of them confirms it, audited, version-checked."""

import pytest
from django.urls import reverse

from core.inbox import inbox_page
from sharing.actions import share_record
from sharing.codes import ChildConsent, LawfulBasis
from sharing.models import Share


@pytest.fixture
def shared(world, open_episode):
    return share_record(
        acting_user=world.users.coordinator,
        child=world.child,
        what="episode_summary",
        episode=open_episode,
        to_agency=world.school,
        lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
        child_consent=ChildConsent.NOT_SOUGHT,
        child_consent_reason="Would put the child at risk",
        purpose="Safety while missing",
    )


def test_the_school_acknowledges_and_the_task_goes(client, world, shared):
    from django.utils import timezone

    dsl = world.users.school_dsl
    assert [t.reference for t in inbox_page(dsl, timezone.now()).tasks] == [f"share:{shared.pk}"]
    client.force_login(dsl)
    url = reverse("sharing:acknowledge", args=[shared.pk])
    assert client.post(url, {"version": str(shared.version)}).status_code == 302
    shared.refresh_from_db()
    assert shared.acknowledged_by == dsl and shared.acknowledged_at
    assert inbox_page(dsl, timezone.now()).tasks == []
    again = client.post(url, {"version": str(shared.version)})
    assert again.status_code == 200 and "already acknowledged" in again.content.decode()
    assert Share.objects.get(pk=shared.pk).version == shared.version


def test_only_the_recipient_may_acknowledge(client, world, shared):
    url = reverse("sharing:acknowledge", args=[shared.pk])
    client.force_login(world.users.coordinator)
    assert client.post(url, {"version": "1"}).status_code == 403
    client.force_login(world.users.other_school_dsl)
    assert client.post(url, {"version": "1"}).status_code == 404
    client.force_login(world.users.school_dsl)
    assert client.get(url).status_code == 405
    stale = client.post(url, {"version": "99"})
    assert stale.status_code == 409
