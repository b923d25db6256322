"""Re-encrypt every sensitive value with the first key in HOMEWARD_ENCRYPTION_KEYS.

Rotation: put the new key first (keep the old ones after it), run this command, check it reports
every value on the new key, then remove the old keys. Nothing is lost: each model's values are
re-written in one transaction, and a value no key can decrypt stops the command before anything
is written.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.encryption import encrypted_fields, is_encrypted_with_primary_key

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt all sensitive text with the primary (first) encryption key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Only report values not yet on the primary key")

    def handle(self, *args, check: bool, **options) -> None:
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            label = model._meta.label
            stale = self._stale_ids(model, fields)
            if check:
                self.stdout.write(f"{label}: {len(stale)} rows not on the primary key")
                continue
            with transaction.atomic():
                for start in range(0, len(stale), BATCH):
                    rows = list(model._default_manager.filter(pk__in=stale[start : start + BATCH]))
                    # Reading decrypts with any key; saving encrypts with the primary key.
                    model._default_manager.bulk_update(rows, fields)
            left = self._stale_ids(model, fields)
            self.stdout.write(f"{label}: re-encrypted {len(stale)} rows; {len(left)} left on an old key")

    @staticmethod
    def _stale_ids(model, fields: list[str]) -> list[int]:
        """Rows with a value that is plain text or encrypted under an old key (read raw, undecrypted)."""
        table = model._meta.db_table
        columns = ", ".join(model._meta.get_field(name).column for name in fields)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {model._meta.pk.column}, {columns} FROM {table}")  # noqa: S608 (names from the model)
            return [row[0] for row in cursor.fetchall() if not all(is_encrypted_with_primary_key(v) for v in row[1:])]
