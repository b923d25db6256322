"""The demo's public pages and MASH queue (issue 16): create_demo_users publishes the fictional council's pages as its
content editor and puts synthetic concerns in its MASH queue, once; the pages are public and the demo MASH worker
and editor see their work."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from access.models import User
from public.codes import ConcernOutcome
from public.models import Concern, PublicPage
from tests.synthetic.test_showcase import demo  # noqa: F401 - the fixture


@pytest.fixture
def people(demo):  # noqa: F811
    return User.objects.get(username="demo.mash"), User.objects.get(username="demo.content_editor")


def test_the_demo_publishes_pages_and_fills_the_mash_queue_once(demo, people):  # noqa: F811
    mash, editor = people
    council = editor.agency
    assert "Public pages: 5 published" in demo
    pages = PublicPage.objects.filter(council=council)
    assert pages.filter(published_version__isnull=False).count() == 5
    assert any(page.has_unpublished_changes for page in pages)  # the Contact us draft
    concerns = Concern.objects.filter(council=council)
    assert concerns.filter(outcome=ConcernOutcome.OPEN).count() == 3
    assert concerns.filter(outcome=ConcernOutcome.CLOSED).count() == 1
    call_command("create_demo_users", stdout=io.StringIO())  # idempotent
    assert PublicPage.objects.filter(council=council).count() == 5 and concerns.count() == 4

    visitor = Client()
    home = visitor.get(reverse("public:council", args=[council.code])).content.decode()
    for title in ("If you have run away or are thinking about it", "If your child is missing", "Contact us"):
        assert title in home
    for page in pages:
        assert visitor.get(reverse("public:page", args=[council.code, page.slug])).status_code == 200

    as_mash = Client()
    as_mash.force_login(mash)
    queue = as_mash.get(reverse("public:mash-queue")).content.decode()
    assert "3 waiting for triage" in queue and "Recently triaged" in queue
    as_editor = Client()
    as_editor.force_login(editor)
    assert "Draft changes" in as_editor.get(reverse("public:editor-pages")).content.decode()
