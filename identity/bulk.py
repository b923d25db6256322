"""Adding many accounts at once from a CSV file (a council onboarding its staff): all or nothing.

The file has a header row with these columns (any order; `email` and `job_title` may be left out):
username, first_name, last_name, email, job_title, agency_kind, agency_code, roles (roles separated by ";", such as
"coordinator;analyst"). Every row is checked and added in one transaction; if any row is refused, nothing is
added and every refusal is reported as "Row N, column: why" (N as a spreadsheet numbers it: the header is row 1).
"""

import csv
import io
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from access.models import Agency, User
from core.spreadsheets import safe_text
from identity.actions import NewAccount, create_user

REQUIRED_COLUMNS = ("username", "first_name", "last_name", "agency_kind", "agency_code", "roles")
OPTIONAL_COLUMNS = ("email", "job_title")
MAX_ROWS = 2000
MAX_BYTES = 1024 * 1024


class BulkAddRefused(Exception):
    """Nothing was added; `problems` says which row and column, and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_rows(data: bytes) -> list[dict[str, str]]:
    """The file's rows as dicts by column, or BulkAddRefused for a file that cannot be read as the template."""
    if len(data) > MAX_BYTES:
        raise BulkAddRefused([f"The file must be smaller than {MAX_BYTES // 1024} KB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkAddRefused(["The file must be a CSV file saved as UTF-8"]) from None
    if "\x00" in text:
        raise BulkAddRefused(["The file must be a CSV file (it holds a NUL character)"])
    reader = csv.DictReader(io.StringIO(text))
    columns = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise BulkAddRefused(
            [f"Row 1 (the header) lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"]
        )
    unknown = [name for name in columns if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise BulkAddRefused([f"Row 1 (the header) has a column Homeward does not know: {', '.join(unknown)}"])
    reader.fieldnames = columns
    rows = []
    try:
        for row in reader:
            if None in row:
                raise BulkAddRefused([f"Row {reader.line_num} has more cells than the header has columns"])
            rows.append({name: (value or "").strip() for name, value in row.items()})
            if len(rows) > MAX_ROWS:
                raise BulkAddRefused([f"The file has more than {MAX_ROWS} rows: split it into smaller files"])
    except csv.Error as exc:
        raise BulkAddRefused([f"Row {reader.line_num} cannot be read as CSV ({exc})"]) from None
    if not rows:
        raise BulkAddRefused(["The file has a header but no rows of people"])
    return rows


def _agency(row: dict[str, str], agencies: QuerySet[Agency]) -> Agency:
    kind, code = row["agency_kind"].lower(), row["agency_code"]
    if not kind or not code:
        field = "agency_kind" if not kind else "agency_code"
        raise ValidationError({field: ["Enter the agency's kind and code"]})
    agency = agencies.filter(kind=kind, code=code).first()
    if agency is None:
        raise ValidationError({"agency_code": [f"No agency you administer is a {kind} with the code {code}"]})
    return agency


def bulk_add_users(
    data: bytes, *, acting_user: User | None, agencies: QuerySet[Agency], after_each: Callable | None = None
) -> list[NewAccount]:
    """Add every person in the CSV file, or nobody: BulkAddRefused lists each refused row and column.

    `agencies` are those the rows may name (an administrator's own; every agency for a command). Each account is
    made by `identity.actions.create_user`, so audited and checked exactly as one added on its own.
    """
    rows = read_rows(data)
    problems: list[str] = []
    added: list[NewAccount] = []
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            try:
                with transaction.atomic():
                    agency = _agency(row, agencies)
                    added.append(
                        create_user(
                            acting_user=acting_user,
                            username=row["username"],
                            first_name=row["first_name"],
                            last_name=row["last_name"],
                            email=row.get("email", ""),
                            job_title=row.get("job_title", ""),
                            agency=agency,
                            roles=[role.strip().lower() for role in row["roles"].split(";") if role.strip()],
                        )
                    )
            except ValidationError as exc:
                problems.extend(_describe(number, exc))
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise BulkAddRefused(problems)
    return added


def _describe(number: int, error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return [f"Row {number}: {message}" for message in error.messages]
    return [
        f"Row {number}, {'agency_kind/agency_code' if field == 'agency' else field}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]


CREDENTIAL_COLUMNS = ("username", "first_name", "last_name", "agency", "initial_password", "enrolment_code")


def credentials_csv(accounts: list[NewAccount]) -> str:
    """The new accounts' first passwords and enrolment codes as CSV (every cell through core.spreadsheets, so a
    name typed as a formula stays text): for the administrator to pass on to each person in person."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CREDENTIAL_COLUMNS)
    for account in accounts:
        user = account.user
        cells = (user.username, user.first_name, user.last_name, user.agency, account.password, account.enrolment_code)
        writer.writerow([safe_text(cell) for cell in cells])
    return out.getvalue()
