"""Emergency ("break-glass") access through the pages: offered on a child record's 404 without revealing
whether the child exists, granted only for a real child, time-limited, bannered on every page of the child,
audited with its own action, and reviewed by the coordinator and the administrator."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from access.models import AuditEvent, Role
from core.banners import build_child_banners
from sharing.actions import request_emergency_access
from sharing.models import EmergencyAccess
from sharing.pages_elsewhere import emergency_access_banners
from tests.factories import UserFactory

from .conftest import PLANTED

REASON = "Found at A&E at 2am, carers not answering"
BANNER = "under emergency access until"


def _ask(client, **data):
    return client.post(reverse("sharing:break-glass"), {"reason": REASON, **data})


def _normalised(response) -> str:
    """A page with the bits that always differ (CSRF token, ids typed) taken out."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r"\?child=\d+", "?child=N", body)
    return re.sub(r'value="\d+"', 'value="N"', body)


def test_the_404_on_a_child_record_offers_emergency_access_the_same_whether_or_not_the_child_exists(client, world):
    client.force_login(world.users.police_south)
    real = client.get(reverse("children:detail", args=[world.child.pk]))
    missing = client.get(reverse("children:detail", args=[987654]))
    assert real.status_code == missing.status_code == 404
    assert f"/sharing/emergency-access/?child={world.child.pk}" in real.content.decode()
    assert "/sharing/emergency-access/?child=987654" in missing.content.decode()
    assert _normalised(real) == _normalised(missing)
    assert b"Jordan" not in real.content


@pytest.mark.parametrize("name", ["school_dsl", "analyst", "admin", "practitioner"])
def test_roles_that_cannot_use_emergency_access_are_not_offered_it(client, world, name):
    client.force_login(getattr(world.users, name))
    response = client.get(reverse("children:detail", args=[world.south_child.pk]))
    assert response.status_code == 404 and b"emergency-access/?child=" not in response.content
    assert client.get(reverse("sharing:break-glass")).status_code == 403
    assert _ask(client, child_id=world.south_child.pk).status_code == 403
    assert not EmergencyAccess.objects.exists()


def test_other_404s_do_not_offer_it(client, world):
    client.force_login(world.users.police_south)
    assert b"emergency-access/?child=" not in client.get("/episodes/987654/").content


def test_the_request_page_looks_the_same_for_a_real_and_a_missing_child(client, world):
    client.force_login(world.users.police_south)
    url = reverse("sharing:break-glass")
    real, missing = client.get(f"{url}?child={world.child.pk}"), client.get(f"{url}?child=987654")
    assert real.status_code == missing.status_code == 200
    assert _normalised(real) == _normalised(missing)
    # Refused input is refused the same way, and looks nothing up.
    real = client.post(url, {"child_id": world.child.pk, "reason": ""})
    missing = client.post(url, {"child_id": 987654, "reason": ""})
    assert real.status_code == missing.status_code == 200
    assert _normalised(real) == _normalised(missing)
    assert not EmergencyAccess.objects.exists()
    # A valid request is recorded, audited and answered with a redirect either way.
    before = AuditEvent.objects.filter(action="break_glass").count()
    real, missing = _ask(client, child_id=world.child.pk), _ask(client, child_id=987654)
    assert real.status_code == missing.status_code == 302
    assert re.fullmatch(r"/sharing/emergency-access/\d+/", real["Location"])
    assert re.fullmatch(r"/sharing/emergency-access/\d+/", missing["Location"])
    assert AuditEvent.objects.filter(action="break_glass").count() == before + 2
    # Only then does the answer differ: access to a real child, nothing for a missing one.
    assert b"Open the record" in client.get(real["Location"]).content
    assert b"No record matches" in client.get(missing["Location"]).content


def test_emergency_access_through_the_pages(client, world, records, settings):
    settings.HOMEWARD_BREAK_GLASS_MINUTES = 30
    user = world.users.police_south
    client.force_login(user)
    child_url = reverse("children:detail", args=[world.child.pk])
    assert client.get(child_url).status_code == 404
    response = _ask(client, la_child_id="N000123", council=world.north.pk)
    access = EmergencyAccess.objects.get()
    assert response["Location"] == reverse("sharing:break-glass-result", args=[access.pk])
    assert access.child == world.child and access.user == user
    assert dt.timedelta(minutes=29) < access.expires_at - timezone.now() <= dt.timedelta(minutes=30)
    # The record, its episodes and the interview summary, each with the banner; never what the child said.
    for url in (
        child_url,
        reverse("episodes:detail", args=[records.episode.pk]),
        reverse("episodes:detail", args=[records.other_episode.pk]),
        reverse("interviews:detail", args=[records.interview.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert BANNER in body, url
        assert PLANTED not in body, url
    body = client.get(child_url).content.decode()
    assert "Care and placement" in body
    assert reverse("episodes:report", args=[world.child.pk]) not in body  # read only
    assert client.get(reverse("episodes:report", args=[world.child.pk])).status_code == 403
    # Another child's pages carry no banner.
    assert BANNER not in client.get(reverse("children:detail", args=[world.south_child.pk])).content.decode()
    # When it ends, so does access (and the banner).
    EmergencyAccess.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(child_url).status_code == 404
    assert client.get(reverse("episodes:detail", args=[records.episode.pk])).status_code == 404
    assert b"ended" in client.get(reverse("sharing:break-glass-result", args=[access.pk])).content


def test_a_user_who_can_already_see_the_child_is_sent_to_the_record(client, world):
    client.force_login(world.users.coordinator)
    response = _ask(client, child_id=world.child.pk)
    assert response["Location"] == reverse("children:detail", args=[world.child.pk])
    assert not EmergencyAccess.objects.exists()


def test_the_result_page_is_only_for_whoever_asked(client, world):
    access = request_emergency_access(acting_user=world.users.police_south, child_id=world.child.pk, reason=REASON)
    client.force_login(world.users.police)
    assert client.get(reverse("sharing:break-glass-result", args=[access.pk])).status_code == 404


def test_request_errors_are_named_on_their_fields(client, world):
    client.force_login(world.users.health)
    response = client.post(reverse("sharing:break-glass"), {"reason": "short", "la_child_id": "N000123"})
    errors = response.context["form"].errors
    assert set(errors) == {"council", "reason"}
    response = client.post(reverse("sharing:break-glass"), {"reason": REASON, "child_id": "abc"})
    assert set(response.context["form"].errors) == {"child_id"}


# --- Review -----------------------------------------------------------------------------------------


@pytest.fixture
def uses(world, records):
    police_south = world.users.police_south
    on_jordan = request_emergency_access(acting_user=police_south, child_id=world.child.pk, reason=REASON)
    nothing = request_emergency_access(acting_user=world.users.health, child_id=987654, reason="Probing the ids x")
    on_casey = request_emergency_access(acting_user=world.users.health, child_id=world.south_child.pk, reason=REASON)
    return on_jordan, nothing, on_casey


def test_the_review_list_for_the_coordinator(client, world, uses):
    on_jordan = uses[0]
    client.force_login(world.users.police_south)
    client.get(reverse("children:detail", args=[world.child.pk]))
    client.force_login(world.users.coordinator)
    response = client.get(reverse("sharing:break-glass-review"))
    assert response.status_code == 200
    rows = response.context["waiting"]
    assert [row["access"] for row in rows] == [on_jordan]
    assert rows[0]["access"].events_during == 1  # the child record it opened
    body = response.content.decode()
    assert escape(REASON) in body and "Jordan Example" in body and "Casey" not in body
    assert reverse("sharing:break-glass-mark-reviewed", args=[on_jordan.pk]) in body
    assert "Emergency access reviews" in body  # the navigation item


def test_the_review_list_for_the_administrator(client, world, uses):
    on_jordan = uses[0]
    client.force_login(world.users.admin)  # Northmoor Council's administrator
    response = client.get(reverse("sharing:break-glass-review"))
    rows = [row["access"] for row in response.context["waiting"]]
    # Uses on the council's children and uses by the council's own staff: Jordan's use, not the health
    # trust's (another agency) on a Southvale child or on no child.
    assert rows == [on_jordan]
    body = response.content.decode()
    assert "Jordan" not in body  # an administrator sees no case records: the id, not the name
    assert f"Homeward ID {world.child.pk}" in body


def test_the_health_trusts_administrator_reviews_its_staffs_uses_including_unmatched_ones(client, world, uses):
    _, nothing, on_casey = uses
    admin = UserFactory(agency=world.health, roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    rows = [row["access"] for row in client.get(reverse("sharing:break-glass-review")).context["waiting"]]
    assert rows == [nothing, on_casey]
    assert b"No child matched" in client.get(reverse("sharing:break-glass-review")).content


@pytest.mark.parametrize("name", ["social_worker", "manager", "police", "health", "school_dsl", "analyst"])
def test_the_review_list_is_for_coordinators_and_administrators(client, world, uses, name):
    client.force_login(getattr(world.users, name))
    assert client.get(reverse("sharing:break-glass-review")).status_code == 403
    assert client.get(reverse("sharing:break-glass-mark-reviewed", args=[uses[0].pk])).status_code == 403


def test_marking_a_use_reviewed(client, world, uses):
    on_jordan = uses[0]
    url = reverse("sharing:break-glass-mark-reviewed", args=[on_jordan.pk])
    client.force_login(world.users.coordinator_south)
    assert client.get(url).status_code == 404  # not their council's child
    client.force_login(world.users.coordinator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": ""})
    assert list(response.context["form"].errors) == ["note"]
    response = client.post(url, {"note": "Checked with Southvale Police: justified"})
    assert response["Location"] == reverse("sharing:break-glass-review")
    on_jordan.refresh_from_db()
    assert on_jordan.reviewed_by == world.users.coordinator
    listing = client.get(reverse("sharing:break-glass-review"))
    assert listing.context["waiting"] == []
    assert "Checked with Southvale Police" in listing.content.decode()


def test_nobody_reviews_their_own_use(client, world):
    own = request_emergency_access(acting_user=world.users.coordinator_south, child_id=world.child.pk, reason=REASON)
    EmergencyAccess.objects.filter(pk=own.pk).update(child=world.placed_child)
    client.force_login(world.users.coordinator_south)
    assert client.get(reverse("sharing:break-glass-mark-reviewed", args=[own.pk])).status_code == 403


def test_the_banner_is_built_before_the_page_renders_once_a_request(client, world, records):
    """Issue 10: no template tag looks the emergency access up. The context processor (core.banners) reads the
    user's running emergency access once a request, however many sections the page renders; the template then
    only displays it, and a page whose `child` is another child's shows none."""
    user = world.users.police_south
    request_emergency_access(acting_user=user, child_id=world.child.pk, reason=REASON)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert BANNER in body
    own = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "sharing_emergencyaccess"')]
    assert len(own) == 1, own
    # Given banners built for the child, the tag renders them with no query; for any other record, nothing.
    assert list(emergency_access_banners(user)) == [world.child.pk]
    template = Template("{% load govuk %}{% child_banners banners child %}")
    banners = build_child_banners(user)
    with CaptureQueriesContext(connection) as rendering:
        shown = template.render(Context({"banners": banners, "child": world.child}))
        other = template.render(Context({"banners": banners, "child": world.south_child}))
        not_a_child = template.render(Context({"banners": banners, "child": records.episode}))
    assert BANNER in shown and not other.strip() and not not_a_child.strip()
    assert len(rendering.captured_queries) == 0
