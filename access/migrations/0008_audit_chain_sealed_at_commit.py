"""The audit chain is sealed just after each transaction commits, not under a lock held for the whole of it.

Events gain a `sequence` (their place in the chain); the chain columns may be empty until the event is sealed.
Existing events keep their hashes (they were chained in id order) and are numbered in that order. On PostgreSQL
the append-only trigger now lets exactly one change through: sealing an unsealed event's chain columns, with
every other column unchanged. Every other UPDATE, and every DELETE, is still refused.
"""

from django.db import migrations, models

NUMBER_EXISTING = """
UPDATE access_auditevent SET sequence = numbered.position
FROM (SELECT id, row_number() OVER (ORDER BY id) AS position FROM access_auditevent) AS numbered
WHERE access_auditevent.id = numbered.id
"""

SEAL_ONCE = """
CREATE OR REPLACE FUNCTION homeward_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.sequence IS NULL AND OLD.hash IS NULL
       AND NEW.sequence IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.previous_hash IS NOT NULL
       AND (to_jsonb(NEW) - 'sequence' - 'previous_hash' - 'hash')
           = (to_jsonb(OLD) - 'sequence' - 'previous_hash' - 'hash') THEN
        RETURN NEW;  -- sealing: the chain columns filled once, nothing else touched
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused on access_auditevent', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

NEVER_CHANGED = """
CREATE OR REPLACE FUNCTION homeward_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on access_auditevent', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER_OFF = "ALTER TABLE access_auditevent DISABLE TRIGGER access_auditevent_append_only"
TRIGGER_ON = "ALTER TABLE access_auditevent ENABLE TRIGGER access_auditevent_append_only"


def number_existing_events(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(TRIGGER_OFF)
    schema_editor.execute(NUMBER_EXISTING)
    if postgresql:
        schema_editor.execute(TRIGGER_ON)
        schema_editor.execute(SEAL_ONCE, params=None)


def restore_strict_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NEVER_CHANGED, params=None)


class Migration(migrations.Migration):
    dependencies = [("access", "0007_api_clients_scopes")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(blank=True, help_text="Position in the chain", null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(number_existing_events, restore_strict_trigger),
    ]
