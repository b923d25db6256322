"""The public concern form: every field validated with a GOV.UK message, the not-for-emergencies notice, the rate
limit per address, the time-based token and the honeypot; a sent concern is encrypted at rest, audited without its
words, and shown nowhere public."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from public.models import Concern, ConcernAttempt
from public.protection import address_digest, form_token_problem, issue_form_token
from tests.public.conftest import concern_answers

URL = reverse("public:concern", args=["901"])


def test_the_form_is_public_and_says_it_is_not_for_emergencies(client, public):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "This form is not for emergencies. If a child is in danger now, call 999." in body
    assert 'name="started"' in body and 'class="hw-honeypot"' in body
    assert 'id="quick-exit"' in body


def test_a_concern_lands_in_the_mash_queue(client, public):
    before = Concern.objects.count()
    response = client.post(URL, concern_answers())
    assert response.status_code == 302 and response["Location"] == reverse("public:concern-sent", args=["901"])
    assert Concern.objects.count() == before + 1
    concern = Concern.objects.latest("pk")
    assert concern.council == public.world.north and concern.is_open
    assert concern.worry.startswith("Picked up by an older man")
    event = AuditEvent.objects.get(object_type="concern", object_id=str(concern.pk))
    assert event.action == AuditEvent.Action.CREATE and event.actor is None
    assert "older man" not in str(event.changes) and "Robin" not in str(event.changes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT worry, reporter_name FROM public_concern WHERE id = %s", [concern.pk])
        worry, name = cursor.fetchone()
    assert "older man" not in worry and "Robin" not in name
    assert client.get(reverse("public:concern-sent", args=["901"])).status_code == 200


FIELD_ERRORS = [
    ({"reporter_name": ""}, "reporter_name", "Enter your name"),
    ({"reporter_role": ""}, "reporter_role", "Select where you know the child from"),
    ({"reporter_role": "spy"}, "reporter_role", "Select where you know the child from"),
    ({"reporter_email": "not-an-email"}, "reporter_email", "Enter an email address in the correct format"),
    ({"reporter_email": "", "reporter_phone": ""}, "reporter_email", "Enter an email address or a phone number"),
    ({"reporter_phone": "call me maybe"}, "reporter_phone", "Enter a phone number, like"),
    ({"child_age": "x" * 41}, "child_age", "Ensure this value has at most 40 characters"),
    ({"missing_now": ""}, "missing_now", "Select if the child is missing now"),
    ({"worry": ""}, "worry", "Enter what worries you"),
    ({"worry": "w" * 5001}, "worry", "5,000 characters or fewer"),
    ({"reporter_name": "n" * 201}, "reporter_name", "Ensure this value has at most 200 characters"),
]


@pytest.mark.parametrize(("changes", "field", "message"), FIELD_ERRORS)
def test_every_field_is_checked(client, public, changes, field, message):
    before = Concern.objects.count()
    response = client.post(URL, concern_answers(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert Concern.objects.count() == before
    assert "There is a problem" in response.content.decode()


def test_a_phone_number_alone_is_enough(client, public):
    response = client.post(URL, concern_answers(reporter_email="", reporter_phone="07700 900982"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda: "", "could not be checked"),
        (lambda: "123:forged", "could not be checked"),
        (lambda: issue_form_token(time.time() - 5 * 3600), "timed out"),
        (lambda: issue_form_token(time.time()), "sent too quickly"),
    ],
    ids=["missing", "forged", "expired", "too-fast"],
)
def test_the_time_based_token_is_checked(client, public, token, message):
    token = token()
    before = Concern.objects.count()
    response = client.post(URL, concern_answers(started=token))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].non_field_errors())
    assert Concern.objects.count() == before
    # The answers are kept, with a fresh token to send them again.
    body = response.content.decode()
    assert "Robin Coach" in body
    fresh = response.context["form"].data["started"]
    assert form_token_problem(fresh, now=time.time() + 60) == ""


def test_the_honeypot_looks_sent_but_keeps_nothing(client, public):
    before = Concern.objects.count()
    response = client.post(URL, concern_answers(website="https://spam.example"))
    assert response.status_code == 302 and response["Location"] == reverse("public:concern-sent", args=["901"])
    assert Concern.objects.count() == before


def test_the_rate_limit_is_per_address(public, settings):
    settings.HOMEWARD_CONCERN_RATE_LIMIT = 3
    flooder = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [flooder.post(URL, concern_answers(worry=f"Worry {n}")).status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    refused = flooder.post(URL, concern_answers())
    assert "Too many forms sent" in refused.content.decode()
    assert Concern.objects.count() == 1 + 3  # the fixture's concern and the three allowed
    # Another address is not held back by the first.
    assert Client(REMOTE_ADDR="198.51.100.7").post(URL, concern_answers()).status_code == 302
    # Addresses are kept only as a keyed hash.
    assert not ConcernAttempt.objects.filter(address_digest__contains="203.0.113.9").exists()
    assert ConcernAttempt.objects.filter(address_digest=address_digest("203.0.113.9")).count() == 6


def test_invalid_posts_count_towards_the_limit(public, settings):
    settings.HOMEWARD_CONCERN_RATE_LIMIT = 2
    prober = Client(REMOTE_ADDR="203.0.113.10")
    assert prober.post(URL, {}).status_code == 200
    assert prober.post(URL, {}).status_code == 200
    assert prober.post(URL, concern_answers()).status_code == 429


def test_attempts_older_than_the_window_are_forgotten(public, settings):
    settings.HOMEWARD_CONCERN_RATE_LIMIT = 1
    ConcernAttempt.objects.create(
        address_digest=address_digest("203.0.113.11"), attempted_at=timezone.now() - timedelta(hours=2)
    )
    assert Client(REMOTE_ADDR="203.0.113.11").post(URL, concern_answers()).status_code == 302
    assert ConcernAttempt.objects.filter(attempted_at__lt=timezone.now() - timedelta(hours=1)).count() == 0


def test_a_council_without_published_pages_has_no_form(client, public):
    assert client.get(reverse("public:concern", args=["902"])).status_code == 404
    assert client.post(reverse("public:concern", args=["902"]), concern_answers()).status_code == 404


def test_nothing_from_a_concern_is_on_a_public_page(client, public):
    for url in [
        reverse("public:index"),
        reverse("public:council", args=["901"]),
        reverse("public:page", args=["901", public.page.slug]),
        reverse("public:concern-sent", args=["901"]),
        reverse("public:privacy"),
    ]:
        body = client.get(url).content.decode()
        assert "Robin Coach" not in body and "older man" not in body, url
