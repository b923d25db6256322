"""Each agency's pack and minutes, parsed back from the PDF (pdfplumber), hold exactly what that agency may see."""

import io

import pdfplumber
import pytest
from django.test import Client
from django.urls import reverse

from access.models import AuditEvent
from tests.meetings.conftest import MARK
from tests.pdf_layout import overlapping_text


def pdf_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def download(user, meeting, name: str) -> tuple[int, bytes]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(f"meetings:{name}", args=[meeting.pk]))
    return response.status_code, response.content


# Who gets which marker in their agency's pack: the council everything but police intelligence; the police the
# episode's free text and their own intelligence; the school (an episode summary share) the child and nothing else.
PACK_SEES = {
    "coordinator": {MARK.episode, MARK.interview, MARK.screening, MARK.action},
    "police": {MARK.episode, MARK.intelligence, MARK.action},
    "school_dsl": {MARK.action},
}
EVERY_MARK = {MARK.episode, MARK.interview, MARK.screening, MARK.intelligence, MARK.action}


@pytest.mark.parametrize("user", sorted(PACK_SEES))
def test_each_agencys_pack_holds_only_what_it_may_see(planted, user):
    status, pdf = download(getattr(planted.users, user), planted.meeting, "pack")
    assert status == 200
    text = pdf_text(pdf)
    assert "Jordan Example" in text
    shown = {mark for mark in EVERY_MARK if mark in text}
    assert shown == PACK_SEES[user], f"{user}: {sorted(shown)}"
    assert not overlapping_text(pdf)


def test_the_providers_pack_has_no_child_it_was_not_given(planted):
    """The provider's staff see Jordan through the interview assigned to one practitioner, not as an agency: the
    provider's copy names no child and holds nothing about them."""
    status, pdf = download(planted.users.practitioner, planted.meeting, "pack")
    assert status == 200
    text = pdf_text(pdf)
    assert "Jordan" not in text
    assert not {mark for mark in EVERY_MARK if mark in text} - {MARK.action}
    assert "1 other child(ren) discussed are not in this agency's copy" in text


@pytest.mark.parametrize("user", ["coordinator", "police", "school_dsl"])
def test_the_minutes_carry_the_discussion_for_the_childs_agencies(planted, user):
    status, pdf = download(getattr(planted.users, user), planted.meeting, "minutes")
    assert status == 200
    text = pdf_text(pdf)
    assert MARK.discussion in text and MARK.decision in text
    assert MARK.interview not in text and MARK.intelligence not in text
    assert "Attendance" in text
    assert not overlapping_text(pdf)


def test_downloading_the_pack_is_audited_per_child(planted):
    download(planted.users.school_dsl, planted.meeting, "pack")
    event = AuditEvent.objects.filter(object_type="meeting", action=AuditEvent.Action.VIEW).latest("id")
    assert event.child_id == planted.child.pk
    assert "Northmoor Academy" in event.summary


@pytest.mark.parametrize(
    ("user", "status"),
    [("social_worker", 200), ("health", 200), ("analyst", 404), ("coordinator_south", 404), ("other_school_dsl", 404)],
)
def test_who_may_download_a_pack(planted, user, status):
    got, _ = download(getattr(planted.users, user), planted.meeting, "pack")
    assert got == status
