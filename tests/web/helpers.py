"""Helpers the page tests share: posting GOV.UK date boxes, reading the error summary, counting writes."""

import datetime as dt

from django.utils import timezone

from access.models import AuditEvent


def minute(moment: dt.datetime) -> dt.datetime:
    """A time to the minute, as a person types it into the date and time boxes."""
    return moment.replace(second=0, microsecond=0)


def date_time_boxes(name: str, moment: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {
        f"{name}_0": str(local.day),
        f"{name}_1": str(local.month),
        f"{name}_2": str(local.year),
        f"{name}_3": local.strftime("%H:%M"),
    }


def error_summary(response) -> list[str]:
    """The messages in the page's GOV.UK error summary (after checking the summary is on the page)."""
    assert b'class="govuk-error-summary"' in response.content, "no error summary on the page"
    return [item["text"] for item in response.context["form"].error_summary()]


def assert_summary_mentions(response, text: str) -> None:
    messages = error_summary(response)
    assert any(text in message for message in messages), f"{text!r} not in error summary {messages}"
    assert text.encode() in response.content or text.replace("'", "&#x27;").encode() in response.content


def audit_count() -> int:
    return AuditEvent.objects.count()


def assert_redirects_to_sign_in(response, path: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={path}"


def page_title(text: str) -> str:
    """The <title> every page has: the page, an en dash, and Homeward."""
    return f"<title>{text} \N{EN DASH} Homeward</title>"
