"""Intelligence from a return interview, passed to the police: a share of its own kind with its lawful basis (crime
prevention by default), its items linked to the persons and places of concern, seen by police of the force it went
to (others: 404), the child's words withheld unless shared, and a list the force works and acknowledges."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from network import actions as network_actions
from network.codes import Confidence, LinkSource, PersonKind
from sharing.actions import acknowledge_share, share_interview_intelligence
from sharing.codes import ChildConsent, LawfulBasis
from sharing.models import IntelligenceItem, Share
from sharing.shareable import INTERVIEW_INTELLIGENCE
from tests.sharing.conftest import planted

PURPOSE = "INTEL-PURPOSE: disrupt the adult who collects children from the bus station"


@pytest.fixture
def named(world, records):
    """A person the interview named, recorded by the council and linked to Jordan from the interview."""
    person = network_actions.add_person(
        acting_user=world.users.coordinator, kind=PersonKind.ADULT, display_name="Big Dee"
    )
    network_actions.link_child_to_person(
        acting_user=world.users.coordinator,
        child=world.child,
        person=person,
        source=LinkSource.INTERVIEW,
        linked_on=timezone.localdate() - dt.timedelta(days=3),
        confidence=Confidence.CONFIRMED,
        interview=records.interview,
    )
    return person


def _share(world, records, named, **overrides):
    fields = {
        "acting_user": world.users.practitioner,
        "interview": records.interview,
        "to_agency": world.police_north,
        "persons": [named],
        "vehicles": ["Blue Ford Fiesta AB12 CDE", " "],
        "phone_numbers": ["07700 900123"],
        "child_consent": ChildConsent.NOT_SOUGHT,
        "child_consent_reason": "Seeking consent would put the child at risk",
        "purpose": PURPOSE,
        **overrides,
    }
    return share_interview_intelligence(**fields)


def test_the_practitioner_passes_structured_intelligence_on_crime_prevention_by_default(world, records, named):
    share = _share(world, records, named)
    assert (share.what, share.lawful_basis) == (INTERVIEW_INTELLIGENCE, LawfulBasis.CRIME_PREVENTION)
    assert share.interview_id == records.interview.pk and not share.include_childs_words
    items = {(i.kind, i.person_id, i.detail) for i in IntelligenceItem.objects.filter(share=share)}
    assert items == {
        ("person", named.pk, ""),
        ("vehicle", None, "Blue Ford Fiesta AB12 CDE"),
        ("phone", None, "07700 900123"),
    }
    audit = AuditEvent.objects.filter(object_type="share", object_id=str(share.pk))
    assert audit.count() == 2
    assert "AB12" not in str(list(audit.values_list("changes", flat=True)))
    assert "INTEL-PURPOSE" not in str(list(audit.values_list("changes", flat=True)))


def test_the_coordinator_may_pass_it_and_other_roles_may_not(world, records, named):
    assert _share(world, records, named, acting_user=world.users.coordinator).pk
    for who in ("social_worker", "other_practitioner", "police", "coordinator_south"):
        with pytest.raises(ValidationError):
            _share(world, records, named, acting_user=getattr(world.users, who), vehicles=[f"car of {who}"])


def test_refusals_name_the_field(world, records, named):
    cases = [
        ({"persons": [], "vehicles": [], "phone_numbers": []}, "persons"),
        ({"to_agency": world.health}, "recipient"),
        ({"to_agency": world.police_south}, "recipient"),  # not a force of this child
        ({"persons": [records.person]}, None),  # police-only person, linked, but not the practitioner's to pass
        ({"vehicles": ["x" * 301]}, "vehicles"),
        ({"purpose": " "}, "purpose"),
    ]
    for overrides, field in cases[:2] + cases[4:]:
        with pytest.raises(ValidationError) as refused:
            _share(world, records, named, **overrides)
        assert field in refused.value.message_dict
    assert not Share.objects.filter(what=INTERVIEW_INTELLIGENCE).exists()
    assert not IntelligenceItem.objects.exists()


def test_police_of_the_force_see_it_others_get_404_and_the_words_are_withheld(client, world, records, named):
    share = _share(world, records, named)
    url = reverse("sharing:detail", args=[share.pk])
    client.force_login(world.users.police)
    page = client.get(url).content.decode()
    assert "Big Dee" in page and "Blue Ford Fiesta AB12 CDE" in page and "INTEL-PURPOSE" in page
    assert planted("narrative") not in page and planted("who_with") not in page
    assert "was not shared" in page
    for who in ("police_south", "health", "school_dsl"):
        client.force_login(getattr(world.users, who))
        assert client.get(url).status_code == 404
    # The share does not open the interview itself to the police.
    client.force_login(world.users.police)
    assert client.get(reverse("interviews:detail", args=[records.interview.pk])).status_code in (403, 404)


def test_the_childs_words_go_only_when_the_sharer_includes_them(client, world, records, named):
    share = _share(world, records, named, include_childs_words=True)
    client.force_login(world.users.police)
    page = client.get(reverse("sharing:detail", args=[share.pk])).content.decode()
    assert planted("narrative") in page and planted("who_with") in page


def test_the_force_lists_and_acknowledges_once(client, world, records, named):
    share = _share(world, records, named)
    client.force_login(world.users.police)
    listed = client.get(reverse("sharing:intelligence")).content.decode()
    assert "Jordan Example" in listed and "Not yet" in listed
    done = client.post(reverse("sharing:acknowledge", args=[share.pk]), {"version": share.version})
    assert done.status_code == 302
    share.refresh_from_db()
    assert share.acknowledged_by_id == world.users.police.pk and share.acknowledged_at is not None
    listed = client.get(reverse("sharing:intelligence")).content.decode()
    assert "Not yet" not in listed and str(world.users.police) in listed
    again = client.post(reverse("sharing:acknowledge", args=[share.pk]), {"version": share.version})
    assert again.status_code == 200 and "already acknowledged" in again.content.decode()  # once only
    client.force_login(world.users.police_south)
    assert "Jordan Example" not in client.get(reverse("sharing:intelligence")).content.decode()


def test_acknowledging_is_version_checked_and_for_the_receiving_force_only(world, records, named):
    share = _share(world, records, named)
    with pytest.raises(ConflictError):
        acknowledge_share(share, expected_version=share.version + 1, acting_user=world.users.police)
    with pytest.raises(ValidationError):
        acknowledge_share(share, expected_version=share.version, acting_user=world.users.coordinator)
    acknowledge_share(share, expected_version=share.version, acting_user=world.users.police)


def test_the_form_passes_intelligence(client, world, records, named):
    client.force_login(world.users.practitioner)
    url = reverse("sharing:share-intelligence", args=[records.interview.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Big Dee" in form.content.decode()
    refused = client.post(
        url,
        {"force": world.police_north.pk, "lawful_basis": "crime_prevention", "child_consent": "given", "purpose": "x"},
    )
    assert "Choose or enter at least one person" in refused.content.decode()
    assert "Enter why you are sharing this" in client.post(url, {}).content.decode()
    done = client.post(
        url,
        {
            "force": world.police_north.pk,
            "persons": [named.pk],
            "addresses": "12 Example Road",
            "lawful_basis": "crime_prevention",
            "child_consent": "given",
            "purpose": PURPOSE,
        },
    )
    assert done.status_code == 302
    assert [i.detail for i in IntelligenceItem.objects.filter(kind="address")] == ["12 Example Road"]
    client.force_login(world.users.social_worker)
    assert client.get(url).status_code == 403
