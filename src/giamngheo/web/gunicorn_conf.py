"""gunicorn's configuration for ``giamngheo serve --workers N`` (``-c python:…``); the
command line given by ``serve`` (bind, workers, threads, timeout) comes on top.

- ``gthread`` workers: each process serves ``--threads`` requests at once (database waits
  dominate a request; threads are cheap there).
- No ``preload_app``: each worker imports Django after the fork, never the arbiter (Polars'
  thread pool does not survive a bare ``fork()``; see jobs/worker.py), so a worker that dies
  is replaced by a clean one.
- ``max_requests`` (with jitter) recycles a worker now and then: memory a long report left
  behind goes back to the system, and never all workers at once.
- gunicorn's own lines (start, worker boot and exit) go through the same JSON formatter and
  personal-number filter as the app's (``lib.logs``); requests are logged by the app
  (``web.request_log``), so gunicorn's access log stays off.
"""

from __future__ import annotations

import os

worker_class = "gthread"
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GIAMNGHEO_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Behind a load balancer on another machine, set FORWARDED_ALLOW_IPS to its address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's control socket (one path per user) would be shared by every server on a machine.
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GIAMNGHEO_LOG_LEVEL", "warning").lower()
_json = (
    os.environ.get(
        "GIAMNGHEO_LOG_FORMAT", "json" if os.environ.get("GIAMNGHEO_PRODUCTION") else "text"
    )
    == "json"
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_numbers": {"()": "giamngheo.lib.logs.MaskPersonalNumbers"}},
    "formatters": {
        "json": {"()": "giamngheo.lib.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["personal_numbers"],
            "formatter": "json" if _json else "text",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
