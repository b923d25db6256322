"""Errors every layer understands: actions raise them, pages and the API turn them into answers."""


class ConflictError(Exception):
    """Someone else changed the record since this user loaded it; nothing was written."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Someone else changed this record after you opened it. Nothing was saved: "
            "reload it, check their change, and make yours again."
        )
