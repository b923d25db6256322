"""Seed Homeward from a council's SSDA903 Header, Episodes and Missing CSV files (returns.ssda903_import)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from access.models import User
from returns.management.commands._common import council_by_code
from returns.scoping import import_council_for
from returns.ssda903_import import import_ssda903


def _read(option: str, path: Path) -> str:
    if not path.is_file():
        raise CommandError(f"{option} {str(path)!r} is not a file.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{option} {str(path)!r} is not UTF-8 text: save the CSV file as UTF-8.") from exc


class Command(BaseCommand):
    help = (
        "Import a council's SSDA903 Header, Episodes and Missing CSV files: children, episodes of care and past "
        "missing periods. All or nothing; the same files again change nothing; past periods raise no alerts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--council", required=True, help="The council's three-digit LA code")
        parser.add_argument("--user", required=True, help="The username of the council's coordinator importing it")
        parser.add_argument("--dir", help="A directory holding Header.csv, Episodes.csv and Missing.csv")
        parser.add_argument("--header", help="The Header CSV file (instead of --dir)")
        parser.add_argument("--episodes", help="The Episodes CSV file (instead of --dir)")
        parser.add_argument("--missing", help="The Missing CSV file (instead of --dir)")

    def handle(self, *args, **options) -> None:
        council = council_by_code(options["council"])
        user = User.objects.filter(username=options["user"], is_active=True).select_related("agency").first()
        if user is None:
            raise CommandError(f"--user {options['user']!r} is not an active Homeward user.")
        if import_council_for(user) != council:
            raise CommandError(f"--user {options['user']!r} is not {council.name}'s coordinator.")
        paths: dict[str, Path] = {}
        for table in ("header", "episodes", "missing"):
            given = options.get(table) or (options["dir"] and str(Path(options["dir"]) / f"{table.capitalize()}.csv"))
            if not given:
                raise CommandError(f"Give --dir, or --{table} with the {table.capitalize()} file.")
            paths[table] = Path(given).expanduser()
        texts = {table: _read(f"--{table}", path) for table, path in paths.items()}
        result = import_ssda903(acting_user=user, council=council, **texts)
        if not result.ok:
            for error in result.errors:
                self.stdout.write(f"  {error}")
            raise CommandError(f"{len(result.errors)} problem(s) in the files: nothing was imported.")
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"SSDA903 import for {council.name} ({council.code}): children {counts['children_added']} added, "
                f"{counts['children_unchanged']} already held; episodes of care {counts['episodes_added']} added, "
                f"{counts['episodes_unchanged']} already held; missing periods {counts['missing_added']} added, "
                f"{counts['missing_unchanged']} already held."
            )
        )
