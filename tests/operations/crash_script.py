"""One write operation run in a process of its own, against the database of ``DATABASE_URL``,
for the crash-safety tests (``python -m tests.operations.crash_script OPERATION JSON``); the
test kills it with ``GIAMNGHEO_CRASH_AT`` (``giamngheo.lib.crashpoints``).

Operations: ``status_bulk`` (a bulk re-classification: ``households_status_set_bulk``),
``decision`` (``review.services.decision_issue``), ``consolidate``
(``review.services.province_consolidate``). The household import runs through the real
``giamngheo import households`` command and the job worker instead."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys


def main(operation: str, parameters: dict[str, object]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings_test")
    import django

    django.setup()
    from giamngheo.accounts.models import User
    from giamngheo.areas.models import AdministrativeUnit
    from giamngheo.lib import clock
    from giamngheo.registry.services import households_status_set_bulk
    from giamngheo.review import services
    from giamngheo.review.models import Round

    clock.set_today(dt.date.fromisoformat(str(parameters["today"])))
    if operation == "status_bulk":
        statuses = {int(k): str(v) for k, v in dict(parameters["statuses"]).items()}  # type: ignore[call-overload]
        households_status_set_bulk(
            actor=None,
            statuses=statuses,
            standard="2022-2025",
            year=2025,
            basis="Quyết định số 99/QĐ-UBND (rà soát lại)",
        )
    elif operation == "decision":
        services.decision_issue(
            actor=User.objects.get(username="xa_a"),
            round_=Round.objects.get(pk=parameters["round"]),
            number="45/QĐ-UBND",
            signed_on=dt.date(2025, 11, 12),
            signer_name="Nguyễn Văn Chủ",
        )
    elif operation == "consolidate":
        services.province_consolidate(
            actor=User.objects.get(username="tinh"),
            province=AdministrativeUnit.objects.get(pk=parameters["province"]),
            year=2025,
            partial_reason="Các xã khác chưa gửi (thử nghiệm)",
        )
    else:
        raise SystemExit(f"unknown operation {operation}")
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
