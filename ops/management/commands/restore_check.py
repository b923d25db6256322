"""Check a restored database against the backup's manifest, and decrypt a sample of its sensitive text.

Run by `restore_drill` in a process that knows only the restored database and the backed-up keys."""

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.restore import decrypt_sample, manifest


class Command(BaseCommand):
    help = "Compare row counts with a backup manifest and decrypt a sample of the encrypted text"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("manifest", help="manifest.json written when the backup was taken")

    def handle(self, *args, **options) -> None:
        expected = json.loads(Path(options["manifest"]).read_text())
        found = _counts()
        differences = [
            f"{label}: {expected[label]} backed up, {found.get(label)} restored"
            for label in expected
            if found.get(label) != expected[label]
        ]
        if differences:
            raise CommandError("The restored database differs from the backup: " + "; ".join(differences))
        try:
            decrypted = decrypt_sample()
        except ImproperlyConfigured as exc:
            raise CommandError(f"Encrypted text cannot be read with the backed-up keys: {exc}") from exc
        total = sum(decrypted.values())
        self.stdout.write(
            f"Row counts match the backup ({', '.join(f'{k} {v}' for k, v in found.items())}); "
            f"{total} encrypted values decrypted"
        )


def _counts() -> dict[str, int]:
    return manifest()
