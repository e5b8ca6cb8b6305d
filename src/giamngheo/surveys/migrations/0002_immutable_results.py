from django.db import migrations

# A stored survey result must be reproducible years later (docs/surveys.md): PostgreSQL refuses
# any UPDATE of a survey, a form definition or a rule-pack snapshot. DELETE of surveys is refused
# too, except inside a transaction that ran `SET LOCAL giamngheo.survey_purge = 'on'` (only
# `surveys.bulk.purge_surveys`, used when the demo province is rebuilt).
IMMUTABLE = """
CREATE OR REPLACE FUNCTION surveys_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'surveys_survey'
       AND current_setting('giamngheo.survey_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'rows of % are immutable (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER surveys_survey_immutable
    BEFORE UPDATE OR DELETE ON surveys_survey
    FOR EACH ROW EXECUTE FUNCTION surveys_refuse_change();
CREATE TRIGGER surveys_formdefinition_immutable
    BEFORE UPDATE OR DELETE ON surveys_formdefinition
    FOR EACH ROW EXECUTE FUNCTION surveys_refuse_change();
CREATE TRIGGER surveys_rulepacksnapshot_immutable
    BEFORE UPDATE OR DELETE ON surveys_rulepacksnapshot
    FOR EACH ROW EXECUTE FUNCTION surveys_refuse_change();
"""

REVERSE = """
DROP TRIGGER surveys_survey_immutable ON surveys_survey;
DROP TRIGGER surveys_formdefinition_immutable ON surveys_formdefinition;
DROP TRIGGER surveys_rulepacksnapshot_immutable ON surveys_rulepacksnapshot;
DROP FUNCTION surveys_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunSQL(IMMUTABLE, reverse_sql=REVERSE)]
