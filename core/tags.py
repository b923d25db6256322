"""Coded values the page shell shows as GOV.UK tags (`{% risk_tag %}`, `{% interview_status_tag %}`): the app that
owns each coded list registers its labels and tag colours from its `AppConfig.ready`, so core knows no domain app."""

from django.db import models

_coded_lists: dict[str, tuple[type[models.Choices], dict[str, str]]] = {}


def register_coded_tags(name: str, choices: type[models.Choices], colours: dict[str, str]) -> None:
    """Show the values of `choices` as tags under `name`, each with its GOV.UK tag colour class (none: blue)."""
    _coded_lists[name] = (choices, colours)


def coded_tag(name: str, value: str) -> tuple[str, str]:
    """The label and colour class of one value of the coded list registered as `name`."""
    choices, colours = _coded_lists[name]
    return choices(value).label, colours.get(value, "")
