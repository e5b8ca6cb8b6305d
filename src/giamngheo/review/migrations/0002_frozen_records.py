from django.db import migrations

# What a recognition decision decided, the certificates handed out and the figures a commune
# submitted must not change afterwards (QĐ 24/2021/QĐ-TTg Art. 4.5, 7): PostgreSQL refuses any
# UPDATE or DELETE of decisions, decision entries, certificates, posted list lines and province
# consolidations, and any change of a submitted commune report other than its consolidation
# (state, consolidation_id). DELETE is allowed only inside a transaction that ran
# `SET LOCAL giamngheo.review_purge = 'on'` (review.demo.purge_review_demo, when the demo
# province is rebuilt).
FROZEN = """
CREATE OR REPLACE FUNCTION review_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('giamngheo.review_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'review_communereport' THEN
        IF NEW.figures = OLD.figures AND NEW.round_id = OLD.round_id
           AND NEW.commune_id = OLD.commune_id AND NEW.year = OLD.year
           AND NEW.submitted_at = OLD.submitted_at AND NEW.recipient = OLD.recipient THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'rows of % are frozen (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER review_decision_frozen BEFORE UPDATE OR DELETE ON review_decision
    FOR EACH ROW EXECUTE FUNCTION review_refuse_change();
CREATE TRIGGER review_decisionentry_frozen BEFORE UPDATE OR DELETE ON review_decisionentry
    FOR EACH ROW EXECUTE FUNCTION review_refuse_change();
CREATE TRIGGER review_certificate_frozen BEFORE UPDATE OR DELETE ON review_certificate
    FOR EACH ROW EXECUTE FUNCTION review_refuse_change();
CREATE TRIGGER review_postingentry_frozen BEFORE UPDATE OR DELETE ON review_postingentry
    FOR EACH ROW EXECUTE FUNCTION review_refuse_change();
CREATE TRIGGER review_communereport_frozen BEFORE UPDATE OR DELETE ON review_communereport
    FOR EACH ROW EXECUTE FUNCTION review_refuse_change();
CREATE TRIGGER review_provincereport_frozen BEFORE UPDATE OR DELETE ON review_provincereport
    FOR EACH ROW EXECUTE FUNCTION review_refuse_change();
"""

REVERSE = """
DROP TRIGGER review_decision_frozen ON review_decision;
DROP TRIGGER review_decisionentry_frozen ON review_decisionentry;
DROP TRIGGER review_certificate_frozen ON review_certificate;
DROP TRIGGER review_postingentry_frozen ON review_postingentry;
DROP TRIGGER review_communereport_frozen ON review_communereport;
DROP TRIGGER review_provincereport_frozen ON review_provincereport;
DROP FUNCTION review_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunSQL(FROZEN, reverse_sql=REVERSE)]
