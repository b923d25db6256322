"""Errors every layer understands: actions raise them, pages and the API turn them into answers."""

from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """Someone else changed the record since this user loaded it; nothing was written."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Someone else changed this record after you opened it. Nothing was saved: "
            "reload it, check their change, and make yours again."
        )


class Errors(dict[str, list[str]]):
    """The field errors an action collects while checking its input, as {field: [messages]}.

    Collect every problem, then `raise_if_any()`: one ValidationError names every field at once, so a form shows
    each message beside its field and the API lists them all. A dict, so the shared checks in `core.validation`
    take it as they are.
    """

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))
