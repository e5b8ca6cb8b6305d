"""The loan's repaid totals are kept by the database: every insert, update or delete of a
repayment recomputes ``principal_repaid`` and ``interest_paid`` of its loan, so the check
``credit_loan_repaid_within_amount`` refuses principal repaid above the amount whichever way the
rows are written."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION credit_loan_repaid_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target bigint;
BEGIN
    FOR target IN
        SELECT DISTINCT id FROM (
            SELECT CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.loan_id END AS id
            UNION ALL
            SELECT CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.loan_id END
        ) ids WHERE id IS NOT NULL
    LOOP
        UPDATE credit_loan SET
            principal_repaid = (
                SELECT coalesce(sum(principal), 0) FROM credit_repayment WHERE loan_id = target
            ),
            interest_paid = (
                SELECT coalesce(sum(interest), 0) FROM credit_repayment WHERE loan_id = target
            )
        WHERE id = target;
    END LOOP;
    RETURN NULL;
END;
$$;
CREATE TRIGGER credit_repayment_totals
AFTER INSERT OR UPDATE OR DELETE ON credit_repayment
FOR EACH ROW EXECUTE FUNCTION credit_loan_repaid_totals();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS credit_repayment_totals ON credit_repayment;
DROP FUNCTION IF EXISTS credit_loan_repaid_totals();
"""


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_loans_funds")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
