"""Run the background job worker that survives database outages and requeues tasks a dead worker left RUNNING.

The same options as django-tasks' `db_worker` (it is that worker, with core/worker.py's additions). Run it under
supervision (`make serve-prod`, or the systemd units in deploy/), as many as you like: each claims tasks with
SKIP LOCKED and beats with its own id.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.worker import ResilientWorker


class Command(DbWorkerCommand):
    help = "Run the job worker: rides out database outages, beats, and runs again tasks a dead worker left RUNNING"

    def handle(self, *, verbosity: int, queue_name: str, exclude_queues: str, **options) -> None:
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        worker.configure_signals()
        worker.run()
