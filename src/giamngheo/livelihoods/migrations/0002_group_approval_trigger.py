"""A group carries out a project only once the commune has approved it (ND 27/2022/NĐ-CP
Art. 22.1: the proposer is a commune-certified group), and in its own commune. A CHECK cannot
look at another table, so two triggers hold it: one on the project (setting its group), one on
the group (withdrawing an approval a project relies on). SQLSTATE 23514 (check_violation) makes
Django raise ``IntegrityError`` as for any constraint."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION livelihoods_project_group_approved() RETURNS trigger AS $$
DECLARE
    g record;
BEGIN
    IF NEW.group_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT approved_on, commune_id INTO g
      FROM livelihoods_selfmanagedgroup WHERE id = NEW.group_id;
    IF g.approved_on IS NULL THEN
        RAISE EXCEPTION 'livelihood group % is not approved by the commune', NEW.group_id
            USING ERRCODE = '23514';
    END IF;
    IF g.commune_id <> NEW.commune_id THEN
        RAISE EXCEPTION 'livelihood group % belongs to another commune', NEW.group_id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER livelihoods_project_group_approved
    BEFORE INSERT OR UPDATE OF group_id, commune_id ON livelihoods_livelihoodmodel
    FOR EACH ROW EXECUTE FUNCTION livelihoods_project_group_approved();

CREATE FUNCTION livelihoods_group_keeps_approval() RETURNS trigger AS $$
BEGIN
    IF NEW.approved_on IS NULL AND EXISTS (
        SELECT 1 FROM livelihoods_livelihoodmodel WHERE group_id = NEW.id
    ) THEN
        RAISE EXCEPTION 'livelihood group % carries out a project: its approval stays', NEW.id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER livelihoods_group_keeps_approval
    BEFORE UPDATE OF approved_on ON livelihoods_selfmanagedgroup
    FOR EACH ROW EXECUTE FUNCTION livelihoods_group_keeps_approval();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS livelihoods_group_keeps_approval ON livelihoods_selfmanagedgroup;
DROP FUNCTION IF EXISTS livelihoods_group_keeps_approval();
DROP TRIGGER IF EXISTS livelihoods_project_group_approved ON livelihoods_livelihoodmodel;
DROP FUNCTION IF EXISTS livelihoods_project_group_approved();
"""


class Migration(migrations.Migration):
    dependencies = [("livelihoods", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
