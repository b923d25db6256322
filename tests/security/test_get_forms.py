"""No identifier or free text in a URL (issue 4): a form submitted with GET puts its fields in the address, and so
in server and proxy logs and browser history. Every search that takes a child's ID, a name, a date of birth, a
reference, a username or any words is posted (children, persons and places, the audit trail; the API's
POST /api/v1/children/search). These tests walk every GET form (method="get", or no method at all, which is GET,
or a button with formmethod="get") in every template, and in every page the permission matrix serves, and fail
for a field named in IDENTIFYING_NAMES, so a future GET search fails here rather than in a log."""

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import cast

from django.apps import apps
from django.conf import settings
from django.test import Client

from tests.permission_matrix import MATRIX
from tests.test_permission_matrix import _url

# Field names that carry who a child or a person is, or words someone typed: never in a GET form.
IDENTIFYING_NAMES = frozenset(
    {
        "q",
        "query",
        "search",
        "term",
        "words",
        "text",
        "child",
        "child_name",
        "la_child_id",
        "council_child_id",
        "upn",
        "nhs_number",
        "name",
        "first_name",
        "last_name",
        "full_name",
        "preferred_name",
        "date_of_birth",
        "dob",
        "police_reference",
        "reference",
        "username",
        "email",
        "phone",
        "telephone",
        "address",
        "postcode",
        "placement_postcode",
        "notes",
        "narrative",
        "reason",
        "description",
        "summary",
    }
)

FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.DOTALL | re.IGNORECASE)
METHOD = re.compile(r"""\bmethod\s*=\s*["']?(\w+)""", re.IGNORECASE)
GETS_BY_BUTTON = re.compile(r"""\bformmethod\s*=\s*["']?get\b""", re.IGNORECASE)
LITERAL_NAME = re.compile(r"""\bname\s*=\s*["']([^"'{}]+)["']""", re.IGNORECASE)
# A Django form field rendered in the template: {% govuk_field form.child %} or {{ form.child }}.
FIELD_REFERENCE = re.compile(r"""(?:\{%\s*govuk_field\s+|\{\{\s*)\w+\.(\w+)""")
BOX_SUFFIX = re.compile(r"_\d+$")  # a date's day, month and year boxes: date_of_birth_0 ... _2


def _identifying(names) -> set[str]:
    return {name for name in names if BOX_SUFFIX.sub("", name).lower() in IDENTIFYING_NAMES}


def _is_get(attrs: str, body: str) -> bool:
    method = METHOD.search(attrs)
    return method is None or method.group(1).lower() == "get" or bool(GETS_BY_BUTTON.search(body))


def get_form_names_in_template(source: str) -> set[str]:
    """The field names a template's GET forms submit, as far as its text names them."""
    names: set[str] = set()
    for form in FORM.finditer(source):
        if _is_get(form.group("attrs"), form.group("body")):
            names |= set(LITERAL_NAME.findall(form.group("body"))) | set(FIELD_REFERENCE.findall(form.group("body")))
    return names


class _GetFormFields(HTMLParser):
    """The names of the fields inside GET forms of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._form: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {"method": attributes.get("method", "get").lower(), "names": set()}
        elif self._form is not None:
            if tag == "button" and attributes.get("formmethod", "").lower() == "get":
                self._form["method"] = "get"
            if tag in {"input", "select", "textarea", "button"} and attributes.get("name"):
                self._form["names"].add(attributes["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            if self._form["method"] == "get":
                self.names |= self._form["names"]
            self._form = None


def get_form_names_in_page(html: str) -> set[str]:
    parser = _GetFormFields()
    parser.feed(html)
    return parser.names


def _project_templates() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(config.path) / "templates" for config in apps.get_app_configs()]
    folders += [Path(folder) for engine in settings.TEMPLATES for folder in cast(list, engine["DIRS"])]
    return sorted(
        template
        for folder in folders
        if folder.resolve().is_relative_to(base) and ".venv" not in folder.resolve().parts
        for template in folder.rglob("*.html")
    )


def test_the_checks_find_a_get_search():
    """A GET search, in a template's text or in a rendered page, is caught; a posted one is not."""
    template = """
        <form method="get" action="/x/">{% govuk_field form.child %}<input name="days"></form>
        <form novalidate><input type="text" name="q"></form>
        <form method="post">{% csrf_token %}<input name="name"><button formmethod="get">Go</button></form>
        <form method="post">{% csrf_token %}{{ form.la_child_id }}{% govuk_field form.date_of_birth %}</form>
    """
    assert _identifying(get_form_names_in_template(template)) == {"child", "q", "name"}
    page = """
        <form method="GET"><input name="date_of_birth_0"><select name="days"></select></form>
        <form><input name="username"></form>
        <form method="post"><input name="la_child_id"><textarea name="narrative"></textarea></form>
    """
    assert _identifying(get_form_names_in_page(page)) == {"date_of_birth_0", "username"}


def test_no_template_has_a_get_form_with_an_identifying_field():
    templates = _project_templates()
    assert len(templates) > 50, "the project's templates were not found"
    found = {
        str(template.relative_to(settings.BASE_DIR)): sorted(names)
        for template in templates
        if (names := _identifying(get_form_names_in_template(template.read_text(encoding="utf-8"))))
    }
    assert not found, f"GET forms with identifying or free-text fields (post them instead): {found}"


def test_no_page_has_a_get_form_with_an_identifying_field(matrix):
    """Every page, opened by someone allowed to: catches fields a template names only at run time (a loop over
    a form's fields)."""
    found, pages = {}, 0
    for entry in MATRIX:
        if entry.is_api or not entry.allowed:
            continue
        client = Client()
        client.force_login(getattr(matrix.users, sorted(entry.allowed)[0]))
        # A posted search's page is opened with GET too (its form is what matters); a POST-only page answers 405.
        response = client.get(_url(entry, matrix), entry.query if entry.method == "get" else {})
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        if names := _identifying(get_form_names_in_page(response.content.decode())):
            found[entry.key] = sorted(names)
    assert pages > 40, f"only {pages} pages were rendered"
    assert not found, f"GET forms with identifying or free-text fields (post them instead): {found}"
