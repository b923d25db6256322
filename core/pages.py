"""Small helpers the page views share."""

from typing import Any

from django.urls import reverse


def crumb(text: str, viewname: str, *args: Any) -> dict[str, str]:
    return {"text": text, "href": reverse(viewname, args=args)}
