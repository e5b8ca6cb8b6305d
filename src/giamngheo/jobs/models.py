"""Background jobs kept in PostgreSQL (the project has no message broker).

A ``Job`` row is the queue entry, the progress record and the result at once: a worker claims
the oldest queued row with ``SELECT … FOR UPDATE SKIP LOCKED`` (so several workers never take
the same job), holds a session advisory lock on it while it runs (so a crashed worker is
detected: its lock disappears with its connection), and writes progress, result, error and
output files back to the row. The status page reads the row every second.

::

    queued ──claim──▶ running ──▶ succeeded
       │                 ├──────▶ failed      (exception, process died, timeout, worker gone)
       └──cancel──▶ cancelled ◀──┘            (cancel requested while running)

The job body runs in a process of its own, watched by the worker (see ``worker.py``).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    SUCCEEDED = "succeeded", _("Hoàn tất")
    FAILED = "failed", _("Lỗi")
    CANCELLED = "cancelled", _("Đã hủy")


FINISHED_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class Job(models.Model):
    kind = models.CharField(_("loại công việc"), max_length=80)
    parameters = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress_done = models.PositiveBigIntegerField(_("đã xong"), default=0)
    progress_total = models.PositiveBigIntegerField(_("tổng số"), default=0)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    result = models.JSONField(_("kết quả"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    # Output files, name → path relative to the jobs directory (var/jobs): an export, the
    # error report in xlsx and CSV, … Served only through the scoped download view.
    outputs = models.JSONField(_("tệp kết quả"), default=dict, blank=True)
    cancel_requested = models.BooleanField(_("yêu cầu hủy"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    # The area the job works on, so that jobs can be scoped like the data they touch.
    province = models.ForeignKey(
        "areas.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commune = models.ForeignKey(
        "areas.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    worker = models.CharField(_("tiến trình xử lý"), max_length=200, blank=True)
    # The separate process running the job body (see worker.py) and its peak resident memory,
    # measured by the supervising worker when the process ends.
    process_id = models.PositiveIntegerField(_("mã tiến trình công việc"), null=True, blank=True)
    peak_memory_kb = models.PositiveBigIntegerField(_("bộ nhớ tối đa (KB)"), null=True, blank=True)
    # Written every few seconds while the job runs; a running job whose heartbeat is old is
    # marked failed by the next recovery pass (worker.recover_stale_jobs).
    heartbeat_at = models.DateTimeField(_("tín hiệu hoạt động"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("công việc nền")
        verbose_name_plural = _("công việc nền")
        ordering = ["-id"]
        indexes = [
            # The queue: workers scan only the queued rows, oldest first.
            models.Index(fields=["id"], condition=Q(status="queued"), name="job_queue"),
            models.Index(fields=["created_by", "-id"], name="job_by_creator"),
            models.Index(fields=["status"], name="job_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in JobStatus]), name="job_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def output_files(self) -> list[tuple[str, str, str]]:
        """(name, file name, kind of file) of each output, for the download links: a person
        reads the file's own name and its kind ("Excel"), never the internal name."""
        kinds = {".xlsx": "Excel", ".csv": "CSV", ".pdf": "PDF", ".zip": "ZIP"}
        files = []
        for name, relative in (self.outputs or {}).items():
            filename = PurePosixPath(str(relative)).name
            files.append((name, filename, kinds.get(PurePosixPath(filename).suffix.lower(), "")))
        return files

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))
