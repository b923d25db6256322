"""The restore drill (docs/operations.md): back up, restore into a fresh database, and prove the restore works.

    manage.py restore_drill --target-db homeward_drill [--backup-dir /var/backups/homeward/drill-2026-12-05]

1. Back up what a restore needs, as the nightly backup does: a `pg_dump --format=custom` of the database, a tar
   of the private media (HOMEWARD_PRIVATE_MEDIA_ROOT: Philomena photos), and the encryption keys
   (HOMEWARD_ENCRYPTION_KEYS, written to a file readable only by its owner: keep it apart from the dump, since
   together they are the sensitive text in clear), with a manifest of row counts.
2. Restore into a new, empty database (--target-db; refused if it exists) with `pg_restore`, and the media into
   a new folder.
3. Prove it, in a separate process that knows only the restored database and the backed-up keys:
   `verify_audit` walks the whole audit chain, and `restore_check` compares the row counts with the manifest and
   decrypts every encrypted value of a sample of records (a lost or wrong key fails here, loudly).

The target database is dropped at the end unless --keep. Exit status 0 only if every step held.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from ops.restore import manifest


class Command(BaseCommand):
    help = "Back up, restore into a fresh database, verify the audit chain, row counts and encrypted text"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target-db", required=True, help="a database name that does not exist yet")
        parser.add_argument("--backup-dir", default="", help="where the backup goes (default: a new temp folder)")
        parser.add_argument("--keep", action="store_true", help="keep the restored database afterwards")

    def handle(self, *args, target_db: str, backup_dir: str, keep: bool, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The restore drill needs PostgreSQL (DATABASE_URL=postgres://…)")
        backup = Path(backup_dir) if backup_dir else Path(_temp_dir())
        backup.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self._back_up(backup)
        self._create_empty(target_db)
        try:
            media = self._restore(backup, target_db)
            self._prove(backup, target_db, media)
        finally:
            if not keep:
                self._drop(target_db)
        self.stdout.write(
            self.style.SUCCESS(f"Restore drill passed in {time.monotonic() - started:.1f} s (backup in {backup})")
        )

    # --- 1. back up -------------------------------------------------------------------------------------------

    def _back_up(self, backup: Path) -> None:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={backup / 'database.dump'}", _url()])
        media_root = Path(settings.HOMEWARD_PRIVATE_MEDIA_ROOT)
        with tarfile.open(backup / "private_media.tar.gz", "w:gz") as archive:
            if media_root.exists():
                archive.add(media_root, arcname="private_media")
        keys = backup / "encryption_keys"
        keys.write_text("\n".join(settings.HOMEWARD_ENCRYPTION_KEYS) + "\n")
        keys.chmod(0o600)
        (backup / "manifest.json").write_text(json.dumps(manifest(), indent=2))
        self.stdout.write(f"1. Backed up the database, the private media and the keys to {backup}")

    # --- 2. restore -------------------------------------------------------------------------------------------

    def _create_empty(self, target_db: str) -> None:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target_db]).fetchone():
                raise CommandError(f"Database {target_db} exists: the drill restores only into a new database")
            admin.execute(f'CREATE DATABASE "{target_db}"')

    def _restore(self, backup: Path, target_db: str) -> Path:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_url(target_db)}",
                str(backup / "database.dump"),
            ]
        )
        media = backup / "restored_media"
        with tarfile.open(backup / "private_media.tar.gz") as archive:
            archive.extractall(media, filter="data")
        self.stdout.write(f"2. Restored into the new database {target_db} and the media into {media}")
        return media / "private_media"

    # --- 3. prove ---------------------------------------------------------------------------------------------

    def _prove(self, backup: Path, target_db: str, media: Path) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _url(target_db),
            "HOMEWARD_ENCRYPTION_KEYS_FILE": str(backup / "encryption_keys"),
            "HOMEWARD_ENCRYPTION_KEYS": "",
            "HOMEWARD_PRIVATE_MEDIA_ROOT": str(media),
        }
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        self.stdout.write(_run([*manage, "verify_audit"], env=env).strip())
        self.stdout.write(_run([*manage, "restore_check", str(backup / "manifest.json")], env=env).strip())
        self.stdout.write("3. The restored copy holds the same records, its audit chain verifies, its text decrypts")

    def _drop(self, target_db: str) -> None:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target_db}" WITH (FORCE)')


def _url(name: str | None = None) -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    return f"postgresql://{user}{password}@{host}:{params.get('PORT') or 5432}/{name or params['NAME']}"


def _run(command: list[str], env: dict | None = None) -> str:
    if shutil.which(command[0]) is None and not Path(command[0]).exists():
        raise CommandError(f"{command[0]} is not installed (the PostgreSQL client tools are needed)")
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(
            f"{Path(command[-1]).name if command[0].endswith('python') else command[0]} failed: "
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )
    return result.stdout


def _temp_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="homeward-drill-")
