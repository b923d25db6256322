#!/usr/bin/env python3
"""Run every process of a Procfile and restart any that stops, until told to stop (make serve-prod).

A Procfile runner such as honcho stops everything when one process exits; a council's server needs the opposite:
the job worker or the scheduler dying must not take the web server down, and must come back by itself. Each
process is restarted after 1, 2, 4 … up to 30 seconds (back to 1 once it has run for a minute). Its output is
passed through, each line prefixed with the process's name. SIGTERM or SIGINT stops them all: SIGTERM to each,
then SIGKILL to any still running after --grace seconds. Standard library only, so it runs before anything is
installed. On a server with systemd, deploy/*.service does the same job.

    scripts/supervise.py [--procfile Procfile] [--grace 30] [--only web,worker]
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

MAX_BACKOFF = 30.0
STABLE_AFTER = 60.0


@dataclass
class Process:
    name: str
    command: str
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = 1.0
    restart_at: float = 0.0
    restarts: int = 0
    output_threads: list[threading.Thread] = field(default_factory=list)


def read_procfile(path: str, only: set[str] | None) -> list[Process]:
    processes = []
    with open(path, encoding="utf-8") as procfile:
        for number, line in enumerate(procfile, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, command = line.partition(":")
            if not sep or not name.strip() or not command.strip():
                sys.exit(f"{path}, line {number}: expected 'name: command', got {line!r}")
            if only is None or name.strip() in only:
                processes.append(Process(name.strip(), command.strip()))
    if not processes:
        sys.exit(f"{path}: no processes to run")
    return processes


def log(name: str, message: str) -> None:
    sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:>10} | {message}\n")
    sys.stdout.flush()


def _pass_through(process: Process, stream) -> None:
    for line in iter(stream.readline, ""):
        log(process.name, line.rstrip("\n"))
    stream.close()


def start(process: Process) -> None:
    process.popen = subprocess.Popen(  # noqa: S602 (the Procfile's own commands, which may use the shell)
        process.command,
        shell=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: signals reach gunicorn's workers and the shell's children
    )
    process.started_at = time.monotonic()
    reader = threading.Thread(target=_pass_through, args=(process, process.popen.stdout), daemon=True)
    reader.start()
    process.output_threads = [reader]
    log("supervise", f"started {process.name} (pid {process.popen.pid}): {process.command}")


def signal_group(process: Process, sig: int) -> None:
    if process.popen is not None and process.popen.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, sig)


def stop_all(processes: list[Process], grace: float) -> None:
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        if process.popen is None:
            continue
        try:
            process.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log("supervise", f"{process.name} did not stop within {grace:.0f} s: killing it")
            signal_group(process, signal.SIGKILL)
            process.popen.wait()
        log("supervise", f"stopped {process.name}")


def supervise(processes: list[Process], grace: float) -> int:
    stopping = threading.Event()

    def request_stop(signum, frame) -> None:
        log("supervise", f"received {signal.Signals(signum).name}: stopping every process")
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    for process in processes:
        start(process)
    while not stopping.is_set():
        now = time.monotonic()
        for process in processes:
            if process.popen is None:
                if now >= process.restart_at:
                    process.restarts += 1
                    start(process)
                continue
            code = process.popen.poll()
            if code is None:
                continue
            ran_for = now - process.started_at
            if ran_for >= STABLE_AFTER:
                process.backoff = 1.0
            why = f"exited with {code} after {ran_for:.0f} s"
            log("supervise", f"{process.name} {why}; restarting in {process.backoff:.0f} s")
            process.popen = None
            process.restart_at = now + process.backoff
            process.backoff = min(process.backoff * 2, MAX_BACKOFF)
        stopping.wait(0.2)
    stop_all(processes, grace)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procfile", default="Procfile")
    parser.add_argument("--grace", type=float, default=30.0, help="seconds between SIGTERM and SIGKILL on stop")
    parser.add_argument("--only", help="comma-separated names: run only these processes")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    return supervise(read_procfile(args.procfile, only), args.grace)


if __name__ == "__main__":
    sys.exit(main())
