"""In PostgreSQL the database itself refuses to change or delete an audit event."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION homeward_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on access_auditevent', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_auditevent_append_only
    BEFORE UPDATE OR DELETE ON access_auditevent
    FOR EACH ROW EXECUTE FUNCTION homeward_audit_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS access_auditevent_append_only ON access_auditevent;
DROP FUNCTION IF EXISTS homeward_audit_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(forbid, allow)]
