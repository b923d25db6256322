"""The grab-pack: a real PDF, produced in one click, with the current profile, the photo and the live
episode (when one is open and the user may see it), audited, and named by the child's id only."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from episodes.codes import RiskGrade
from philomena.actions import save_profile
from philomena.grabpack import MARKING
from tests.factories import EpisodeFactory
from tests.pdf_layout import overlapping_text
from tests.philomena.conftest import CONTENT, pdf_text


def grab_pack(client, world, user=None):
    client.force_login(user or world.users.police)
    return client.get(reverse("philomena:grab-pack", args=[world.child.pk]))


def test_the_grab_pack_is_a_pdf_download_named_by_id_only(client, world, photographed):
    response = grab_pack(client, world)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="grab-pack-{world.child.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    url = reverse("philomena:grab-pack", args=[world.child.pk])
    for name in ("Jordan", "Example"):
        assert name not in url and name not in response["Content-Disposition"]


def test_it_holds_the_profile_the_photo_the_marking_and_page_numbers(client, world, photographed):
    pdf = grab_pack(client, world).content
    text = pdf_text(pdf)
    for expected in (
        "Jordan Example",
        MARKING,
        "Page 1 of",
        "Produced",
        CONTENT["phone_numbers"],
        CONTENT["allergies"],
        "Snapchat: synthetic_user_01",
        "Northmoor bus station",
        "Profile version 2",
    ):
        assert expected in text, expected
    assert re.search(rb"/Subtype\s*/Image", pdf)  # the photo is embedded
    assert b"/Title (Philomena grab-pack)" in pdf  # the document's properties carry no name
    assert b"Jordan" not in pdf.split(b"/Title")[1][:80]


def test_the_live_episode_is_added_when_one_is_open(client, world, profile):
    EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        police_reference="WP-2026-004512",
        last_seen_place="Outside the synthetic corner shop",
        risk_grade=RiskGrade.HIGH,
        circumstances="Left after an argument at tea time",
        last_seen_at=timezone.now() - dt.timedelta(hours=5),
    )
    text = pdf_text(grab_pack(client, world).content)
    for expected in (
        "MISSING NOW",
        "WP-2026-004512",
        "Outside the synthetic corner shop",
        "HIGH",
        "Left after an argument at tea time",
        "Northmoor Police",
        "5 hours",
    ):
        assert expected in text, expected


def test_without_an_open_episode_the_pack_says_so(client, world, profile):
    text = pdf_text(grab_pack(client, world).content)
    assert "MISSING NOW" not in text
    assert "No open missing episode is recorded" in text


def test_an_episode_the_user_may_not_see_is_left_out(client, world, profile):
    """Jordan lives in Northmoor (so Northmoor Police see the profile), but is missing in Southvale's area:
    the live episode is Southvale Police's, and Northmoor Police's pack does not show it."""
    EpisodeFactory(
        child=world.child,
        police_force=world.police_south,
        created_by=world.users.police_south,
        police_reference="SV-2026-000999",
    )
    text = pdf_text(grab_pack(client, world).content)
    assert "SV-2026-000999" not in text
    assert "SV-2026-000999" in pdf_text(grab_pack(client, world, world.users.coordinator).content)


def test_past_returns_are_listed(client, world, profile):
    now = timezone.now()
    EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=now - dt.timedelta(days=20),
        returned_at=now - dt.timedelta(days=20) + dt.timedelta(hours=9),
        found_place="The synthetic retail park",
    )
    text = pdf_text(grab_pack(client, world).content)
    assert "The synthetic retail park" in text and "9 hours" in text


def test_a_child_with_no_profile_still_gets_a_pack_from_the_record(client, world, open_episode):
    text = pdf_text(grab_pack(client, world).content)
    assert "No Philomena profile has been recorded" in text
    assert open_episode.police_reference in text


def test_typed_markup_is_printed_as_text_not_obeyed(client, world, profile):
    save_profile(
        world.child,
        acting_user=world.users.coordinator,
        expected_version=1,
        notes="<img src='/etc/passwd'/> <b>not bold</b> & <font size=40>big</font>",
    )
    response = grab_pack(client, world)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "not bold" in text and "/etc/passwd" in text


def test_long_text_flows_over_pages(client, world, profile):
    save_profile(
        world.child,
        acting_user=world.users.coordinator,
        expected_version=1,
        notes="\n".join(f"Synthetic line {n} of a very long note about the child" for n in range(400)),
        places_frequented="A place " * 2000,
    )
    text = pdf_text(grab_pack(client, world).content)
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages >= 4
    assert f"Page {pages} of {pages}" in text
    assert "Synthetic line 399" in text


def test_producing_a_pack_is_audited(client, world, profile):
    grab_pack(client, world)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).last()
    assert event.summary == "Philomena grab-pack produced"
    assert event.actor == world.users.police
    assert event.child_id == world.child.pk
    assert (event.object_type, event.object_id) == ("philomenaprofile", str(profile.pk))


@pytest.mark.parametrize("username", ["coordinator_south", "police_south", "school_dsl"])
def test_no_pack_and_no_event_for_those_who_may_not_see_it(client, world, profile, username):
    response = grab_pack(client, world, getattr(world.users, username))
    assert response.status_code in (403, 404)
    assert not response.content.startswith(b"%PDF")
    assert not AuditEvent.objects.filter(summary="Philomena grab-pack produced").exists()


def test_no_text_overlaps_on_any_page_even_with_a_long_producer_name(client, world, photographed):
    """The footer's "Produced … by …" once ran into "Page 1 of 1": every word on every page is read back from the
    PDF with its box (tests/pdf_layout.py), and no two may overlap."""
    officer = world.users.police
    officer.first_name = "Alexandra"
    officer.last_name = "Montgomery-Fitzwilliam-Hargreaves-Smythe-Worthington-Blackwood"
    officer.save(update_fields=["first_name", "last_name"])
    pdf = grab_pack(client, world, officer).content
    assert overlapping_text(pdf) == []
    assert "Montgomery-Fitzwilliam" in pdf_text(pdf)
