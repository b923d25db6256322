"""Every free-text field of every web form, found by walking the project's forms modules (so a new field is
checked as soon as it exists): a NUL character is refused with a field error (PostgreSQL cannot store one), and
text longer than the database column it is saved in is refused with a field error, never a database error."""

import importlib
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.forms import GovukFormMixin

PROJECT_APPS = [config for config in apps.get_app_configs() if str(config.path).startswith(str(settings.BASE_DIR / ""))]


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    sub: type
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def project_forms() -> list[Any]:
    """Every form class in a project app's forms module (each is imported, so none is missed)."""
    for config in PROJECT_APPS:
        try:
            importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.forms":
                raise
    classes = _subclasses(GovukFormMixin) | _subclasses(forms.Form)
    return sorted(
        (c for c in classes if c.__module__.split(".")[0] in {a.name for a in PROJECT_APPS}),
        key=lambda c: f"{c.__module__}.{c.__name__}",
    )


def text_fields() -> list[tuple[type, str, forms.CharField]]:
    return [
        (form, name, field)
        for form in project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
    ]


TEXT_FIELDS = text_fields()
IDS = [f"{form.__module__}.{form.__name__}.{name}" for form, name, _ in TEXT_FIELDS]


def test_the_forms_are_found():
    names = {form.__name__ for form, _, _ in TEXT_FIELDS}
    assert {"AddChildForm", "ReportMissingForm", "RecordInterviewForm", "ProfileForm", "ShareForm"} <= names
    assert len(TEXT_FIELDS) > 60


@pytest.mark.parametrize(("form", "name", "field"), TEXT_FIELDS, ids=IDS)
def test_a_nul_character_is_refused(form, name, field):
    with pytest.raises(ValidationError) as refused:
        field.clean("before\x00after")
    assert "Null characters are not allowed" in str(refused.value) or refused.value.messages


def _columns(form: type) -> dict[str, int]:
    """The bounded text columns of the form's own app's models, by field name."""
    app = form.__module__.split(".")[0]
    return {
        f.name: f.max_length
        for model in apps.get_app_config(app).get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField) and f.max_length and not f.choices
    }


# Where a form field's limit is knowingly above its column: the action normalises the value (strips spaces) and
# checks its shape before saving, so anything longer than the column is refused with a field error there.
NORMALISED_BEFORE_SAVING = {("PlaceForm", "postcode"), ("FindPlaceForm", "postcode")}  # the second is never saved


@pytest.mark.parametrize(("form", "name", "field"), TEXT_FIELDS, ids=IDS)
def test_text_longer_than_its_column_is_a_field_error(form, name, field):
    column = _columns(form).get(name)
    if column is None:
        return  # an unbounded (encrypted or text) column, or a field that is not saved as typed
    if (form.__name__, name) in NORMALISED_BEFORE_SAVING:
        return
    assert field.max_length is not None and field.max_length <= column, (
        f"{form.__name__}.{name} allows {field.max_length} characters; its column holds {column}"
    )
    with pytest.raises(ValidationError):
        field.clean("x" * (column + 1))
