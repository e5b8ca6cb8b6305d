from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0003_supportrequest_submission_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="householdchange",
            name="submission_key",
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="evaluation",
            name="submission_key",
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
    ]
