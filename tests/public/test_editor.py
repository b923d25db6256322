"""The content editor: pages saved as versions (draft or published), preview without saving, unpublishing, the
optimistic lock, audit, and each council's editors only ever reaching their own council's pages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from public.actions import save_page, unpublish_page
from public.models import PublicPage
from tests.public.conftest import PAGE_BODY, publish_page
from tests.web.helpers import assert_redirects_to_sign_in


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_answers(page=None, **changes) -> dict:
    review = timezone.localdate() + dt.timedelta(days=30)
    answers = {
        "title": "If you have run away",
        "summary": "Who you can talk to",
        "body": "You can call **116 000** any time.",
        "slug": "if-you-have-run-away",
        "order": "20",
        "review_by_0": str(review.day),
        "review_by_1": str(review.month),
        "review_by_2": str(review.year),
        "version": str(page.version) if page else "",
        "intent": "publish",
    }
    answers.update(changes)
    return answers


def test_saving_makes_versions_and_only_the_published_one_is_public(public):
    editor, page = public.users.editor, public.page
    assert page.latest_version.number == 1 and page.published_version == page.latest_version
    draft = save_page(
        page,
        council=page.council,
        title="If your child is missing (new)",
        summary="Draft summary",
        body="Draft words",
        slug=page.slug,
        order=5,
        review_by=page.review_by,
        publish=False,
        acting_user=editor,
        expected_version=page.version,
    )
    assert draft.latest_version.number == 2 and draft.published_version.number == 1
    assert draft.has_unpublished_changes
    public_page = Client().get(reverse("public:page", args=["901", page.slug]))
    assert public_page.status_code == 200
    assert "Draft words" not in public_page.content.decode() and "116 000" in public_page.content.decode()
    events = AuditEvent.objects.filter(object_type="publicpage", object_id=str(page.pk)).order_by("id")
    assert [e.action for e in events] == [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]
    assert "saved as a draft: version 2" in events.last().summary
    assert events.last().changes["latest_version"] == [1, 2]


def test_a_stale_version_is_a_conflict_and_nothing_is_saved(public):
    page = public.page
    with pytest.raises(ConflictError):
        save_page(
            page,
            council=page.council,
            title="x",
            summary="y",
            body="z",
            slug=page.slug,
            order=1,
            review_by=page.review_by,
            publish=True,
            acting_user=public.users.editor,
            expected_version=page.version + 1,
        )
    assert page.versions.count() == 1


def test_hostile_content_is_refused_on_the_body_field(public):
    with pytest.raises(ValidationError) as refused:
        save_page(
            None,
            council=public.world.north,
            title="Bad",
            summary="Bad",
            body="<script>alert(1)</script>",
            slug="bad",
            order=1,
            review_by=timezone.localdate(),
            publish=True,
            acting_user=public.users.editor,
        )
    assert "remove <script>" in " ".join(refused.value.message_dict["body"])
    assert not PublicPage.objects.filter(slug="bad").exists()


def test_two_pages_of_one_council_cannot_share_an_address(public):
    with pytest.raises(ValidationError) as refused:
        publish_page(public.world.north, public.users.editor)
    assert "already has this address" in refused.value.message_dict["slug"][0]
    publish_page(public.world.south, public.users.editor_south)  # another council may use it


def test_the_editor_adds_previews_and_publishes_a_page(public):
    client = _client(public.users.editor)
    assert client.get(reverse("public:editor-pages")).status_code == 200
    preview = client.post(reverse("public:editor-new"), page_answers(intent="preview"))
    assert preview.status_code == 200
    assert "Preview: not saved" in preview.content.decode()
    assert "<strong>116 000</strong>" in preview.content.decode()
    assert not PublicPage.objects.filter(slug="if-you-have-run-away").exists()
    saved = client.post(reverse("public:editor-new"), page_answers())
    page = PublicPage.objects.get(council=public.world.north, slug="if-you-have-run-away")
    assert saved.status_code == 302 and saved["Location"] == reverse("public:editor-edit", args=[page.pk])
    assert Client().get(reverse("public:page", args=["901", page.slug])).status_code == 200


def test_previewing_hostile_content_shows_the_problem_and_saves_nothing(public):
    client = _client(public.users.editor)
    response = client.post(
        reverse("public:editor-new"), page_answers(body='<a href="x" onclick="steal()">hi</a>', intent="preview")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "event handlers: remove onclick" in body
    assert 'onclick="steal()"' not in body
    assert not PublicPage.objects.filter(slug="if-you-have-run-away").exists()


def test_every_field_of_the_page_form_is_checked(public):
    client = _client(public.users.editor)
    response = client.post(
        reverse("public:editor-new"),
        {"title": "", "summary": "", "body": "", "slug": "Not A Slug!", "order": "x", "intent": "publish"},
    )
    errors = response.context["form"].errors
    assert errors["title"] == ["Enter the page's title"]
    assert errors["summary"] == ["Enter a summary of the page"]
    assert errors["body"] == ["Enter the page's content"]
    assert "only lower-case letters" in errors["slug"][0]
    assert errors["order"] == ["Enter the position as a whole number, such as 10"]
    assert errors["review_by"] == ["Enter a review date"]


def test_a_stale_edit_form_gets_a_conflict(public):
    client = _client(public.users.editor)
    page = public.page
    response = client.post(
        reverse("public:editor-edit", args=[page.pk]), page_answers(page, slug=page.slug, version=str(page.version + 3))
    )
    assert response.status_code == 409
    assert page.versions.count() == 1


def test_unpublishing_takes_the_page_off_the_public_site(public):
    page = public.page
    client = _client(public.users.editor)
    response = client.post(reverse("public:editor-unpublish", args=[page.pk]), {"version": str(page.version)})
    assert response.status_code == 302
    assert Client().get(reverse("public:page", args=["901", page.slug])).status_code == 404
    # Northmoor has no published page left: its public home is gone too.
    assert Client().get(reverse("public:council", args=["901"])).status_code == 404
    page.refresh_from_db()
    with pytest.raises(ValidationError):
        unpublish_page(page, expected_version=page.version, acting_user=public.users.editor)


def test_versions_are_listed_and_each_can_be_read(public):
    client = _client(public.users.editor)
    page = public.page
    listing = client.get(reverse("public:editor-versions", args=[page.pk]))
    assert "Version 1" in listing.content.decode()
    shown = client.get(reverse("public:editor-version", args=[page.pk, 1]))
    assert shown.status_code == 200 and PAGE_BODY.splitlines()[0].replace("**", "") in shown.content.decode().replace(
        "<strong>", ""
    ).replace("</strong>", "")
    assert client.get(reverse("public:editor-version", args=[page.pk, 9])).status_code == 404


@pytest.mark.parametrize("name", ["editor-edit", "editor-versions"])
def test_another_councils_editor_gets_404(public, name):
    response = _client(public.users.editor_south).get(reverse(f"public:{name}", args=[public.page.pk]))
    assert response.status_code == 404
    assert "If your child is missing" not in response.content.decode()


@pytest.mark.parametrize("user", ["coordinator", "mash", "admin"])
def test_other_roles_may_not_edit_pages(public, user):
    client = _client(getattr(public.users, user))
    assert client.get(reverse("public:editor-pages")).status_code == 403
    assert client.get(reverse("public:editor-edit", args=[public.page.pk])).status_code == 403


def test_the_editor_pages_need_sign_in(client, public):
    assert_redirects_to_sign_in(client.get(reverse("public:editor-pages")), reverse("public:editor-pages"))


def test_the_menu_offers_public_pages_to_editors_only(public):
    assert "Public pages" in _client(public.users.editor).get(reverse("public:editor-pages")).content.decode()
    assert ">Public pages<" not in _client(public.users.coordinator).get(reverse("core:my-work")).content.decode()
