"""gunicorn settings for `make serve-prod` and deploy/: every value from the environment with a safe default.

Sync workers: Homeward's requests are short and database-bound; a worker per core and a couple more covers the
time each waits on PostgreSQL (WEB_CONCURRENCY). A worker that takes longer than WEB_TIMEOUT seconds is replaced;
max_requests recycles workers now and then so a slow leak never builds up. Prometheus multiprocess mode
(ops/metrics.py) needs a directory shared by the workers and told when one exits.
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = None  # core.logs writes one JSON access line a request, with its id and no personal data
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker) -> None:
    """A worker's Prometheus files are marked dead when it exits (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
