"""The public app's test records on top of `world`: content editors and MASH workers in both councils and at
Northmoor's police force, Northmoor's published pages, and a concern waiting in Northmoor's MASH queue."""

import datetime as dt
import time
from types import SimpleNamespace

import pytest
from django.utils import timezone

from access.models import Role
from public.actions import save_page, submit_concern
from public.codes import MissingNow, ReporterRole
from public.protection import issue_form_token
from tests.factories import UserFactory

PAGE_BODY = "Call or text **116 000**.\n\n## If you are in danger\n\n- call 999\n- [talk to us](tel:01632960100)"


def publish_page(council, editor, *, slug="if-your-child-is-missing", title="If your child is missing", publish=True):
    return save_page(
        None,
        council=council,
        title=title,
        summary="What to do, who to call",
        body=PAGE_BODY,
        slug=slug,
        order=10,
        review_by=timezone.localdate() + dt.timedelta(days=90),
        publish=publish,
        acting_user=editor,
    )


def concern_answers(**changes) -> dict:
    """A valid concern form, served a minute ago (old enough to pass the time-based token)."""
    answers = {
        "reporter_name": "Robin Coach",
        "reporter_role": ReporterRole.YOUTH,
        "reporter_organisation": "Northmoor Boxing Club",
        "reporter_email": "robin@example.test",
        "reporter_phone": "",
        "child_name": "Kai",
        "child_age": "about 14",
        "child_whereabouts": "Trains on Tuesdays",
        "missing_now": MissingNow.NOT_KNOWN,
        "worry": "Picked up by an older man in a car after training; new phone and cash.",
        "website": "",
        "started": issue_form_token(time.time() - 60),
    }
    answers.update(changes)
    return answers


def concern_fields(**changes) -> dict:
    """What `submit_concern` takes, from the same answers."""
    return {k: v for k, v in concern_answers(**changes).items() if k not in ("website", "started")}


@pytest.fixture
def public(world):
    users = world.users
    users.editor = UserFactory(username="editor.north", agency=world.north, roles=[Role.CONTENT_EDITOR])
    users.editor_south = UserFactory(username="editor.south", agency=world.south, roles=[Role.CONTENT_EDITOR])
    users.mash = UserFactory(username="mash.north", agency=world.north, roles=[Role.MASH])
    users.mash_police = UserFactory(username="mash.police", agency=world.police_north, roles=[Role.MASH])
    users.mash_south = UserFactory(username="mash.south", agency=world.south, roles=[Role.MASH])
    page = publish_page(world.north, users.editor)
    concern = submit_concern(world.north, **concern_fields())
    return SimpleNamespace(world=world, users=users, page=page, concern=concern)
