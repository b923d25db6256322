"""Schemas shared by every resource: references to agencies, people and children, coded fields, times,
request-body rules and the error and page shapes."""

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from django.db import models
from django.db.models import TextChoices
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from api.errors import AWARE_DATETIME_MESSAGE

MAX_ID = 2**63 - 1

EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
DATETIME_RANGE_MESSAGE = f"Give a date and time between the years {EARLIEST_YEAR} and {LATEST_YEAR}"


def _in_range(value: dt.datetime) -> dt.datetime:
    """Refuse a time no case can hold: one near year 1 or 9999 would overflow on the way to UTC or UK time. The
    time is returned in UTC, the same instant: ISO 8601 allows offsets to ±23:59, PostgreSQL only to ±15:59."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise PydanticCustomError("datetime_range", DATETIME_RANGE_MESSAGE)
    return value.astimezone(dt.UTC)


AwareDateTime = Annotated[
    AwareDatetime,
    AfterValidator(_in_range),
    Field(description=f"{AWARE_DATETIME_MESSAGE}, between the years {EARLIEST_YEAR} and {LATEST_YEAR}."),
]
# Strict: a JSON number only. In lax mode true would be read as 1 and "7" as 7, so a wrong type could name a record.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
# A record id in a query string (text, so not strict): out of range is a 400, never a database overflow.
FilterId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_ID,
        strict=True,
        description="The record's `version` as you last read it. If someone has changed the record since, "
        "nothing is written and the answer is 409.",
    ),
]


def coded(choices: type[TextChoices] | Iterable[tuple[str, str]], description: str = "") -> Any:
    """A field whose value is one of the codes in `choices` (TextChoices, or (code, label) pairs such as a
    registry's); the OpenAPI schema lists the codes and labels."""
    pairs = [(c.value, c.label) for c in choices] if isinstance(choices, type) else list(choices)
    codes = "; ".join(f"`{value}` {label}" for value, label in pairs)
    text = f"{description} Codes: {codes}." if description else f"Codes: {codes}."
    return Annotated[Literal[tuple(value for value, _ in pairs)], Field(description=text)]


def text(model: type[models.Model], name: str, description: str = "") -> Any:
    """A free-text field no longer than the database column it is stored in."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column, never a reverse relation
    max_length = field.max_length
    return Annotated[str, Field(max_length=max_length, description=description or None)]


def blank_to_none(value: str) -> str | None:
    return value or None


NUL_MESSAGE = "Remove the NUL character (\\u0000): text cannot contain one"


class RefusesNul(Schema):
    """Text with a NUL character is refused, naming the field: PostgreSQL cannot store one (it would be a 500
    there and silently kept on SQLite), and no person types one."""

    @field_validator("*", mode="after")
    @classmethod
    def refuse_nul(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise PydanticCustomError("nul_refused", NUL_MESSAGE)
        return value


class BodyIn(RefusesNul):
    """Every request body refuses fields it does not know, so a misspelt field is never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class AgencyRef(Schema):
    id: int
    kind: str
    code: str
    name: str


class PersonRef(Schema):
    """A Homeward user (a member of staff), never a child."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.get_full_name() or obj.get_username()


class ChildRef(Schema):
    """Which child a record is about. Read the child's details from /children/{id}."""

    id: int
    la_child_id: str = Field(description="The council's own identifier for the child")


class ErrorEntry(Schema):
    field: str | None = Field(description="The body or query field the problem is with; null for the whole request")
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorEntry] | None = None


class Page(Schema):
    count: int = Field(description="How many records match, across all pages")
    next_cursor: str | None = Field(
        description="In sync (with `updated_since` or `cursor`): the cursor to send for the next page, or null at "
        "the end of the changes so far (keep it: send `updated_since` from your last record's change next time); "
        "null when paging by number"
    )
    next: str | None = Field(description="The URL of the next page, or null on the last page")
    previous: str | None = Field(description="The URL of the previous page, or null on the first page")


class PageQuery(RefusesNul):
    page: int = Field(1, ge=1, le=10**6, description="Page number, from 1; the page size is set by the service")


class ListQuery(PageQuery):
    """Every list's paging and sync parameters (api.reading.list_page)."""

    updated_since: AwareDateTime | None = Field(
        None,
        description="Sync: only records changed at or after this time (with offset). The list is then ordered by "
        "when each record last changed, then id, and `next` carries a `cursor`.",
    )
    cursor: str | None = Field(
        None,
        max_length=200,
        description="Sync: the opaque cursor from the previous page's `next`, ordered by when each record last "
        "changed, then id. Do not combine with `page`.",
    )


def error_responses(*codes: int) -> dict[int, type[Schema]]:
    """The error answers an operation documents. Every operation needs a token (401) whose scopes cover it (403)."""
    return dict.fromkeys(sorted({*codes, 401, 403}), ErrorOut)


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def keep() -> Any:
    """The default of an optional field in a change request: left out, the record keeps its value.

    The field's type stays non-nullable, so an explicit null is refused with a 400 naming the field.
    """
    return Field(None, json_schema_extra=_without_default)
