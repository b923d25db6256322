"""The jobs `run_scheduler` queues beside the trigger sweep: sweeps (on every run, every
HOMEWARD_TRIGGER_SWEEP_MINUTES) and daily jobs: each app registers its own from its
`AppConfig.ready` (governance the retention run, reports the partnership reports), so the scheduler imports no
app above it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class DailyJob:
    name: str  # as the scheduler's output names it: "the daily retention job"
    task: Any  # a django_tasks task: the scheduler calls its enqueue()
    is_due: Callable[[date], bool]  # whether the job has work on this day


_daily_jobs: dict[str, DailyJob] = {}


def register_daily_job(job: DailyJob) -> None:
    """Queue `job` at most once a day, on a day it is due. Registering the same name again replaces it."""
    _daily_jobs[job.name] = job


def daily_jobs() -> list[DailyJob]:
    """The registered daily jobs, in the order their apps registered them (INSTALLED_APPS)."""
    return list(_daily_jobs.values())


_sweep_jobs: dict[str, Any] = {}


def register_sweep_job(name: str, task: Any) -> None:
    """Queue `task` (a django_tasks task) on every run of the scheduler, beside the trigger sweep: for work that
    depends on the clock, such as notifications before a deadline. The task must be safe to run any number of
    times."""
    _sweep_jobs[name] = task


def sweep_jobs() -> dict[str, Any]:
    return dict(_sweep_jobs)
