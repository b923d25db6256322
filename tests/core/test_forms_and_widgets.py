"""The GOV.UK form plumbing the pages share: date boxes, how fields render, and the error summary."""

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

from core.formatting import duration_text, yes_no_not_known
from core.forms import STALE_FORM_MESSAGE, GovukForm, VersionField, checkboxes, radios
from core.widgets import GovukDateField, GovukDateTimeField


class DateForm(GovukForm):
    when = GovukDateTimeField(error_messages={"required": "Enter when"})
    born = GovukDateField(required=False)


def boxes(name: str, *parts: str) -> dict[str, str]:
    return {f"{name}_{index}": part for index, part in enumerate(parts)}


def test_date_time_boxes_give_an_aware_london_time():
    form = DateForm(boxes("when", "3", "7", "2026", "21:30") | boxes("born", "4", "3", "2011"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == timezone.make_aware(dt.datetime(2026, 7, 3, 21, 30))
    assert form.cleaned_data["when"].utcoffset() == dt.timedelta(hours=1)  # British Summer Time
    assert form.cleaned_data["born"] == dt.date(2011, 3, 4)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", "", ""), "Enter when"),
        (("3", "", "2026", "10:00"), "The date must include a month"),
        (("31", "2", "2026", "10:00"), "The date must be a real date"),
        (("3", "2", "26", "10:00"), "The date must have the year as four digits"),
        (("3", "2", "2026", ""), "The date must include a time, such as 21:30"),
        (("3", "2", "2026", "25:00"), "The date must have a real time on the 24-hour clock"),
    ],
)
def test_date_time_boxes_explain_what_is_wrong(parts, message):
    form = DateForm(boxes("when", *parts))
    assert not form.is_valid()
    assert any(message in text for text in form.errors["when"])


class TwoDatesForm(GovukForm):
    last_seen_at = GovukDateTimeField(label="When was the child last seen?", subject="The date last seen")
    returned_at = GovukDateTimeField(label="When was the child found?", subject="The date found")


def test_each_error_names_its_date_and_a_bad_date_and_time_are_both_reported():
    """ "31 February, 25:99" once got only "The date must be a real date": which date, and what of the time?"""
    form = TwoDatesForm(
        boxes("last_seen_at", "31", "2", "2026", "25:99") | boxes("returned_at", "3", "", "2026", "09:00")
    )
    assert not form.is_valid()
    assert form.errors["last_seen_at"] == [
        "The date last seen must be a real date",
        "The date last seen must have a real time on the 24-hour clock, such as 21:30",
    ]
    assert form.errors["returned_at"] == ["The date found must include a month"]


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(seconds=30), "less than a minute"),
        (dt.timedelta(minutes=-5), "less than a minute"),
        (dt.timedelta(minutes=1), "1 minute"),
        (dt.timedelta(minutes=45), "45 minutes"),
        (dt.timedelta(hours=1), "1 hour"),
        (dt.timedelta(hours=5, minutes=10), "5 hours 10 minutes"),
        (dt.timedelta(days=1), "1 day"),
        (dt.timedelta(days=1, hours=1, minutes=59), "1 day 1 hour"),
        (dt.timedelta(days=2, hours=3, minutes=10), "2 days 3 hours"),
    ],
)
def test_duration_text(delta, text):
    assert duration_text(delta) == text


def test_yes_no_not_known():
    assert [yes_no_not_known(v) for v in (True, False, None)] == ["Yes", "No", "Not known"]


class ChoicesForm(GovukForm):
    answer = radios(
        [("a", "Apple"), ("", "Not decided yet"), ("b", "Banana")],
        label="Fruit",
        error="Choose a fruit",
        hints={"a": "Crunchy"},
        required=False,
    )
    many = checkboxes([("x", "Ex"), ("y", "Why")], label="Letters", error="Choose letters from the list")
    version = VersionField()


def render_field(form: forms.Form, name: str) -> str:
    return Template("{% load govuk %}{% govuk_field field %}").render(Context({"field": form[name]}))


def test_checkboxes_render_as_checkboxes_not_radios():
    html = render_field(ChoicesForm(initial={"many": ["y"]}), "many")
    assert 'type="checkbox"' in html and 'type="radio"' not in html
    assert 'value="y" checked' in html
    assert 'class="govuk-checkboxes"' in html


def test_radios_show_a_deliberate_empty_answer_and_option_hints():
    html = render_field(ChoicesForm(initial={"answer": ""}), "answer")
    assert 'id="id_answer_1" name="answer" type="radio" value="" checked' in html
    assert "Not decided yet" in html
    assert 'aria-describedby="id_answer_0-item-hint"' in html
    assert '<div id="id_answer_0-item-hint" class="govuk-hint govuk-radios__hint">Crunchy</div>' in html


def test_django_blank_placeholder_is_not_shown_as_a_radio():
    class ModelishForm(GovukForm):
        pick = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], widget=forms.RadioSelect)

    html = render_field(ModelishForm(), "pick")
    assert "---------" not in html
    assert 'id="id_pick_0" name="pick" type="radio" value="a"' in html  # the anchor the error summary uses


def test_a_bad_hidden_version_is_explained_above_the_form():
    form = ChoicesForm({"answer": "a", "version": "not-a-number"})
    assert not form.is_valid()
    assert form.non_field_errors() == [STALE_FORM_MESSAGE]
    assert "version" not in form.errors
    assert form.error_summary() == [{"text": STALE_FORM_MESSAGE, "href": "#id_answer_0"}]


def test_every_date_in_every_form_names_itself_in_its_errors():
    """Issue 15: "The date must be a real date" did not say which date. Every date field of every form of the
    project is given its own subject ("The date the child was last seen must be a real date")."""
    import importlib.util

    from django.apps import apps
    from django.conf import settings

    ours = {config.name for config in apps.get_app_configs() if config.path.startswith(str(settings.BASE_DIR))}
    for name in ours:
        if importlib.util.find_spec(f"{name}.forms"):
            importlib.import_module(f"{name}.forms")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    checked, unnamed = 0, []
    for form in set(subclasses(forms.BaseForm)):
        if form.__module__.split(".")[0] not in ours:
            continue
        for name, field in form.base_fields.items():
            if isinstance(field, GovukDateField | GovukDateTimeField):
                checked += 1
                if field.subject == "The date":
                    unnamed.append(f"{form.__module__}.{form.__name__}.{name}")
    assert checked >= 19, checked  # the 19 date fields of the project when this test was written
    assert not unnamed, f"date fields whose errors do not say which date: {unnamed}"
