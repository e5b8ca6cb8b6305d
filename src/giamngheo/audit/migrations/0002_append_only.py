from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""


class Migration(migrations.Migration):
    """The audit log can only grow: UPDATE and DELETE are refused by the database."""

    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunSQL(
            APPEND_ONLY,
            reverse_sql="DROP TRIGGER audit_event_append_only ON audit_auditevent;"
            "DROP FUNCTION audit_event_append_only();",
        )
    ]
