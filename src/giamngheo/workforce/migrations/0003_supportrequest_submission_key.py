from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0002_worker_report_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportrequest",
            name="submission_key",
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
    ]
