"""core.sections: the sections apps add to other apps' pages are built by the page's view, in order, and the
templates only display them (no template tag runs a scoped lookup but the two the ADR names)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import sections

# The template tags that still run a lookup, each with the reason (docs/adr/0003-layers-kernel-and-per-app-scoping.md):
# none since the emergency access banner is built by a context processor (core.banners).
TAGS_THAT_LOOK_UP: set[str] = set()


@pytest.fixture
def slot(monkeypatch):
    monkeypatch.setattr(sections, "_slots", {})
    return "test:slot"


def test_a_slot_builds_its_sections_in_order_leaving_out_those_not_shown(slot):
    sections.register(slot, "later", order=20, template="b.html", context=lambda user, *, n: {"n": n * 2})
    sections.register(slot, "hidden", order=5, template="x.html", context=lambda user, *, n: None)
    sections.register(slot, "first", order=10, template="a.html", context=lambda user, *, n: {"n": n})

    built = sections.build(slot, user=None, n=3)

    assert built == [sections.Section("a.html", {"n": 3}), sections.Section("b.html", {"n": 6})]


def test_registering_an_app_again_replaces_its_section(slot):
    sections.register(slot, "app", order=10, template="old.html", context=lambda user: {})
    sections.register(slot, "app", order=10, template="new.html", context=lambda user: {})

    assert [section.template for section in sections.build(slot, user=None)] == ["new.html"]


def test_an_empty_slot_builds_nothing():
    assert sections.build("no:such-slot", user=None) == []


def test_rendering_sections_runs_no_query(db):
    built = [sections.Section("governance/includes/child_section.html", {"shown": True, "child": {"pk": 7}})]
    template = Template("{% load govuk %}{% page_sections built %}")

    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"built": built}))

    assert f'href="{reverse("governance:subject-access", args=[7])}"' in html
    assert len(queries) == 0


def test_the_child_episode_and_interview_pages_slots_are_filled_by_their_apps():
    filled = {slot: set(apps) for slot, apps in sections._slots.items()}
    assert filled["child:top"] == {"risk", "philomena"}
    assert filled["child:bottom"] == {"sharing", "governance"}
    assert filled["episode:actions"] == {"philomena", "sharing"}
    assert filled["interview:top"] == {"risk"}
    assert filled["interview:actions"] == {"sharing"}


def _tags_taking_the_context() -> set[str]:
    """Every template tag in the project registered with takes_context=True: the ones that can reach the user."""
    found = set()
    for path in Path(settings.BASE_DIR).glob("*/templatetags/*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and any(
                    keyword.arg == "takes_context" and getattr(keyword.value, "value", False)
                    for keyword in decorator.keywords
                ):
                    found.add(f"{path.relative_to(settings.BASE_DIR)}:{node.name}")
    return found


def test_no_other_template_tag_reaches_for_the_user():
    # page_sections takes the context only for the request (the CSRF token of the sections' forms).
    assert _tags_taking_the_context() - {"core/templatetags/govuk.py:page_sections"} == TAGS_THAT_LOOK_UP
