# The review of monthly reports against the plan (issue 11): task lines, history, return/approval.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0004_change_evaluation_submission_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("action", models.CharField(max_length=10)),
                (
                    "from_state",
                    models.CharField(
                        choices=[
                            ("draft", "Nháp"),
                            ("submitted", "Đã nộp, chờ duyệt"),
                            ("returned", "Trả lại để sửa"),
                            ("approved", "Đã duyệt"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "to_state",
                    models.CharField(
                        choices=[
                            ("draft", "Nháp"),
                            ("submitted", "Đã nộp, chờ duyệt"),
                            ("returned", "Trả lại để sửa"),
                            ("approved", "Đã duyệt"),
                        ],
                        max_length=10,
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("at", models.DateTimeField()),
            ],
            options={
                "ordering": ["at", "id"],
            },
        ),
        migrations.CreateModel(
            name="ReportTask",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("done", "Hoàn thành"),
                            ("partly", "Thực hiện một phần"),
                            ("not_done", "Chưa thực hiện"),
                        ],
                        max_length=10,
                        verbose_name="kết quả",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="ghi chú")),
            ],
            options={
                "ordering": ["task__duty", "task_id"],
            },
        ),
        migrations.AddField(
            model_name="monthlyreport",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="duyệt lúc"),
        ),
        migrations.AddField(
            model_name="monthlyreport",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="monthlyreport",
            name="return_reason",
            field=models.TextField(blank=True, verbose_name="lý do trả lại"),
        ),
        migrations.AddField(
            model_name="monthlyreport",
            name="returned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="trả lại lúc"),
        ),
        migrations.AddConstraint(
            model_name="monthlyreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("approved_at__isnull", True), ("returned_at__isnull", True)),
                    ("submitted_at__isnull", False),
                    _connector="OR",
                ),
                name="report_reviewed_after_submission",
            ),
        ),
        migrations.AddConstraint(
            model_name="monthlyreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("returned_at__isnull", True), ("approved_at__isnull", True), _connector="OR"
                ),
                name="report_not_returned_and_approved",
            ),
        ),
        migrations.AddConstraint(
            model_name="monthlyreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("returned_at__isnull", True),
                    models.Q(("return_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="report_returned_has_reason",
            ),
        ),
        migrations.AddField(
            model_name="reportstep",
            name="by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="reportstep",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="steps",
                to="workforce.monthlyreport",
            ),
        ),
        migrations.AddField(
            model_name="reporttask",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="task_lines",
                to="workforce.monthlyreport",
            ),
        ),
        migrations.AddField(
            model_name="reporttask",
            name="task",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="report_lines",
                to="workforce.task",
            ),
        ),
        migrations.AddConstraint(
            model_name="reporttask",
            constraint=models.UniqueConstraint(fields=("report", "task"), name="report_task_once"),
        ),
        migrations.AddConstraint(
            model_name="reporttask",
            constraint=models.CheckConstraint(
                condition=models.Q(("outcome__in", ["done", "partly", "not_done"])),
                name="report_task_outcome_valid",
            ),
        ),
    ]
