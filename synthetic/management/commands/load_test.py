"""Drive a running Homeward server with virtual staff, optionally inject a fault, and reconcile the writes.

Run by `make load` / `make fault-*` (scripts/load.sh starts gunicorn, the worker and the scheduler on PostgreSQL,
loopback only). Each virtual user signs in (the coordinator's pages) or holds an API token (police) and, for
--seconds, repeatedly picks a kind of request by weight: the trivial view (/ops/live, the yardstick every
figure is divided by), a static file, the child record page, the child through the API, My work, the dashboard,
the OpenAPI document, and a write: reporting a child missing through the API and recording their return.

Afterwards every acknowledged write is looked up in the database: it must be there exactly once. Writes the
client never got an answer for are counted separately (committed or not). Results go to --out as JSON, and a
table is printed. Figures are those of this machine in this run: compare the ratios, not the absolute numbers.
"""

import asyncio
import json
import os
import random
import signal
import statistics
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from access.models import User
from access.tokens import issue_token
from children.models import Child
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from episodes.models import MissingEpisode
from synthetic.demo import DEMO_PASSWORD, demo_username

WEIGHTS = {
    "trivial": 2,
    "static": 1,
    "child_record": 4,
    "api_child": 3,
    "my_work": 1,
    "dashboard": 0.5,
    "openapi": 0.5,
    "report_missing": 1.5,
}


@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer (connection refused or timed out)
    seconds: float
    at: float
    phase: str = "mixed"


# Measured alone, one after the other, every user on the same kind: the throughput ratios compare these.
CAPACITY_KINDS = ("trivial", "child_record", "api_child", "my_work", "dashboard", "openapi")


@dataclass
class Prepared:
    child_ids: list[int]
    police_force_id: int
    token: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Load (and fault) scenario against a running server; reconciles every acknowledged write"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8410")
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--out", default="bench-results/load.json")
        parser.add_argument("--fault", choices=["none", "db-restart", "db-readonly", "worker-kill"], default="none")
        parser.add_argument("--fault-at", type=float, default=20, help="seconds into the run")
        parser.add_argument("--fault-seconds", type=float, default=8, help="how long the database stays away")
        parser.add_argument("--worker-pid-file", default="", help="for worker-kill: the worker's pid file")
        parser.add_argument("--label", default="", help="a name for this run in the results")
        parser.add_argument("--capacity-seconds", type=float, default=10, help="each capacity phase (no fault)")
        parser.add_argument(
            "--think",
            type=float,
            default=0,
            help="mixed phase: each user's mean pause between requests, in seconds (uniform from half to one and a "
            "half times it); 0 sends back to back. Capacity phases never pause.",
        )

    def handle(self, *args, **options) -> None:
        self._phases: dict[str, float] = {}
        self._killed_task: str | None = None
        prepared = self._prepare()
        started = time.monotonic()
        samples, writes, fault_log = asyncio.run(self._run(prepared, options, started))
        reconciliation = self._reconcile(prepared, writes)
        result = self._summarise(samples, reconciliation, fault_log, options, prepared)
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2))
        self._print_table(result)
        self.stdout.write(f"Results: {out}")

    # --- before ----------------------------------------------------------------------------------------------

    def _prepare(self) -> Prepared:
        police = User.objects.get(username=demo_username("police"))
        coordinator = User.objects.get(username=demo_username("coordinator"))
        council = coordinator.agency
        child_ids = list(
            Child.objects.filter(responsible_council=council)
            .exclude(pk__in=MissingEpisode.objects.open().values("child_id"))
            .order_by("pk")
            .values_list("pk", flat=True)[:2000]
        )
        if not child_ids:
            raise SystemExit("No children in the demo council who are not missing now: generate synthetic data first")
        if police.agency_id is None:
            raise SystemExit("The demo police user has no force: run create_demo_users first")
        return Prepared(child_ids=child_ids, police_force_id=police.agency_id, token=issue_token(police))

    # --- during ----------------------------------------------------------------------------------------------

    async def _run(self, prepared: Prepared, options: dict, started: float):
        """First the capacity phases (every user on one kind, for the throughput ratios), then the mixed phase
        (every kind by weight, the writes, and the fault if any) for the rest of --seconds."""
        samples: list[Sample] = []
        writes: list[dict] = []
        fault_log: list[dict] = []
        self._run_started = started
        async with httpx.AsyncClient(base_url=options["base_url"], timeout=30) as probe:
            await self._wait_ready(probe)
        self._clients = [httpx.AsyncClient(base_url=options["base_url"], timeout=30) for _ in range(options["users"])]
        await asyncio.gather(*(self._sign_in_and_warm_up(client, prepared) for client in self._clients))
        capacity_seconds = options["capacity_seconds"] if options["fault"] == "none" else 0
        for kind in CAPACITY_KINDS if capacity_seconds else ():
            phase_start = time.monotonic()
            await asyncio.gather(
                *(
                    self._user(n, prepared, options, phase_start + capacity_seconds, started, samples, writes, kind)
                    for n in range(options["users"])
                )
            )
            self._phases[f"capacity:{kind}"] = time.monotonic() - phase_start
        mixed_start = time.monotonic()
        mixed_seconds = max(10.0, options["seconds"] - capacity_seconds * len(CAPACITY_KINDS))
        users = [
            self._user(n, prepared, options, mixed_start + mixed_seconds, started, samples, writes, None)
            for n in range(options["users"])
        ]
        if options["fault"] != "none":
            users.append(self._fault(options, mixed_start, fault_log))
        await asyncio.gather(*users)
        self._phases["mixed"] = time.monotonic() - mixed_start
        await asyncio.gather(*(client.aclose() for client in self._clients))
        return samples, writes, fault_log

    async def _sign_in_and_warm_up(self, client: httpx.AsyncClient, prepared: Prepared) -> None:
        """Sign in, and open each kind of page once (unmeasured): every gunicorn worker has loaded its code."""
        await self._sign_in(client)
        for path in ("/ops/live", f"/children/{prepared.child_ids[0]}/", "/", "/analytics/", "/api/v1/openapi.json"):
            await client.get(path)

    async def _wait_ready(self, client: httpx.AsyncClient) -> None:
        for _ in range(120):
            try:
                if (await client.get("/ops/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
        raise SystemExit("The server never became ready")

    async def _sign_in(self, client: httpx.AsyncClient) -> None:
        await client.get("/sign-in/")
        response = await client.post(
            "/sign-in/",
            data={
                "username": demo_username("coordinator"),
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{client.base_url}/sign-in/"},
        )
        if response.status_code != 302:
            raise SystemExit(f"Sign-in failed ({response.status_code}): is HOMEWARD_REQUIRE_2FA off for the run?")

    async def _user(self, number, prepared, options, deadline, started, samples, writes, only_kind) -> None:
        """One virtual user until the deadline: `only_kind` for a capacity phase, else kinds by weight."""
        rng = random.Random(number)  # choosing requests, not secrets
        phase = f"capacity:{only_kind}" if only_kind else "mixed"
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
        api_headers = {"Authorization": f"Bearer {prepared.token}"}
        client = self._clients[number]
        while time.monotonic() < deadline:
            kind = only_kind or rng.choices(kinds, weights)[0]
            child_id = rng.choice(prepared.child_ids)
            if kind == "report_missing":
                await self._report_and_return(client, rng, prepared, api_headers, started, samples, writes)
            else:
                method, path, headers = self._request_for(kind, child_id, api_headers)
                sample, _ = await self._timed(client, kind, method, path, headers, started)
                sample.phase = phase
                samples.append(sample)
            if not only_kind and options["think"] > 0:
                # Staff read a page before the next: a user who never pauses measures the server's saturation, not
                # 50 people at work. The pause is part of the user, not of any request's time.
                await asyncio.sleep(options["think"] * rng.uniform(0.5, 1.5))

    def _request_for(self, kind: str, child_id: int, api_headers: dict) -> tuple[str, str, dict]:
        return {
            "trivial": ("GET", "/ops/live", {}),
            "static": ("GET", f"/{settings.STATIC_URL.strip('/')}/govuk/govuk-frontend.min.css", {}),
            "child_record": ("GET", f"/children/{child_id}/", {}),
            "api_child": ("GET", f"/api/v1/children/{child_id}", api_headers),
            "my_work": ("GET", "/", {}),
            "dashboard": ("GET", "/analytics/", {}),
            "openapi": ("GET", "/api/v1/openapi.json", {}),
        }[kind]

    async def _timed(self, client, kind, method, path, headers, started, body=None) -> tuple[Sample, dict | None]:
        """One request, timed; with the JSON answer of a successful write."""
        began = time.monotonic()
        answer = None
        try:
            response = await client.request(method, path, headers=headers, json=body)
            status = response.status_code
            if status in (200, 201) and kind.startswith("write"):
                answer = response.json()
        except (httpx.TransportError, ValueError):
            status = 0
        return Sample(kind, status, time.monotonic() - began, began - started), answer

    async def _report_and_return(self, client, rng, prepared, headers, started, samples, writes) -> None:
        reference = f"LOAD-{prepared.run_id}-{uuid.uuid4().hex[:10]}"
        now = datetime.now(UTC)
        body = {
            "child": rng.choice(prepared.child_ids),
            "episode_type": EpisodeType.MISSING,
            "missing_from": MissingFrom.HOME,
            "last_seen_at": (now - timedelta(hours=2)).isoformat(),
            "last_seen_place": "Load test",
            "reported_at": (now - timedelta(hours=1)).isoformat(),
            "reported_by": "Load test",
            "police_force": prepared.police_force_id,
            "police_reference": reference,
            "risk_grade": RiskGrade.LOW,
        }
        sample, created = await self._timed(
            client, "write_report_missing", "POST", "/api/v1/episodes", headers, started, body
        )
        samples.append(sample)
        write = {"reference": reference, "status": sample.status, "id": None, "returned": None}
        writes.append(write)
        if sample.status != 201 or not created:
            return
        write["id"] = created["id"]
        back = {
            "returned_at": datetime.now(UTC).isoformat(),
            "found_place": "Load test",
            "found_by": FoundBy.POLICE,
            "version": created["version"],
        }
        path = f"/api/v1/episodes/{write['id']}/return"
        sample, _ = await self._timed(client, "write_record_return", "POST", path, headers, started, back)
        samples.append(sample)
        write["returned"] = sample.status

    async def _fault(self, options: dict, started: float, fault_log: list[dict]) -> None:
        await asyncio.sleep(max(0.0, started + options["fault_at"] - time.monotonic()))
        fault = options["fault"]
        name = connection.settings_dict["NAME"]
        began = time.monotonic() - started
        if fault == "worker-kill":
            pid = int(Path(options["worker_pid_file"]).read_text().strip())
            killed_mid_job = await asyncio.to_thread(self._kill_mid_job, pid)
            self._killed_task = killed_mid_job
            fault_log.append(
                {
                    "fault": "worker killed (SIGKILL) while running a job" if killed_mid_job else "worker killed",
                    "job": killed_mid_job,
                    "pid": pid,
                    "at_seconds": round(time.monotonic() - started, 1),
                }
            )
            return
        await asyncio.to_thread(self._database_fault, fault, name, options["fault_seconds"])
        fault_log.append(
            {
                "fault": fault,
                "at_seconds": round(began, 1),
                "lasted_seconds": options["fault_seconds"],
                "db": name,
                "ended_at_run_seconds": time.monotonic() - self._run_started,  # on the samples' clock
            }
        )

    def _kill_mid_job(self, pid: int, seconds: float = 20) -> str | None:
        """SIGKILL the worker the moment it is running a job (polled for up to `seconds`), and return that job's id
        if it was still RUNNING once the worker was dead; None if no job was caught (the worker is killed anyway)."""
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                running = list(
                    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("pk", flat=True)[:1]
                )
                if running:
                    os.kill(pid, signal.SIGKILL)
                    time.sleep(0.2)
                    if DBTaskResult.objects.filter(pk=running[0], status=TaskResultStatus.RUNNING).exists():
                        return str(running[0])
                    return None  # it finished in the instant before the kill
                time.sleep(0.01)
            os.kill(pid, signal.SIGKILL)
            return None
        finally:
            connection.close()  # this thread's connection

    def _database_fault(self, fault: str, name: str, seconds: float) -> None:
        """The database (ours alone: the server is shared) goes away as in a restart, or turns read-only."""
        admin = psycopg.connect(_admin_url(), autocommit=True)
        terminate = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        )
        with admin:
            if fault == "db-restart":
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                admin.execute(terminate, [name])
                time.sleep(seconds)
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            else:
                admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
                admin.execute(terminate, [name])
                time.sleep(seconds)
                admin.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
                admin.execute(terminate, [name])

    # --- after -----------------------------------------------------------------------------------------------

    def _reconcile(self, prepared: Prepared, writes: list[dict]) -> dict:
        time.sleep(5)  # let the worker finish what the writes queued (and a killed job run again)
        connection.close()  # a fault may have cut the harness's own connection too
        found = defaultdict(list)
        for reference, pk, returned_at in MissingEpisode.objects.filter(
            police_reference__istartswith=f"LOAD-{prepared.run_id}-"
        ).values_list("police_reference", "pk", "returned_at"):
            found[reference.upper()].append((pk, returned_at))
        for write in writes:
            write["reference"] = write["reference"].upper()
        acknowledged = [write for write in writes if write["status"] == 201]
        lost = [w["reference"] for w in acknowledged if len(found.get(w["reference"], [])) == 0]
        doubled = [reference for reference, rows in found.items() if len(rows) > 1]
        return_lost = [
            w["reference"]
            for w in acknowledged
            if w["returned"] == 200 and not any(returned for _, returned in found.get(w["reference"], []))
        ]
        unanswered = [w for w in writes if w["status"] not in (201, 400, 409, 422)]
        killed = None
        if self._killed_task is not None:
            job = DBTaskResult.objects.get(pk=self._killed_task)
            killed = {"job": job.task_path, "status_after": job.status, "times_started": len(job.worker_ids)}
        return {
            "job_running_when_the_worker_was_killed": killed,
            "writes_attempted": len(writes),
            "writes_acknowledged": len(acknowledged),
            "acknowledged_missing_from_database": len(lost),
            "duplicated": len(doubled),
            "acknowledged_returns_missing": len(return_lost),
            "unacknowledged_writes": len(unanswered),
            "unacknowledged_but_committed": sum(1 for w in unanswered if w["reference"] in found),
            "tasks_running_after": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
            "tasks_failed": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
            "tasks_waiting_after": DBTaskResult.objects.ready().count(),
        }

    def _summarise(self, samples, reconciliation, fault_log, options, prepared) -> dict:
        seconds = options["seconds"]
        kinds = _table([s for s in samples if s.phase == "mixed"], self._phases.get("mixed", seconds))
        capacity = {}
        for phase, lasted in self._phases.items():
            if phase.startswith("capacity:"):
                capacity.update(_table([s for s in samples if s.phase == phase], lasted))
        trivial = capacity.get("trivial", {}).get("per_second") or 0
        for row in capacity.values():
            row["throughput_ratio_to_trivial"] = round(row["per_second"] / trivial, 3) if trivial else None
        status_5xx: defaultdict[str, int] = defaultdict(int)
        for sample in samples:
            if sample.status >= 500 or sample.status == 0:
                status_5xx[str(sample.status)] += 1
        return {
            "label": options["label"] or options["fault"],
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "base_url": options["base_url"],
            "users": options["users"],
            "think_seconds": options["think"],
            "seconds": seconds,
            "children_in_database": Child.objects.count(),
            "fault": fault_log,
            "phases_seconds": {phase: round(lasted, 1) for phase, lasted in self._phases.items()},
            "capacity": capacity,
            "kinds": kinds,
            "errors": {"500": status_5xx.get("500", 0), "5xx_and_no_answer": dict(status_5xx)},
            "recovery": _recovery(samples, fault_log),
            "reconciliation": reconciliation,
            "run_id": prepared.run_id,
        }

    def _print_table(self, result: dict) -> None:
        for title, table in (("capacity (one kind at a time)", result["capacity"]), ("mixed", result["kinds"])):
            self.stdout.write(
                f"{title}\n{'kind':<22}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ratio':>8}  codes"
            )
            for kind, row in table.items():
                self.stdout.write(
                    f"{kind:<22}{row['per_second']:>8}{row['p50_ms'] or 0:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
                    f"{row.get('throughput_ratio_to_trivial') or '':>8}  {row['status_codes']}"
                )
        self.stdout.write(f"errors: {result['errors']}")
        self.stdout.write(f"reconciliation: {result['reconciliation']}")


def _recovery(samples: list[Sample], fault_log: list[dict]) -> dict | None:
    """After a database fault: how long from the database coming back to the first answered request that needs it,
    and to the last 503 (a request that started during the fault may be answered just after it)."""
    ended = next((fault.get("ended_at_run_seconds") for fault in fault_log if "ended_at_run_seconds" in fault), None)
    if ended is None:
        return None
    needs_database = [s for s in samples if s.kind not in ("static",)]
    first_ok = min((s.at + s.seconds for s in needs_database if s.at >= ended and 200 <= s.status < 400), default=None)
    last_503 = max((s.at + s.seconds for s in samples if s.status == 503), default=None)
    return {
        "first_success_after_database_back_seconds": round(first_ok - ended, 3) if first_ok is not None else None,
        "last_503_after_database_back_seconds": round(last_503 - ended, 3) if last_503 is not None else None,
        "answers_503": sum(1 for s in samples if s.status == 503),
        "answers_500": sum(1 for s in samples if s.status == 500),
    }


def _table(samples: list[Sample], seconds: float) -> dict:
    """Throughput (answered, non-error requests a second) and latency percentiles by kind."""
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    table = {}
    for kind, rows in sorted(by_kind.items()):
        ok = [row.seconds for row in rows if 200 <= row.status < 400]
        codes: dict[str, int] = defaultdict(int)
        for row in rows:
            codes[str(row.status)] += 1
        table[kind] = {
            "requests": len(rows),
            "ok": len(ok),
            "per_second": round(len(ok) / seconds, 2) if seconds else 0.0,
            "p50_ms": round(statistics.median(ok) * 1000, 1) if ok else None,
            "p95_ms": round(percentile(ok, 95) * 1000, 1),
            "p99_ms": round(percentile(ok, 99) * 1000, 1),
            "status_codes": dict(codes),
        }
    return table


def _admin_url() -> str:
    params = connection.settings_dict
    return f"postgresql://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/postgres"
