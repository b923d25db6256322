"""Argument checks shared by the export commands: each refuses bad input with a clear CommandError."""

import datetime as dt
import os
import re
from pathlib import Path

from django.core.management.base import CommandError

from access.models import Agency, AgencyKind, User


def council_by_code(code: str) -> Agency:
    council = Agency.objects.filter(kind=AgencyKind.COUNCIL, code=(code or "").strip()).first()
    if council is None:
        known = ", ".join(
            Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("code").values_list("code", flat=True)
        )
        raise CommandError(f"No council has the LA code {code!r}. Known council codes: {known or 'none'}.")
    return council


def collection_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", (text or "").strip()):
        raise CommandError(
            f"--year {text!r} is not a year: give the four-digit year the collection starts, "
            "such as 2025 for 2025/26 (1 April 2025 to 31 March 2026)."
        )
    year = int(text)
    if not 2000 <= year <= 2099:
        raise CommandError(f"--year {text!r} is out of range: give a collection year from 2000 to 2099.")
    return year


def day(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise CommandError(f"--on {text!r} is not a real date: use yyyy-mm-dd or dd/mm/yyyy, such as 2026-03-31.")


def writable_dir(text: str) -> Path:
    """The directory, made if it does not exist yet; refused if it cannot be written to."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise CommandError(f"--out {text!r} is a file, not a directory.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"--out {text!r} cannot be created: {exc.strerror or exc}.") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise CommandError(f"--out {text!r} is not writable.")
    return path


def writable_file(text: str) -> Path:
    path = Path(text).expanduser()
    if path.is_dir():
        raise CommandError(f"--out {text!r} is a directory: give a file name, such as annex-a.xlsx.")
    parent = path.parent
    if not parent.is_dir():
        raise CommandError(f"--out {text!r}: the directory {str(parent)!r} does not exist.")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"--out {text!r} is not writable.")
    return path


def acting_user(username: str | None, council: Agency) -> User | None:
    """The person running the export, for the audit trail (optional: a scheduled job has none).

    They must work for the council whose return it is: the audit trail names who took its data.
    """
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).select_related("agency").first()
    if user is None:
        raise CommandError(f"--user {username!r} is not an active Homeward user.")
    if user.agency_id != council.pk:
        raise CommandError(f"--user {username!r} does not work for {council.name}.")
    return user
