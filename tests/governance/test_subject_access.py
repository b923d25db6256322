"""Subject access: everything held about one child, other children's names redacted, police-only intelligence out."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from access.audit import first_broken_event
from access.models import AuditEvent, Role
from children.models import Child
from governance.subject_access import REDACTED, NameRedactor
from tests.factories import ChildFactory, UserFactory
from tests.governance.conftest import NARRATIVE, POLICE_ONLY_NAME, POLICE_ONLY_PLACE


def export(child, tmp_path, name="record.json") -> tuple[str, dict | None]:
    out = tmp_path / name
    call_command("export_child_record", str(child.pk), "--out", str(out), stdout=io.StringIO())
    text = out.read_text(encoding="utf-8")
    return text, (json.loads(text) if name.endswith(".json") else None)


def test_the_export_holds_every_part_of_the_childs_record(world, full_record, tmp_path):
    text, record = export(world.child, tmp_path)
    assert record["export"]["homeward_child_id"] == world.child.pk
    child = record["child"]
    assert child["first_name"] == "Jordan" and child["last_name"] == "Example"
    assert child["la_child_id"] == "N000123" and child["upn"] == "A123456789012"
    assert child["date_of_birth"] == "2011-03-04"
    assert child["responsible_council"] == "Northmoor Council"
    assert child["legal_status"] == "Looked after (child in care)"

    episodes = record["missing_episodes"]
    assert [e["id"] for e in episodes] == [e.pk for e in full_record.episodes]
    assert episodes[0]["circumstances"] == "Left after an argument"
    assert episodes[0]["harm_on_return"] == "Tired and hungry"
    history = episodes[0]["risk_grade_history"]
    assert [h["grade"] for h in history] == ["Medium", "High"]

    (interview,) = record["return_interviews"]
    assert interview["where_stayed"] == "A flat above the takeaway"  # decrypted: the child is the data subject
    assert interview["childs_wishes"] == "To stay at home"
    assert interview["episodes_covered"] == [full_record.episodes[0].pk]
    assert interview["outcome"] == "Accepted"

    assert record["care_episodes"][0]["decom"] == "2024-06-01"
    assert record["alerts"][0]["kind"] == "High risk grade"
    assert record["screenings"][0]["level"] == "Medium"
    assert record["referrals"][0]["reason"] == "Linked to older males"
    assert record["referrals"][0]["status_history"][0]["note"] == "Referred by phone"

    (person_link,) = record["network_links"]["persons"]
    assert person_link["person"] == {"label": "Older male known as Dee", "kind": "Adult"}
    assert person_link["source"] == "Seen with"
    (place_link,) = record["network_links"]["places"]
    assert place_link["place"]["name"] == "Chicken Palace takeaway"
    # Third-party details are withheld, and say so.
    for withheld in ("D-Man", "grey hatchback", "07700 900123", "12 Eastgate Street"):
        assert withheld not in text
    assert any("third-party" in note for note in record["export"]["withheld"])

    actions = {event["action"] for event in record["audit_events"]}
    assert "Created" in actions or "Viewed" in actions or record["audit_events"]
    assert all("ip_address" not in event for event in record["audit_events"])


def test_police_only_intelligence_is_left_out_and_the_export_says_why(world, full_record, tmp_path):
    text, record = export(world.child, tmp_path)
    assert POLICE_ONLY_NAME not in text
    assert POLICE_ONLY_PLACE not in text
    assert "ongoing police operation" not in text
    assert str(full_record.secret_link.pk) not in [str(link["id"]) for link in record["network_links"]["persons"]]
    assert any("Police-only intelligence is not included" in note for note in record["export"]["withheld"])
    # Nor do the audit events about it give it away.
    linked = [e for e in record["audit_events"] if e["record"].startswith(("childpersonlink", "childplacelink"))]
    assert [e["record"] for e in linked] == [
        f"childpersonlink {full_record.person_link.pk}",
        f"childplacelink {full_record.place_link.pk}",
    ]


def test_other_childrens_names_are_redacted_wherever_they_appear(world, full_record, tmp_path):
    text, record = export(world.child, tmp_path)
    for name in ("Riley", "Sample", "Casey"):  # a surname alone ("Outside the shop") is not a name
        assert name not in text, name
    assert record["missing_episodes"][0]["found_with"] == f"{REDACTED} and an older male"
    assert record["return_interviews"][0]["narrative"] == (
        f"Jordan said they stayed with {REDACTED} and {REDACTED} at a flat; {REDACTED} bought them food."
    )
    assert record["return_interviews"][0]["who_with"] == f"{REDACTED} and an adult called Dee"
    assert record["missing_episodes"][0]["risk_grade_history"][1]["reason"] == (
        f"Seen with {REDACTED} near the trap flat"
    )
    assert record["screenings"][0]["notes"] == f"Concerns shared by {REDACTED}'s carer"
    assert NARRATIVE.startswith("Jordan")  # the child's own name stays


def test_the_redactor_keeps_the_childs_own_names_and_ordinary_words(world):
    ChildFactory(first_name="Jordan", last_name="Other", responsible_council=world.north)  # shares a first name
    ChildFactory(first_name="Will", last_name="Brook", responsible_council=world.north)
    redactor = NameRedactor(Child.objects.get(pk=world.child.pk))
    assert redactor.redact("Jordan went out with Will Brook.") == f"Jordan went out with {REDACTED}."
    assert redactor.redact("She will be back; Jordan Other called.") == f"She will be back; {REDACTED} called."
    assert redactor.redact("Will said no.") == f"{REDACTED} said no."
    assert redactor.redact("Will Brook's phone") == f"{REDACTED}'s phone"
    assert redactor.redact("") == ""


def test_the_html_file_holds_the_same_escaped(world, full_record, tmp_path):
    full_record.interview.narrative = "<script>alert('x')</script> with Riley Sample"
    full_record.interview.save()
    text, _ = export(world.child, tmp_path, "record.html")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Riley" not in text and REDACTED in text
    assert POLICE_ONLY_NAME not in text
    assert "Police-only intelligence is not included" in text
    assert "A flat above the takeaway" in text


def test_the_command_is_audited_and_refuses_an_unknown_child(world, full_record, tmp_path):
    export(world.child, tmp_path)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SUBJECT_ACCESS)
    assert event.child_id == world.child.pk and event.channel == "command" and event.actor is None
    with pytest.raises(CommandError, match="No child with record number 999999"):
        call_command("export_child_record", "999999", "--out", str(tmp_path / "x.json"))
    assert first_broken_event() is None


def test_a_philomena_profile_and_its_versions_are_included(world, full_record, tmp_path):
    from django.utils import timezone

    from philomena.models import PhilomenaProfile, ProfileVersion

    profile = PhilomenaProfile.objects.create(child=world.child, created_by=world.users.coordinator)
    ProfileVersion.objects.create(
        profile=profile,
        number=1,
        hair="Short, brown",
        associates="Often with Riley Sample",
        created_at=timezone.now(),
        created_by=world.users.coordinator,
    )
    _, record = export(world.child, tmp_path)
    (held,) = record["other_records"]["philomena.philomenaprofile"]
    (version,) = held["philomena.profileversion"]
    assert version["hair"] == "Short, brown"
    assert version["associates"] == f"Often with {REDACTED}"


# --- The coordinator's page ---------------------------------------------------------------------------


def page(child) -> str:
    return reverse("governance:subject-access", args=[child.pk])


def download(child) -> str:
    return reverse("governance:subject-access-download", args=[child.pk])


def test_the_coordinator_downloads_the_export(client, world, full_record):
    client.force_login(world.users.coordinator)
    response = client.get(page(world.child))
    assert response.status_code == 200
    assert b"Subject access export" in response.content
    json_file = client.post(download(world.child), {"format": "json"})
    assert json_file.status_code == 200
    assert json_file["Content-Type"] == "application/json"
    assert json_file["Content-Disposition"].startswith(f'attachment; filename="subject-access-{world.child.pk}-')
    record = json.loads(json_file.content)
    assert record["child"]["first_name"] == "Jordan"
    assert record["export"]["generated_by"].endswith("(Northmoor Council)")
    html_file = client.post(download(world.child), {"format": "html"})
    assert html_file["Content-Type"].startswith("text/html")
    assert b"Riley" not in html_file.content
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SUBJECT_ACCESS).order_by("id")
    assert [e.summary for e in events] == [
        "Subject access export produced (JSON)",
        "Subject access export produced (HTML)",
    ]
    assert all(e.actor == world.users.coordinator and e.child_id == world.child.pk for e in events)


def test_the_hosting_councils_coordinator_may_export_a_placed_child(client, world):
    client.force_login(world.users.coordinator)
    assert client.get(page(world.placed_child)).status_code == 200


@pytest.mark.parametrize("who", ["social_worker", "manager", "police", "school_dsl"])
def test_other_roles_who_see_the_child_are_refused(client, world, who):
    client.force_login(getattr(world.users, who))
    assert client.get(page(world.child)).status_code == 403
    assert client.post(download(world.child), {"format": "json"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SUBJECT_ACCESS).exists()


@pytest.mark.parametrize("who", ["coordinator_south", "other_school_dsl", "practitioner", "health", "analyst", "admin"])
def test_those_who_cannot_see_the_child_get_not_found(client, world, who):
    client.force_login(getattr(world.users, who))
    for response in (client.get(page(world.child)), client.post(download(world.child), {"format": "json"})):
        assert response.status_code == 404
        assert b"Jordan" not in response.content


def test_an_auditor_cannot_export(client, world):
    auditor = UserFactory(username="auditor.x", agency=world.north, roles=[Role.AUDITOR])
    client.force_login(auditor)
    assert client.get(page(world.child)).status_code == 404


def test_a_download_must_be_posted(client, world):
    client.force_login(world.users.coordinator)
    assert client.get(download(world.child)).status_code == 405


def test_the_childs_record_links_to_the_export_for_the_coordinator_only(client, world):
    link = page(world.child).encode()
    client.force_login(world.users.coordinator)
    assert link in client.get(f"/children/{world.child.pk}/").content
    client.force_login(world.users.social_worker)
    assert link not in client.get(f"/children/{world.child.pk}/").content


def test_shares_are_included_but_never_a_share_of_police_intelligence(world, full_record, tmp_path):
    from django.utils import timezone

    from sharing.models import Share

    common = {
        "child": world.child,
        "to_agency": world.school,
        "shared_at": timezone.now(),
        "lawful_basis": "children_act_s17",
        "child_consent": "given",
    }
    Share.objects.create(
        what="episode_summary",
        episode=full_record.episodes[0],
        shared_by=world.users.coordinator,
        from_agency=world.north,
        purpose="So the school can support Jordan",
        **common,
    )
    Share.objects.create(
        what="police_intelligence",
        person=full_record.secret_person,
        shared_by=world.users.police,
        from_agency=world.police_north,
        purpose="Operation Kestrel briefing",
        **common,
    )
    text, record = export(world.child, tmp_path)
    (share,) = record["other_records"]["sharing.share"]
    assert share["purpose"] == "So the school can support Jordan"
    assert "Operation Kestrel" not in text and POLICE_ONLY_NAME not in text


def test_who_the_child_was_found_with_is_counted_never_named(world, full_record, tmp_path):
    """Issue 14: the found-with links (episodes.EpisodeFoundWith) of the child's episodes are in the export as
    counts, and so are other children's episodes that record the child as found with them; no other child's name
    or id leaves."""
    from django.utils import timezone

    from episodes.models import EpisodeFoundWith, MissingEpisode
    from tests.factories import EpisodeFactory

    other = ChildFactory(first_name="Tamsin", last_name="Otherchild", responsible_council=world.north)
    first = MissingEpisode.objects.filter(child=world.child).order_by("last_seen_at").first()
    now, police = timezone.now(), world.users.police
    EpisodeFoundWith.objects.create(episode=first, other_child=other, recorded_by=police, recorded_at=now)
    EpisodeFoundWith.objects.create(episode=first, unknown_count=2, recorded_by=police, recorded_at=now)
    theirs = EpisodeFactory(child=other, police_force=world.police_north, created_by=police)
    EpisodeFoundWith.objects.create(episode=theirs, other_child=world.child, recorded_by=police, recorded_at=now)
    text, record = export(world.child, tmp_path)
    episodes = record["missing_episodes"]
    assert episodes[0]["found_with_links"] == {"other_children": 1, "children_not_known": 2}
    assert episodes[1]["found_with_links"] == {"other_children": 0, "children_not_known": 0}
    assert record["found_with_in_other_childrens_episodes"] == 1
    assert "Tamsin" not in text and "Otherchild" not in text and f'"other_child": {other.pk}' not in text
    html, _ = export(world.child, tmp_path, "record.html")
    assert "Found with in other childrens episodes" in html and "Tamsin" not in html
