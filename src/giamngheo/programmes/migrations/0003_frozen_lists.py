from django.db import migrations

# An approved beneficiary list is a decision: PostgreSQL refuses any change to it and to its
# entries (insert, update, delete), whatever the code does. DELETE is allowed only inside a
# transaction that ran `SET LOCAL giamngheo.programmes_purge = 'on'` (the demo rebuild).
FROZEN = """
CREATE OR REPLACE FUNCTION programmes_list_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('giamngheo.programmes_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF OLD.state = 'approved' THEN
        RAISE EXCEPTION 'approved beneficiary list % is frozen (% refused)', OLD.id, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION programmes_entry_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('giamngheo.programmes_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF EXISTS (
        SELECT 1 FROM programmes_beneficiarylist l
        WHERE l.state = 'approved' AND l.id IN (
            CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.beneficiary_list_id END,
            CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.beneficiary_list_id END
        )
    ) THEN
        RAISE EXCEPTION 'entries of an approved beneficiary list are frozen (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER programmes_list_frozen BEFORE UPDATE OR DELETE ON programmes_beneficiarylist
    FOR EACH ROW EXECUTE FUNCTION programmes_list_frozen();
CREATE TRIGGER programmes_entry_frozen BEFORE INSERT OR UPDATE OR DELETE
    ON programmes_beneficiaryentry FOR EACH ROW EXECUTE FUNCTION programmes_entry_frozen();
"""

REVERSE = """
DROP TRIGGER programmes_entry_frozen ON programmes_beneficiaryentry;
DROP TRIGGER programmes_list_frozen ON programmes_beneficiarylist;
DROP FUNCTION programmes_entry_frozen();
DROP FUNCTION programmes_list_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_beneficiary_lists")]
    operations = [migrations.RunSQL(FROZEN, reverse_sql=REVERSE)]
